"""A consultation of a project, and the categories its proposals are filed under."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from tissage.projects.access import AnyUser


class ConsultationQuerySet(models.QuerySet["Consultation"]):
    def published(self) -> ConsultationQuerySet:
        return self.filter(published=True)

    def visible_to(self, user: AnyUser) -> ConsultationQuerySet:
        """Published consultations of the projects the person sees (drafts are for who
        runs the project: `access.consultation_rights`)."""
        from tissage.projects.models import Project

        return self.published().filter(project__in=Project.objects.visible_to(user))


class Consultation(models.Model):
    """A project asks its territory's people what they think: proposals (ideas), remarks
    on a map, questionnaires. Its state follows its dates, and ends when a facilitator
    finishes it with a public closing statement."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("consultation state", "draft")
        UPCOMING = "upcoming", pgettext_lazy("consultation state", "upcoming")
        OPEN = "open", pgettext_lazy("consultation state", "open")
        ANSWERING = "answering", pgettext_lazy("consultation state", "answers in progress")
        FINISHED = "finished", pgettext_lazy("consultation state", "finished")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="consultations"
    )
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=160)
    text = models.TextField(
        _("presentation"), help_text=_("What is at stake, what will be done with the answers.")
    )
    published = models.BooleanField(_("published"), default=False)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    answers_until = models.DateField(
        _("official answers by"),
        null=True,
        blank=True,
        help_text=_("The date by which every proposal will have an answer."),
    )
    proposals_enabled = models.BooleanField(_("proposals (ideas)"), default=True)
    map_enabled = models.BooleanField(_("participatory map"), default=False)
    requires_account = models.BooleanField(
        _("an account is needed to take part"),
        default=False,
        help_text=_("Otherwise guests take part with their email address, which they confirm."),
    )
    closing_statement = models.TextField(_("closing statement"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # How many published proposals had no official answer when it was finished: said
    # publicly with the closing statement (the facilitator confirmed it).
    unanswered_at_closing = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When it last changed (the open API's `updated_since` and Last-Modified).
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="consultation_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.slug])

    def state(self, today: datetime.date | None = None) -> str:
        """Draft until published; then upcoming, open between its dates, answering after
        its closing day, finished when a facilitator says so."""
        if not self.published:
            return self.State.DRAFT
        if self.finished_at is not None:
            return self.State.FINISHED
        today = today or timezone.localdate()
        if today < self.opens_on:
            return self.State.UPCOMING
        if today <= self.closes_on:
            return self.State.OPEN
        return self.State.ANSWERING

    def state_label(self) -> str:
        return str(self.State(self.state()).label)

    def can_finish(self, today: datetime.date | None = None) -> bool:
        """A consultation is finished once published and past its closing day (its
        statement may then be written again)."""
        today = today or timezone.localdate()
        return self.published and today > self.closes_on

    def is_open(self, today: datetime.date | None = None) -> bool:
        return self.state(today) == self.State.OPEN


class Category(models.Model):
    """A theme of a consultation's proposals, or a kind of remark on its map ("où planter
    une haie", "passage dangereux")."""

    class Part(models.TextChoices):
        IDEAS = "idea", _("proposals")
        MAP = "map", _("participatory map")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="categories"
    )
    part = models.CharField(_("part"), max_length=10, choices=Part, default=Part.IDEAS)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "part", "name"], name="one_consultation_category_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
