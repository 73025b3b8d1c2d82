"""Reads of the questionnaires' pages: the results (from the counts, never from the
answers), the free text to moderate, the export's rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Value
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tissage.core.unions import union_all
from tissage.territories.models import Commune

from ..models import Answer, AnswerTally, Question, Questionnaire, ResponseTally
from ..models.questionnaires import ANSWERED, EVERYWHERE, NUMBER_SUM, OTHER
from .charts import bar_chart

TEXTS_SHOWN = 20
COMMUNES_SHOWN = 20

# What a row of `results_of`'s one query holds.
_RESPONSES, _COUNT, _TEXT = 0, 1, 2


@dataclass
class OptionResult:
    label: str
    count: int
    percent: float | None = None
    # Ranking: the mean position (1 = first).
    mean_rank: float | None = None


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[OptionResult] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)
    # The bar chart's description and rows (label, value, text after the bar): drawn by
    # `chart` only when the block is rendered, not when it is kept (`blocks`).
    chart_description: str = ""
    chart_rows: list[tuple[str, float, str]] = field(default_factory=list)

    def chart(self) -> SafeString | None:
        if not self.chart_rows:
            return None
        return bar_chart(self.question.label, self.chart_description, self.chart_rows)


@dataclass
class Results:
    responses: int
    questions: list[QuestionResult]


def answered_communes(questionnaire: Questionnaire) -> list[Commune]:
    """The communes respondents gave, for the filter: one query."""
    areas = ResponseTally.objects.filter(questionnaire=questionnaire).exclude(area__in=["", "-"])
    return list(
        Commune.objects.filter(insee_code__in=areas.values("area"))
        .only("name", "insee_code")
        .order_by("name")
    )


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _shown(option: OptionResult) -> str:
    """ "12 (40 %)", the number written as the page's language writes it."""
    if option.percent is None:
        return str(option.count)
    percent = number_format(option.percent, 0 if option.percent.is_integer() else 1, use_l10n=True)
    return f"{option.count} ({percent}\u00a0%)"


def results_of(
    questionnaire: Questionnaire,
    *,
    area: str = EVERYWHERE,
    commune_names: dict[str, str] | None = None,
) -> Results:
    """Counts and percentages per question for `area` ("" everywhere, else an INSEE
    code), in three queries whatever the number of responses: the questions; the counts
    of the responses and of each answer, with the published free text (the latest few of
    each question that may have some: `_published_texts`), all in one `UNION ALL`; the
    names of the communes a commune question was answered with, when `commune_names`
    (the communes already read for the page, by code) lacks some."""
    questions = list(questionnaire.questions.all())
    responses = 0
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    texts: dict[int, list[str]] = defaultdict(list)
    # Each row: what it is (`_RESPONSES`, `_COUNT`, `_TEXT`), the question, the option
    # counted or the text, the count.
    for part, question_id, option_or_text, count in union_all(
        [
            ResponseTally.objects.filter(questionnaire=questionnaire, area=area).values_list(
                Value(_RESPONSES), Value(0), Value(""), "count"
            ),
            AnswerTally.objects.filter(
                question__questionnaire=questionnaire, area=area
            ).values_list(Value(_COUNT), "question_id", "option", "count"),
            *_published_texts(questions, area),
        ]
    ):
        if part == _RESPONSES:
            responses = count
        elif part == _COUNT:
            counts[question_id][option_or_text] = count
        else:
            texts[question_id].append(option_or_text)
    codes = {
        option
        for q in questions
        if q.kind == Question.Kind.COMMUNE
        for option in counts[q.pk]
        if not option.startswith("*")
    }
    names = dict(commune_names or {})
    missing = codes - names.keys()
    if missing:
        names.update(
            Commune.objects.filter(insee_code__in=missing).values_list("insee_code", "name")
        )
    results = []
    for question in questions:
        result = _question_result(question, counts[question.pk], names)
        result.texts = texts.get(question.pk, [])
        results.append(result)
    return Results(responses=responses, questions=results)


def _question_result(
    question: Question, counts: dict[str, int], commune_names: dict[str, str]
) -> QuestionResult:
    answered = counts.get(ANSWERED, 0)
    result = QuestionResult(question=question, answered=answered)
    kind = question.kind
    options: list[OptionResult] = []
    if kind in (Question.Kind.CHOICE, Question.Kind.MULTIPLE_CHOICE):
        options = [
            OptionResult(c, counts.get(c, 0), _percent(counts.get(c, 0), answered))
            for c in question.choices
        ]
        if question.allow_other:
            other = counts.get(OTHER, 0)
            options.append(OptionResult(_("Other"), other, _percent(other, answered)))
    elif kind == Question.Kind.SCALE:
        options = [
            OptionResult(str(v), counts.get(str(v), 0), _percent(counts.get(str(v), 0), answered))
            for v in question.scale_values()
        ]
        if answered:
            total = sum(v * counts.get(str(v), 0) for v in question.scale_values())
            result.mean = round(total / answered, 1)
    elif kind == Question.Kind.RANKING:
        size = len(question.choices)
        for choice in question.choices:
            points = counts.get(choice, 0)
            mean_rank = round(size + 1 - points / answered, 1) if answered else None
            options.append(OptionResult(choice, points, mean_rank=mean_rank))
        options.sort(key=lambda o: -o.count)
    elif kind == Question.Kind.NUMBER:
        if answered:
            result.mean = round(counts.get(NUMBER_SUM, 0) / answered, 1)
    elif kind == Question.Kind.DATE:
        months = sorted(o for o in counts if not o.startswith("*"))
        options = [
            OptionResult(_month(m), counts[m], _percent(counts[m], answered)) for m in months
        ]
    elif kind == Question.Kind.COMMUNE:
        found = sorted((o for o in counts if not o.startswith("*")), key=lambda o: -counts[o])[
            :COMMUNES_SHOWN
        ]
        options = [
            OptionResult(commune_names.get(o, o), counts[o], _percent(counts[o], answered))
            for o in found
        ]
    result.options = options
    if options and answered:
        if kind == Question.Kind.RANKING:
            description = _("Points of each choice (the first of %(n)d gets %(n)d points).") % {
                "n": len(question.choices)
            }
            rows = [(o.label, float(o.count), str(o.count)) for o in options]
        else:
            description = _("Number of answers of each choice, out of %(count)d.") % {
                "count": answered
            }
            rows = [(o.label, float(o.count), _shown(o)) for o in options]
        result.chart_description, result.chart_rows = description, rows
    return result


def _month(text: str) -> str:
    import datetime

    try:
        return date_format(datetime.date.fromisoformat(f"{text}-01"), "F Y")
    except ValueError:
        return text


TEXT_KINDS = (Question.Kind.TEXT, Question.Kind.LONG_TEXT)
CHOICE_KINDS = (Question.Kind.CHOICE, Question.Kind.MULTIPLE_CHOICE)


def _may_hold_text(question: Question) -> bool:
    """Whether the question's answers may hold free text: a text question, or a choice
    that offers "other" (which cannot change once answers came in)."""
    return question.kind in TEXT_KINDS or (question.kind in CHOICE_KINDS and question.allow_other)


def _published_texts(questions: list[Question], area: str) -> list[QuerySet[Answer]]:
    """For each question that may hold free text, a read of its latest published texts,
    TEXTS_SHOWN at most, newest first (rows of the `results_of` union: the part, the
    question, the text, nothing).

    For every commune at once (the page's default): each read walks
    `answer_question_moderation_idx` newest first and stops at TEXTS_SHOWN rows, so that
    its cost does not grow with the responses. For one commune (or none), the same walk
    through `answer_question_area_idx`, on the area written with each answer.

    No join to the responses and no condition on the text: a published answer has text
    and a counted response, both kept at writing (`answers_moderate`, and the constraint
    `published_answer_has_text`). With them, PostgreSQL misjudged how many rows a
    question's published text leaves (texts and questions go together), read every
    published answer and sorted them: up to 1.45 ms a question at 5,000 responses,
    against 0.05 ms for the walk (issue #20)."""
    answers = Answer.objects.filter(moderation=Answer.Moderation.PUBLISHED)
    if area:
        answers = answers.filter(area=area)
    return [
        answers.filter(question_id=question.pk)
        .order_by("-pk")
        .values_list(Value(_TEXT), "question_id", "text", Value(0))[:TEXTS_SHOWN]
        for question in questions
        if _may_hold_text(question)
    ]


def free_text_waiting() -> QuerySet[Answer]:
    """Free text waiting for a facilitator's reading, in every questionnaire: the
    moderation page and the staff workspace count the same answers (a guest's response
    waits for its email before it counts, and before it is read)."""
    return Answer.objects.filter(
        response__counted_at__isnull=False, moderation=Answer.Moderation.PENDING
    ).exclude(text="")


def answers_to_moderate(questionnaire: Questionnaire) -> QuerySet[Answer]:
    """Free text waiting for a facilitator's reading, oldest first."""
    return (
        free_text_waiting()
        .filter(response__questionnaire=questionnaire)
        .select_related("question")
        .order_by("pk")
    )


# Export -------------------------------------------------------------------------------------


def export_header(questions: list[Question]) -> list[str]:
    header = [_("Response"), _("Date"), _("Commune"), _("Entered from paper")]
    for question in questions:
        header.append(question.label)
        if question.allow_other:
            header.append(_("%(question)s — other") % {"question": question.label})
    return header


def export_rows(
    questionnaire: Questionnaire, questions: list[Question], *, private_text: bool
) -> Iterator[list[Any]]:
    """One row per counted response, anonymised: a number (1, 2, 3… in the order they
    came), the date, the commune, whether a facilitator typed it in, then the answers.
    No name, address or account. Free text only once published, unless `private_text`
    (who runs the questionnaire)."""
    responses = (
        questionnaire.responses.counted()
        .select_related("commune")
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )
    for number, response in enumerate(responses.iterator(chunk_size=500), start=1):
        by_question = {answer.question_id: answer for answer in response.answers.all()}
        row: list[Any] = [
            number,
            response.submitted_at.date(),
            response.commune.name if response.commune else "",
            response.entered_by_id is not None,
        ]
        for question in questions:
            answer = by_question.get(question.pk)
            text = ""
            if (
                answer is not None
                and answer.text
                and (private_text or answer.moderation == Answer.Moderation.PUBLISHED)
            ):
                text = answer.text
            if question.is_free_text():
                row.append(text)
            else:
                row.append(_cell(question, answer))
            if question.allow_other:
                row.append(text)
        yield row


def _cell(question: Question, answer: Answer | None) -> Any:
    if answer is None:
        return None
    value = answer.value
    match question.kind:
        case Question.Kind.PHOTO:
            return _("photo") if answer.photo else None
        case Question.Kind.PLACE:
            return f"{value[1]}, {value[0]}" if value else None
        case Question.Kind.NUMBER | Question.Kind.SCALE:
            return value
        case _:
            return question.display(value) or None
