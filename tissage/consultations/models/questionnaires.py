"""Questionnaires of a consultation: their questions, the responses and their answers,
the paper access codes, and the counts kept up to date as responses arrive."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tissage.core import questions as engine
from tissage.core.files import RandomName

from .consultations import Consultation

# Access codes avoid the characters people confuse when they read or type them
# (0/O/Q, 1/I/L, 2/Z, 5/S, 8/B): 23 characters, 8 of them give 23⁸ ≈ 7.8 × 10¹⁰ codes.
CODE_ALPHABET = "ACDEFGHJKMNPRTUVWXY3467"
CODE_LENGTH = 8

# Keys of the counts: every area, and the respondents who gave no commune.
EVERYWHERE = ""
NO_COMMUNE = "-"
# The option key of "how many answered this question", and of "other" answers.
ANSWERED = "*"
OTHER = "*other"
# A number question's sum (to show the mean).
NUMBER_SUM = "*sum"


def code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_clean(text: str) -> str:
    """A code as typed ("acde fgh3", "ACDE-FGH3") in its stored form."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def code_shown(code: str) -> str:
    """A code as printed: two groups of four, easier to copy."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


class QuestionnaireQuerySet(models.QuerySet["Questionnaire"]):
    def published(self) -> QuestionnaireQuerySet:
        return self.filter(published=True)


class Questionnaire(models.Model):
    """Questions a consultation asks, answered online, on paper with a code, or typed in
    by a facilitator."""

    class Audience(models.TextChoices):
        ANYONE = "anyone", _("anyone (one answer per account or confirmed email address)")
        MEMBERS = "members", _("the project's members")
        CODES = "codes", _("holders of an access code (handed out on paper)")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questionnaires"
    )
    title = models.CharField(_("title"), max_length=160)
    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Why you ask, how long it takes.")
    )
    audience = models.CharField(
        _("who may answer"), max_length=10, choices=Audience, default=Audience.ANYONE
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the consultation page.")
    )
    results_public = models.BooleanField(
        _("results public"),
        default=False,
        help_text=_("Everyone sees the results (otherwise only once the consultation is closed)."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:questionnaire", args=[self.pk])

    def results_open(self) -> bool:
        """Results are public once published by a facilitator or once the consultation
        is past its closing day."""
        return self.results_public or self.consultation.state() in (
            Consultation.State.ANSWERING,
            Consultation.State.FINISHED,
        )


class Question(models.Model):
    """One question of a questionnaire, written by a facilitator."""

    class Kind(models.TextChoices):
        TEXT = engine.TEXT, _("short text")
        LONG_TEXT = engine.LONG_TEXT, _("long text")
        CHOICE = engine.CHOICE, _("single choice")
        MULTIPLE_CHOICE = engine.MULTIPLE_CHOICE, _("multiple choice")
        SCALE = "scale", _("scale (e.g. 1 to 5)")
        RANKING = "ranking", _("ranking")
        NUMBER = engine.NUMBER, _("number")
        DATE = engine.DATE, _("date")
        PLACE = "place", _("a place on the map")
        COMMUNE = "commune", _("a commune")
        PHOTO = "photo", _("a photo")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    allow_other = models.BooleanField(
        _("“other” answer"), default=False, help_text=_("Adds “Other:” with a text box.")
    )
    required = models.BooleanField(_("required"), default=False)
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    scale_min_label = models.CharField(_("label of the lowest"), max_length=60, blank=True)
    scale_max_label = models.CharField(_("label of the highest"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="question_scale_grows",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    def has_choices(self) -> bool:
        return self.kind in (self.Kind.CHOICE, self.Kind.MULTIPLE_CHOICE, self.Kind.RANKING)

    def is_free_text(self) -> bool:
        """Answers people write themselves: published only after moderation."""
        return self.kind in (self.Kind.TEXT, self.Kind.LONG_TEXT)

    def scale_values(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))

    def display(self, value: Any) -> str:
        return engine.answer_display(value) if value is not None else ""


class ResponseQuerySet(models.QuerySet["Response"]):
    def counted(self) -> ResponseQuerySet:
        """Responses that count: guests' once their address is confirmed."""
        return self.filter(counted_at__isnull=False)


class Response(models.Model):
    """One person's answers to a questionnaire: by an account, a guest's confirmed
    address or a paper access code; typed in by a facilitator (`entered_by`) for paper
    answers."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    # Forgetting the person keeps the answers, anonymised.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questionnaire_responses",
    )
    email = models.EmailField(_("email address"), blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commune"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The facilitator who typed in a paper answer."),
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # Set when the response counts (at once, or when a guest confirms the address).
    counted_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "user"],
                condition=models.Q(user__isnull=False),
                name="one_response_per_account",
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "email"],
                condition=models.Q(counted_at__isnull=False) & ~models.Q(email=""),
                name="one_response_per_confirmed_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} #{self.pk}"

    @property
    def is_assisted(self) -> bool:
        return self.entered_by_id is not None

    @property
    def area(self) -> str:
        return self.commune.insee_code if self.commune else NO_COMMUNE


class Answer(models.Model):
    """The answer to one question. Free text (short and long answers, "other") is shown
    in the results only once a facilitator publishes it."""

    class Moderation(models.TextChoices):
        PENDING = "pending", _("to read")
        PUBLISHED = "published", _("published")
        PRIVATE = "private", _("kept private")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # Text, number, date (ISO), list of choices, ranked choices, [lon, lat], INSEE code.
    value = models.JSONField(null=True, blank=True)
    # What the person wrote: a text answer, or the "other" of a choice.
    text = models.TextField(blank=True)
    moderation = models.CharField(
        max_length=10, choices=Moderation, default=Moderation.PENDING, db_index=True
    )
    # The response's area (`Response.area`: the commune's INSEE code, or NO_COMMUNE),
    # written with the answer: a commune's published texts are read through
    # `answer_question_area_idx` without a join to every response of the commune.
    area = models.CharField(max_length=10, default=NO_COMMUNE)
    photo = models.ImageField(
        upload_to=RandomName("consultations/questionnaires"), blank=True, null=True
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
            # What is published is free text (the results read it without checking).
            models.CheckConstraint(
                condition=~models.Q(moderation="published") | ~models.Q(text=""),
                name="published_answer_has_text",
            ),
        ]
        indexes = [
            # A question's latest published free text, newest first, for the results
            # (`questionnaires.queries._published_texts`): read in order, TEXTS_SHOWN rows.
            models.Index(
                fields=["question", "moderation", "id"], name="answer_question_moderation_idx"
            ),
            # The same for one commune's results.
            models.Index(
                fields=["question", "moderation", "area", "id"], name="answer_question_area_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.question_id}"


class AccessCode(models.Model):
    """A single-use code printed on paper: whoever holds it answers once, online or on
    the paper questionnaire a facilitator types in."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=CODE_LENGTH, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    response = models.OneToOneField(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_code"
    )

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return code_shown(self.code)

    @property
    def shown(self) -> str:
        return code_shown(self.code)


class ResponseTally(models.Model):
    """How many responses count, per area ("" everywhere, "-" no commune given, else
    an INSEE code): kept with F() in the response's transaction."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="tallies"
    )
    area = models.CharField(max_length=10, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "area"], name="one_response_tally")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} {self.area or '*'}: {self.count}"


class AnswerTally(models.Model):
    """How many answers gave an option of a question, per area: the results page reads
    these, never the answers. `option`: a choice, a scale value, a commune's code, a
    month (dates), ANSWERED, OTHER; for a ranking the points (Borda) of each choice, for
    a number NUMBER_SUM the sum of the answers (rounded)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    option = models.CharField(max_length=300)
    area = models.CharField(max_length=10, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "option", "area"], name="one_answer_tally")
        ]
        indexes = [models.Index(fields=["area", "question"], name="answer_tally_area")]

    def __str__(self) -> str:
        return f"{self.question_id} {self.option} {self.area or '*'}: {self.count}"
