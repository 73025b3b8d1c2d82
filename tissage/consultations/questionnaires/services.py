"""Writes on questionnaires: responses (with their counts), access codes, the order of
questions, the moderation of free text."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from tissage.accounts.models import User
from tissage.core.files import files_delete_on_commit
from tissage.territories.models import Commune

from ..models import (
    AccessCode,
    Answer,
    AnswerTally,
    Question,
    Questionnaire,
    Response,
    ResponseTally,
)
from ..models.questionnaires import (
    ANSWERED,
    EVERYWHERE,
    NO_COMMUNE,
    NUMBER_SUM,
    OTHER,
    code_new,
)
from .tokens import CONFIRM_MAX_AGE

MAX_CODES = 480  # 20 sheets of 24 at a time


class AlreadyAnswered(Exception):
    """This account or this confirmed address has answered the questionnaire already."""


class CodeRefused(Exception):
    """The access code is unknown, of another questionnaire, or used already."""


@dataclass(frozen=True)
class AnswerInput:
    """One cleaned answer: `value` as stored (JSON), `text` what the person wrote (a text
    answer, or the "other" of a choice), `photo` a re-encoded picture."""

    question: Question
    value: Any = None
    text: str = ""
    photo: ContentFile | None = None

    def is_empty(self) -> bool:
        return self.value in (None, "", []) and not self.text and self.photo is None


# Responses ------------------------------------------------------------------------------------


@transaction.atomic
def response_submit(
    *,
    questionnaire: Questionnaire,
    answers: Sequence[AnswerInput],
    user: User | None = None,
    email: str = "",
    commune: Commune | None = None,
    code: str = "",
    entered_by: User | None = None,
) -> Response:
    """Store a response and its answers. It counts at once (its answers are added to the
    counts in the same transaction) unless it is a guest's, which counts when the guest
    confirms the address (`response_confirm`).

    A code is claimed by one conditional UPDATE (`used_at IS NULL`): of two sendings of
    one code at the same moment, the database lets one through and the other finds no
    row, and the whole response is undone (`CodeRefused`). An account answers once
    (`AlreadyAnswered`, by constraint)."""
    now = timezone.now()
    access_code: AccessCode | None = None
    if code:
        access_code = AccessCode.objects.filter(questionnaire=questionnaire, code=code).first()
        claimed = (
            access_code is not None
            and AccessCode.objects.filter(pk=access_code.pk, used_at__isnull=True).update(
                used_at=now
            )
            == 1
        )
        if not claimed:
            raise CodeRefused
    is_guest = user is None and access_code is None and entered_by is None and bool(email)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                questionnaire=questionnaire,
                user=user,
                email=email if is_guest else "",
                commune=commune,
                entered_by=entered_by,
                submitted_at=now,
                counted_at=None if is_guest else now,
            )
    except IntegrityError:
        raise AlreadyAnswered from None
    if access_code is not None:
        AccessCode.objects.filter(pk=access_code.pk).update(response=response)
    stored = [
        Answer(
            response=response,
            question=answer.question,
            value=answer.value,
            text=answer.text,
            photo=answer.photo,
            area=response.area,
        )
        for answer in answers
        if not answer.is_empty()
    ]
    Answer.objects.bulk_create(stored)
    if response.counted_at is not None:
        _tallies_add(response, stored)
    return response


@transaction.atomic
def response_confirm(*, response: Response) -> bool:
    """A guest confirmed the address: the response counts now. False when it counted
    already (the link opened twice); `AlreadyAnswered` when another response from this
    address counts already."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.counted_at is not None:
        return False
    response.counted_at = timezone.now()
    try:
        with transaction.atomic():
            response.save(update_fields=["counted_at"])
    except IntegrityError:
        raise AlreadyAnswered from None
    _tallies_add(response, list(response.answers.select_related("question")))
    return True


def _tally_options(answer: Answer) -> dict[str, int]:
    """What one answer adds to its question's counts: option → amount."""
    question, value = answer.question, answer.value
    options: dict[str, int] = {ANSWERED: 1}
    if answer.text and question.has_choices():
        options[OTHER] = 1
    match question.kind:
        case Question.Kind.CHOICE | Question.Kind.COMMUNE:
            if value:
                options[str(value)] = 1
        case Question.Kind.MULTIPLE_CHOICE:
            for choice in value or []:
                options[str(choice)] = 1
        case Question.Kind.SCALE:
            options[str(value)] = 1
        case Question.Kind.RANKING:
            # Borda points: the first of n choices gets n, the last 1.
            ranked = list(value or [])
            for rank, choice in enumerate(ranked):
                options[str(choice)] = len(ranked) - rank
        case Question.Kind.NUMBER:
            options[NUMBER_SUM] = round(float(value or 0))
        case Question.Kind.DATE:
            options[str(value)[:7]] = 1
    return options


def _tallies_add(response: Response, answers: Iterable[Answer]) -> None:
    """Add one counted response to the counts, everywhere and in its commune's area: two
    rows for the response, and for the answers one INSERT of the missing rows and one
    UPDATE with F() of them all, whatever the number of questions.

    Lock order: on PostgreSQL an UPDATE locks its rows in the order its plan meets them,
    which nothing fixes; two responses locking shared rows in two orders would deadlock.
    So every response takes its rows in one order, by key: missing rows inserted sorted,
    then the rows locked sorted (`SELECT … ORDER BY … FOR UPDATE`), the response rows
    before the answer rows, and only then changed."""
    areas = sorted({EVERYWHERE, response.area})
    ResponseTally.objects.bulk_create(
        [ResponseTally(questionnaire_id=response.questionnaire_id, area=a) for a in areas],
        ignore_conflicts=True,
    )
    response_rows = ResponseTally.objects.filter(
        questionnaire_id=response.questionnaire_id, area__in=areas
    )
    _lock_in_order(response_rows, "area")
    response_rows.update(count=F("count") + 1)
    amounts: dict[tuple[int, str, str], int] = {}
    for answer in answers:
        for option, amount in _tally_options(answer).items():
            for area in areas:
                amounts[(answer.question_id, option[:300], area)] = amount
    if not amounts:
        return
    keys = sorted(amounts)
    AnswerTally.objects.bulk_create(
        [AnswerTally(question_id=q, option=o, area=a) for q, o, a in keys],
        ignore_conflicts=True,
    )
    conditions = [Q(question_id=q, option=o, area=a) for q, o, a in keys]
    matches = Q()
    for condition in conditions:
        matches |= condition
    answer_rows = AnswerTally.objects.filter(matches)
    _lock_in_order(answer_rows, "question_id", "option", "area")
    answer_rows.update(
        count=F("count")
        + Case(
            *(
                When(condition, then=Value(amounts[key]))
                for condition, key in zip(conditions, keys, strict=True)
            ),
            default=Value(0),
        )
    )


def _lock_in_order(rows: QuerySet[Any], *order: str) -> None:
    """Lock `rows` until the transaction ends, one after the other in `order` (a no-op
    where the database has no row locks: SQLite writes one transaction at a time)."""
    list(rows.select_for_update().order_by(*order).values_list("pk", flat=True))


@transaction.atomic
def unconfirmed_responses_purge() -> int:
    """Forget guests' answers never confirmed once their link has expired: they never
    counted and never will, and their address (and photos) are not kept for nothing.
    Returns how many were removed.

    Maintenance (`tissage purge`), safe to run again or at the same time."""
    cutoff = timezone.now() - datetime.timedelta(seconds=CONFIRM_MAX_AGE)
    stale = Response.objects.filter(counted_at__isnull=True, submitted_at__lt=cutoff).exclude(
        email=""
    )
    names = [
        (answer.photo.storage, answer.photo.name)
        for answer in Answer.objects.filter(response__in=stale).exclude(photo="")
        if answer.photo.name
    ]
    _total, per_model = stale.delete()
    files_delete_on_commit(names)
    return per_model.get(Response._meta.label, 0)


@transaction.atomic
def tallies_rebuild(*, questionnaire: Questionnaire) -> int:
    """Count again, from the answers, every count of the questionnaire (after a bulk
    load, or to check the counts kept by `_tallies_add`): the same rules, in one pass
    over the answers. Each answer's area is written again from its response too (the
    results read one commune's texts by it; `response_submit` writes it). Returns the
    number of counted responses."""
    commune = Response.objects.filter(pk=OuterRef("response_id")).values("commune__insee_code")
    Answer.objects.filter(response__questionnaire=questionnaire).update(
        area=Coalesce(Subquery(commune[:1]), Value(NO_COMMUNE))
    )
    responses: dict[str, int] = {}
    answers: dict[tuple[int, str, str], int] = {}
    counted = (
        Response.objects.counted()
        .filter(questionnaire=questionnaire)
        .select_related("commune")
        .prefetch_related("answers__question")
    )
    total = 0
    for response in counted.iterator(chunk_size=2000):
        total += 1
        areas = (EVERYWHERE, response.area)
        for area in areas:
            responses[area] = responses.get(area, 0) + 1
        for answer in response.answers.all():
            for option, amount in _tally_options(answer).items():
                for area in areas:
                    key = (answer.question_id, option[:300], area)
                    answers[key] = answers.get(key, 0) + amount
    ResponseTally.objects.filter(questionnaire=questionnaire).delete()
    AnswerTally.objects.filter(question__questionnaire=questionnaire).delete()
    ResponseTally.objects.bulk_create(
        [ResponseTally(questionnaire=questionnaire, area=a, count=c) for a, c in responses.items()]
    )
    AnswerTally.objects.bulk_create(
        [AnswerTally(question_id=q, option=o, area=a, count=c) for (q, o, a), c in answers.items()],
        batch_size=2000,
    )
    return total


# Access codes ---------------------------------------------------------------------------------


@transaction.atomic
def codes_generate(*, questionnaire: Questionnaire, count: int) -> list[AccessCode]:
    """`count` new single-use codes, each unique on the platform."""
    made: list[AccessCode] = []
    while len(made) < count:
        wanted = {code_new() for _ in range(count - len(made))}
        taken = set(AccessCode.objects.filter(code__in=wanted).values_list("code", flat=True))
        made += AccessCode.objects.bulk_create(
            [AccessCode(questionnaire=questionnaire, code=code) for code in wanted - taken]
        )
    return made


# Questions ------------------------------------------------------------------------------------


@transaction.atomic
def question_move(*, question: Question, up: bool) -> None:
    """Swap the question with the one before (`up`) or after it; positions are renumbered
    0, 1, 2… on the way, so that they stay distinct."""
    questions = list(
        Question.objects.select_for_update().filter(questionnaire_id=question.questionnaire_id)
    )
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for position, item in enumerate(questions):
        item.position = position
    Question.objects.bulk_update(questions, ["position"])


# Moderation -----------------------------------------------------------------------------------


@transaction.atomic
def answers_moderate(
    *, questionnaire: Questionnaire, answer_ids: Iterable[int], publish: bool
) -> int:
    """Publish the free-text answers, or keep them private; returns how many changed.

    Only answers with text, of counted responses (a guest's waits for their email): the
    results read the published texts without checking either (`queries._published_texts`)."""
    return (
        Answer.objects.filter(
            pk__in=list(answer_ids),
            response__questionnaire=questionnaire,
            response__counted_at__isnull=False,
        )
        .exclude(text="")
        .update(moderation=Answer.Moderation.PUBLISHED if publish else Answer.Moderation.PRIVATE)
    )
