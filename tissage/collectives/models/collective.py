"""Collectives: self-organised groups with a discussion list (web and email), a wiki
(the "gare centrale") and initiatives that grow into projects.

Meetings of a collective are actions of kind "meeting" of the collective's project
(`Collective.project`), so registration, reminders and calendar files come from the
actions app unchanged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tissage.core.covers import Cover, cover_first
from tissage.core.files import RandomName

# The longest name shown for an author (messages, wiki revisions).
PUBLIC_NAME_MAX = 150


class Collective(models.Model):
    class Admission(models.TextChoices):
        OPEN = "open", _("open: people join at once")
        MODERATED = "moderated", _("moderated: a coordinator approves each request")

    class ArchiveVisibility(models.TextChoices):
        PUBLIC = "public", _("public: anyone can read the discussions")
        MEMBERS = "members", _("members only")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="collectives",
    )
    # The project that holds the collective's meetings (actions of kind "meeting").
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project of the meetings"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collective",
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=60,
        unique=True,
        help_text=_("Also the list's email address: <short name>@<list domain>."),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes"), blank=True, related_name="+"
    )
    admission = models.CharField(
        _("membership"), max_length=12, choices=Admission, default=Admission.OPEN
    )
    archive_visibility = models.CharField(
        _("who can read the discussions"),
        max_length=12,
        choices=ArchiveVisibility,
        default=ArchiveVisibility.PUBLIC,
    )
    hold_first_posts = models.BooleanField(
        _("hold a new member's first message for a coordinator"),
        default=False,
        help_text=_("Against spam: once one message is approved, the member posts freely."),
    )
    # Taken through the photo pipeline only (core.covers.CoverFields), which checks it.
    cover = models.ImageField(
        _("cover picture"),
        upload_to=RandomName("collectives/covers"),
        blank=True,
    )
    cover_alt = models.CharField(
        _("description of the cover picture"),
        max_length=200,
        blank=True,
        help_text=_("For people who cannot see the picture."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("collective")
        verbose_name_plural = _("collectives")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collectives:detail", args=[self.slug])

    @property
    def shown_cover(self) -> Cover | None:
        """Its own cover (its project only holds its meetings)."""
        return cover_first((self.cover, self.cover_alt))

    @property
    def list_address(self) -> str:
        return f"{self.slug}@{settings.LIST_DOMAIN}"

    @property
    def list_id(self) -> str:
        """RFC 2919 list identifier: <slug>.<domain>."""
        return f"{self.slug}.{settings.LIST_DOMAIN}"

    @property
    def is_open(self) -> bool:
        """Anyone may join at once and read the discussions: not a members-only list.
        With TISSAGE_LIST_UNVERIFIED=hold-members-only (the default), only such a list
        posts a member's email from a domain that signs nothing (no DKIM, no DMARC)."""
        return (
            self.admission == self.Admission.OPEN
            and self.archive_visibility == self.ArchiveVisibility.PUBLIC
        )
