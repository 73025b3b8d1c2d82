"""A questionnaire's results, each question's block rendered once per state and kept
(core.cards), as the list pages' cards are (issue #20): the blocks' tables and charts
were two thirds of the results page's time, and they change only when a count, a
published text or the question changes. Everything a block shows makes its key (with
the language), so a kept block is never stale."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from django.utils.safestring import SafeString

from tissage.core.cards import rendered_cards

from .queries import QuestionResult

TEMPLATE = "consultations/questionnaires/_result.html"


def _shown(numbered: tuple[int, QuestionResult]) -> Hashable:
    number, result = numbered
    question = result.question
    return (
        number,
        question.pk,
        question.label,
        question.kind,
        tuple(question.choices),
        result.answered,
        result.mean,
        tuple((o.label, o.count, o.percent, o.mean_rank) for o in result.options),
        tuple(result.texts),
        result.chart_description,
        tuple(result.chart_rows),
    )


def results_html(results: Sequence[QuestionResult]) -> list[SafeString]:
    """The HTML of each question's block, in order, numbered from 1."""
    return rendered_cards(
        TEMPLATE,
        list(enumerate(results, start=1)),
        _shown,
        lambda numbered: {"number": numbered[0], "result": numbered[1]},
    )
