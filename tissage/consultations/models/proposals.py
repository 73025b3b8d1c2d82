"""Proposals (ideas, or remarks placed on the map), their supports and comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .consultations import Category, Consultation


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def published(self) -> ProposalQuerySet:
        return self.filter(status=Proposal.Status.PUBLISHED)

    def ideas(self) -> ProposalQuerySet:
        return self.filter(part=Proposal.Part.IDEAS)

    def on_map(self) -> ProposalQuerySet:
        return self.filter(part=Proposal.Part.MAP)

    def answered(self) -> ProposalQuerySet:
        return self.exclude(answer_status="")

    def unanswered(self) -> ProposalQuerySet:
        return self.filter(answer_status="")


class Proposal(models.Model):
    """An idea put to a consultation, or a remark placed on its map: the same life
    (supports, comments, an official answer, moderation), a different form."""

    Part = Category.Part

    class Status(models.TextChoices):
        # A guest's proposal waits for the link emailed to them.
        UNCONFIRMED = "unconfirmed", _("waiting for the email confirmation")
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden by the moderators")

    class Answer(models.TextChoices):
        NONE = "", pgettext_lazy("official answer", "no answer yet")
        UNDER_STUDY = "under_study", pgettext_lazy("official answer", "under study")
        ACCEPTED = "accepted", pgettext_lazy("official answer", "accepted")
        NOT_RETAINED = "not_retained", pgettext_lazy("official answer", "not retained")
        DONE = "done", pgettext_lazy("official answer", "done")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="proposals"
    )
    part = models.CharField(_("part"), max_length=10, choices=Part, default=Part.IDEAS)
    title = models.CharField(_("title"), max_length=160)
    text = models.TextField(_("your proposal"))
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("category"),
    )
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PUBLISHED)
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_proposals",
    )
    # A guest's name and address; emptied when the account is deleted.
    author_name = models.CharField(_("your name"), max_length=120, blank=True)
    author_email = models.EmailField(_("your email address"), blank=True)
    # Assisted entry: a facilitator typed it for someone who is not online.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    answer_status = models.CharField(
        _("official answer"), max_length=20, choices=Answer, default=Answer.NONE, blank=True
    )
    answer_text = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept by the services with F() (never read, add, write): the lists sort on them.
    support_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["consultation", "part", "status", "-support_count", "-id"],
                name="proposal_by_support",
            ),
            models.Index(
                fields=["consultation", "part", "status", "-created_at", "-id"],
                name="proposal_by_date",
            ),
            # The map's data: what is placed in a box (longitude first, as the
            # inventories' map index).
            models.Index(
                fields=["consultation", "status", "longitude", "latitude"],
                name="proposal_on_map",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__isnull=False, latitude__isnull=False),
                name="proposal_point_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:proposal", args=[self.pk])

    @property
    def is_assisted(self) -> bool:
        return self.entered_by_id is not None

    @property
    def shown_author(self) -> str:
        if self.author is not None:
            return self.author.public_name
        return self.author_name


class Support(models.Model):
    """One person's support of a proposal: an account, or a guest's address once they
    confirmed it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consultation_supports",
    )
    email = models.EmailField(_("email address"), blank=True)
    # None while a guest's support waits for their link: not counted yet.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"],
                condition=Q(user__isnull=False),
                name="one_support_per_person",
            ),
            models.UniqueConstraint(
                fields=["proposal", "email"],
                condition=~Q(email=""),
                name="one_support_per_address",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="support_has_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} ← {self.user or self.email}"


class Comment(models.Model):
    """A comment on a proposal, or a reply to another comment (one level of threads is
    shown; deeper replies attach to the thread's first comment)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden by the moderators")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_comments",
    )
    text = models.TextField(_("comment"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PUBLISHED)
    created_at = models.DateTimeField(default=timezone.now)
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.text[:40]}"


class CommentReport(models.Model):
    """Someone tells the moderators a comment breaks the rules."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.comment} ({self.reporter})"
