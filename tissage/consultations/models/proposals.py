"""Proposals (ideas, or remarks placed on the map), their supports and comments."""

from __future__ import annotations

import datetime
import re
import secrets
import unicodedata
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tissage.core.files import RandomName

from .consultations import Category, Consultation

# A proposal's place in the shuffled circle of the list's random order: a key in
# [0, SHUFFLE_KEYS), drawn once (`proposals.queries.Shuffled`).
SHUFFLE_KEYS = 2**31 - 1


def shuffle_key_new() -> int:
    return secrets.randbelow(SHUFFLE_KEYS)


# Words too common to make two titles alike ("un jardin pour les enfants").
TITLE_STOP_WORDS = frozenset(
    [
        "les",
        "des",
        "une",
        "pour",
        "dans",
        "sur",
        "avec",
        "par",
        "aux",
        "est",
        "son",
        "ses",
        "qui",
        "que",
        "plus",
        "sans",
        "sous",
        "entre",
        "leur",
        "nos",
        "vos",
        "mon",
        "ton",
        "cette",
        "ces",
        "the",
        "and",
        "for",
        "with",
    ]
)


# A word of a title is kept to this many letters (`ProposalWord.word`).
TITLE_WORD_MAX = 40
# Words of a title kept at most (the first ones).
TITLE_WORDS_KEPT = 30


def title_words(title: str) -> list[str]:
    """The words of a title that make it alike another: lower case, without accents, of
    three letters or more, common words left out, each once, in order."""
    plain = unicodedata.normalize("NFKD", title.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    words = [
        w[:TITLE_WORD_MAX]
        for w in re.findall(r"[^\W_]+", plain)
        if len(w) >= 3 and w not in TITLE_STOP_WORDS
    ]
    return list(dict.fromkeys(words))[:TITLE_WORDS_KEPT]


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

    def for_cards(self) -> ProposalQuerySet:
        """What a card shows: the category and the commune's name, read with the row."""
        return self.select_related("category", "commune").only(
            "pk",
            "consultation_id",
            "part",
            "title",
            "category__name",
            "commune__name",
            "commune__insee_code",
            "answer_status",
            "support_count",
            "comment_count",
            "created_at",
            "status",
        )


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
    # The key of the form that made it: the same form sent twice (a double tap, a reload)
    # finds the proposal the first sending made.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Kept by the services with F() (never read, add, write): the lists sort on them.
    support_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    # Its place in the random order's circle, drawn at creation.
    shuffle_key = models.IntegerField(default=shuffle_key_new, editable=False)

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
            # The random order: walked from the visitor's start, either way.
            models.Index(
                fields=["consultation", "part", "status", "shuffle_key", "id"],
                name="proposal_by_shuffle",
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saved with its title's words (`ProposalWord`) when the title or the
        consultation may have changed: at creation, and on a save of every field."""
        update_fields = kwargs.get("update_fields")
        words_change = update_fields is None or bool({"title", "consultation"} & {*update_fields})
        if not words_change:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            adding = self._state.adding
            super().save(*args, **kwargs)
            if not adding:
                self.words.all().delete()
            ProposalWord.objects.bulk_create(ProposalWord.of(self))

    def get_absolute_url(self) -> str:
        return reverse("consultations:proposal", args=[self.pk])

    @property
    def has_point(self) -> bool:
        return self.longitude is not None and self.latitude is not None

    @property
    def is_assisted(self) -> bool:
        return self.entered_by_id is not None

    @property
    def shown_author(self) -> str:
        if self.author is not None:
            return self.author.public_name
        return self.author_name


class ProposalWord(models.Model):
    """One word of a proposal's title (`title_words`), with its consultation: similar
    titles read, for each word typed, the newest proposals that hold it, from the index
    `proposal_word_newest`, at most a few dozen a word whatever the consultation's size
    (`proposals.queries.similar_proposals`). Kept by `Proposal.save()`; rows made with
    `bulk_create` (a bench, an import) are made with `ProposalWord.of`."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="words", db_index=False
    )
    word = models.CharField(max_length=TITLE_WORD_MAX)

    class Meta:
        verbose_name = _("word of a title")
        verbose_name_plural = _("words of titles")
        indexes = [
            models.Index(fields=["consultation", "word", "proposal"], name="proposal_word_newest"),
        ]
        constraints = [
            # Also the index that finds a proposal's words (to replace them, to delete).
            models.UniqueConstraint(fields=["proposal", "word"], name="proposal_word_once"),
        ]

    def __str__(self) -> str:
        return self.word

    @classmethod
    def of(cls, proposal: Proposal) -> list[ProposalWord]:
        """The rows of a saved proposal's title words."""
        return [
            cls(consultation_id=proposal.consultation_id, proposal_id=proposal.pk, word=word)
            for word in title_words(proposal.title)
        ]


class ProposalPhoto(models.Model):
    """A photo of a proposal, re-encoded by the photo pipeline. Always private: served by
    `consultations:proposal_photo` to whoever may see the proposal (a guest's proposal
    waiting for its email, a hidden one, must not show its photos at a public address)."""

    # How long a photo waits for the form it came with (sent back for a correction).
    KEPT_MAX_AGE = datetime.timedelta(hours=24)

    # None while the photo waits for its form (`form_key`): the form came back with a
    # correction to make (or similar proposals to look at); the photo is not sent again.
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    # The form's key, known only to the page holding it; None once the photo is the
    # proposal's. `tissage purge` forgets photos kept longer than a day.
    form_key = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    image = models.ImageField(upload_to=RandomName("consultations/photos", private=True))
    thumbnail = models.ImageField(upload_to=RandomName("consultations/thumbnails", private=True))
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal} ({self.position})"

    @property
    def kept_url(self) -> str:
        """The thumbnail of a photo kept for a form, for the page that holds the form."""
        return reverse("consultations:kept_photo", args=[self.form_key, self.pk])

    @property
    def image_url(self) -> str:
        return reverse("consultations:proposal_photo", args=[self.pk, "image"])

    @property
    def thumbnail_url(self) -> str:
        return reverse("consultations:proposal_photo", args=[self.pk, "thumbnail"])


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
    # Assisted entry: a support given on paper, recorded by a facilitator (`entered_by`)
    # with the person's name only.
    name = models.CharField(_("name"), max_length=120, blank=True)
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
                condition=Q(user__isnull=False)
                | ~Q(email="")
                | Q(entered_by__isnull=False, name__gt=""),
                name="support_has_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} ← {self.user or self.email or self.name}"


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
