"""Actions (work-days, meetings, workshops, outings), their series, and their roles with
the places of each."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tissage.core.covers import Cover, cover_first
from tissage.core.files import RandomName


class ActionSeries(models.Model):
    """Actions created together (e.g. every Saturday morning for six weeks)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="action_series"
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("series of actions")
        verbose_name_plural = _("series of actions")

    def __str__(self) -> str:
        return self.title


class ActionQuerySet(models.QuerySet["Action"]):
    def published(self) -> ActionQuerySet:
        return self.filter(status=Action.Status.PUBLISHED)

    def upcoming(self) -> ActionQuerySet:
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")


class Action(models.Model):
    class Kind(models.TextChoices):
        WORKDAY = "workday", _("work-day")
        MEETING = "meeting", _("meeting")
        WORKSHOP = "workshop", _("workshop")
        OUTING = "outing", _("outing")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("action status", "draft")
        PUBLISHED = "published", pgettext_lazy("action status", "published")
        CANCELLED = "cancelled", pgettext_lazy("action status", "cancelled")

    class Difficulty(models.TextChoices):
        EASY = "easy", _("easy")
        MEDIUM = "medium", _("medium")
        HARD = "hard", _("demanding")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="actions"
    )
    series = models.ForeignKey(
        ActionSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.WORKDAY)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=90, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty, default=Difficulty.EASY
    )
    children_welcome = models.BooleanField(_("children welcome"), default=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    meeting_point = models.CharField(_("meeting point"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    # Places for the whole action, companions included; None: only the roles count.
    capacity = models.PositiveIntegerField(_("overall capacity"), null=True, blank=True)
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    reminder_hours_before = models.PositiveSmallIntegerField(
        _("reminder, hours before"), default=24, help_text=_("0: no reminder.")
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # When its followers were told of it (engagement): once, even if it goes back to draft
    # and is published again.
    announced_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    # Taken through the photo pipeline only (core.covers.CoverFields), which checks it.
    cover = models.ImageField(
        _("cover picture"),
        upload_to=RandomName("actions/covers"),
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

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["starts_at", "pk"]
        # The agenda: published actions not over yet, in order of start.
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["status", "ends_at"]),
            # The latest change of any action, read by the agenda and the feeds: one row.
            models.Index(fields=["updated_at"]),
            # Published and cancelled actions by start, as the open API lists them (its
            # keyset): a page is read in order, not sorted out of every action.
            models.Index(fields=["starts_at", "id"], name="action_start_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="action_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_cover(self) -> Cover | None:
        """Its own cover, else its project's."""
        return cover_first(
            (self.cover, self.cover_alt), (self.project.cover, self.project.cover_alt)
        )

    def registration_is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED or now >= self.starts_at:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)


class Role(models.Model):
    """What people come to do, with its number of places (e.g. “planting × 12”)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(_("role"), max_length=120)
    places = models.PositiveSmallIntegerField(_("places"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} × {self.places}"
