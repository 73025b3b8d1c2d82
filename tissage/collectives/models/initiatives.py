"""Initiatives: an idea of a member, the people who join it, and the project it may become."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .collective import Collective
from .lists import Thread


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def ongoing(self) -> InitiativeQuerySet:
        """Initiatives not done yet (ideas, teams forming, active or paused ones)."""
        return self.exclude(status=Initiative.Status.DONE)


class Initiative(models.Model):
    class Status(models.TextChoices):
        IDEA = "idea", _("idea")
        FORMING = "forming", _("team forming")
        ACTIVE = "active", pgettext_lazy("initiative status", "active")
        DONE = "done", pgettext_lazy("initiative status", "done")
        PAUSED = "paused", _("paused")

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(_("name"), max_length=150)
    what = models.TextField(_("what"), help_text=_("Markdown."))
    where = models.CharField(_("where"), max_length=200, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    needs = models.TextField(_("who is needed"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.IDEA)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Its own discussion on the collective's list.
    thread = models.OneToOneField(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiative"
    )
    # Set when a coordinator turns the initiative into a project of the organisation.
    project = models.OneToOneField(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiative",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collectives:initiative", args=[self.collective.slug, self.pk])


class InitiativeMember(models.Model):
    """Someone who said "j'en suis"."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiatives_joined"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("initiative member")
        verbose_name_plural = _("initiative members")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "user"], name="one_join_per_initiative")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.initiative}"
