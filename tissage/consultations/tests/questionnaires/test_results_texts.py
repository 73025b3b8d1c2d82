"""The results page's published free text: the latest TEXTS_SHOWN of each question,
newest first, read through `answer_question_moderation_idx` so that the page's cost does
not grow with the responses (issue #20: ranking every published text of the
questionnaire made the page twice as long at 50,000 responses as at 5,000)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from tissage.consultations.models import Answer, Response
from tissage.consultations.models.questionnaires import NO_COMMUNE
from tissage.consultations.questionnaires.queries import TEXTS_SHOWN, results_of
from tissage.consultations.questionnaires.services import (
    AnswerInput,
    answers_moderate,
    response_submit,
    tallies_rebuild,
)
from tissage.core.tests.factories import CommuneFactory, UserFactory
from tissage.core.tests.plans import page_reads, query_plan, sorts_everything

pytestmark = pytest.mark.django_db

INDEX = "answer_question_moderation_idx"


def answer(questionnaire, *, text="", other="", commune=None):  # type: ignore[no-untyped-def]
    choice, multiple, scale, free = questionnaire.questions.all()
    return response_submit(
        questionnaire=questionnaire,
        answers=[
            AnswerInput(question=choice, value=None if other else "Lavoirs", text=other),
            AnswerInput(question=multiple, value=["Ponts"]),
            AnswerInput(question=scale, value=3),
            AnswerInput(question=free, text=text),
        ],
        user=UserFactory(),
        commune=commune,
    )


def texts_shown(client, questionnaire, **query) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Each list of free text on the results page, in the page's order."""
    url = reverse("consultations:questionnaire_results", args=[questionnaire.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    page = client.get(url)
    assert page.status_code == 200
    return [
        re.findall(r"<li>(.*?)</li>", block, re.S)
        for block in re.findall(r'<ul class="result-texts">(.*?)</ul>', page.text, re.S)
    ]


@pytest.fixture
def public(questionnaire):  # type: ignore[no-untyped-def]
    questionnaire.results_public = True
    questionnaire.save()
    return questionnaire


def test_each_question_shows_its_latest_published_texts_newest_first(client, public):
    for n in range(TEXTS_SHOWN + 5):
        answer(public, text=f"Souvenir {n}", other=f"Autre {n}" if n < 3 else "")
    Answer.objects.exclude(text="").update(moderation=Answer.Moderation.PUBLISHED)
    # Not shown: a text kept private, one not read yet, and a guest's response that
    # waits for its email (not counted), which cannot be published.
    Answer.objects.filter(text="Souvenir 24").update(moderation=Answer.Moderation.PRIVATE)
    answer(public, text="Pas encore lu")
    waiting = answer(public, text="Réponse d'un invité")
    Response.objects.filter(pk=waiting.pk).update(counted_at=None)
    guest_texts = Answer.objects.filter(response=waiting).exclude(text="")
    published = answers_moderate(
        questionnaire=public, answer_ids=guest_texts.values_list("pk", flat=True), publish=True
    )
    assert published == 0
    assert set(guest_texts.values_list("moderation", flat=True)) == {Answer.Moderation.PENDING}

    others, free = texts_shown(client, public)

    assert others == ["Autre 2", "Autre 1", "Autre 0"]
    assert free == [f"Souvenir {n}" for n in range(23, 23 - TEXTS_SHOWN, -1)]


def test_a_communes_results_show_that_communes_texts(client, public):
    nimes, uzes = CommuneFactory(), CommuneFactory()
    answer(public, text="À Nîmes", commune=nimes)
    answer(public, text="À Uzès", commune=uzes)
    answer(public, text="Sans commune")
    Answer.objects.exclude(text="").update(moderation=Answer.Moderation.PUBLISHED)

    assert texts_shown(client, public, commune=uzes.insee_code) == [["À Uzès"]]
    assert texts_shown(client, public) == [["Sans commune", "À Uzès", "À Nîmes"]]
    # The responses without a commune (their counts' area; no page asks for it yet).
    no_commune = results_of(public, area=NO_COMMUNE).questions[-1]
    assert no_commune.texts == ["Sans commune"]


def published_texts(questionnaire, *, communes) -> None:  # type: ignore[no-untyped-def]
    """600 responses, the n-th from `communes[n % len(communes)]`, each with a published
    text for both questions that may hold one ("Autre n", "Souvenir n"); then the
    database's statistics, as the nightly purge keeps them."""
    choice, multiple, scale, free = questionnaire.questions.all()
    for n in range(600):
        response_submit(
            questionnaire=questionnaire,
            answers=[
                AnswerInput(question=choice, value=None, text=f"Autre {n}"),
                AnswerInput(question=multiple, value=["Ponts"]),
                AnswerInput(question=scale, value=3),
                AnswerInput(question=free, text=f"Souvenir {n}"),
            ],
            user=UserFactory(),
            commune=communes[n % len(communes)],
        )
    Answer.objects.exclude(text="").update(moderation=Answer.Moderation.PUBLISHED)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_the_texts_are_read_through_the_index_without_sorting_every_answer(client, public):
    """600 responses, each with a published text for both questions that may hold one:
    each question's query walks the index newest first and stops at its TEXTS_SHOWN
    rows."""
    published_texts(public, communes=[None])
    url = reverse("consultations:questionnaire_results", args=[public.pk])

    _response, reads = page_reads(client, url, 'FROM "consultations_answer"')

    # One query for the counts and the texts; in it, a part for each question that may
    # hold text (the choice with "other", the short text), none for the multiple choice
    # without "other", nor for the scale.
    assert len(reads) == 1
    assert reads[0].count('FROM "consultations_answer"') == 2
    plan = query_plan(reads[0])
    assert plan.count(INDEX) == 2, plan
    assert not sorts_everything(plan), plan


def test_a_communes_texts_are_read_through_the_area_index(client, public):
    """600 responses, most from one commune, some from another and some from none: for
    that commune, each question's query walks `answer_question_area_idx` newest first,
    with no join to the responses' communes and no sort, and stops at its TEXTS_SHOWN
    rows."""
    communes = [CommuneFactory(), CommuneFactory()]
    # One in ten from the first commune, one in ten from none, the rest from the second.
    published_texts(public, communes=[communes[0], None, *[communes[1]] * 8])
    url = reverse("consultations:questionnaire_results", args=[public.pk])
    code = communes[1].insee_code

    _response, reads = page_reads(client, f"{url}?commune={code}", 'FROM "consultations_answer"')

    assert len(reads) == 1
    assert "territories_commune" not in reads[0], reads[0]
    plan = query_plan(reads[0])
    assert plan.count("answer_question_area_idx") == 2, plan
    assert not sorts_everything(plan), plan
    # The newest of that commune only, and of no commune for NO_COMMUNE.
    assert texts_shown(client, public, commune=code)[1][:3] == [
        "Souvenir 599",
        "Souvenir 598",
        "Souvenir 597",
    ]
    assert results_of(public, area=NO_COMMUNE).questions[-1].texts[:2] == [
        "Souvenir 591",
        "Souvenir 581",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_writes_each_answers_area_from_its_response(questionnaire):
    nimes = CommuneFactory()
    answer(questionnaire, text="À Nîmes", commune=nimes)
    answer(questionnaire, text="Sans commune")
    call_command("migrate", "consultations", "0006", verbosity=0)
    call_command("migrate", "consultations", verbosity=0)
    areas = dict(Answer.objects.exclude(text="").values_list("text", "area"))
    assert areas == {"À Nîmes": nimes.insee_code, "Sans commune": NO_COMMUNE}


def test_counting_again_writes_each_answers_area_from_its_response(client, public):
    """After a bulk load that left the answers' area to its default, counting again
    (`tallies_rebuild`) gives one commune's results its texts."""
    nimes = CommuneFactory()
    answer(public, text="À Nîmes", commune=nimes)
    answer(public, text="Sans commune")
    Answer.objects.exclude(text="").update(moderation=Answer.Moderation.PUBLISHED, area=NO_COMMUNE)
    assert texts_shown(client, public, commune=nimes.insee_code) == []
    tallies_rebuild(questionnaire=public)
    assert texts_shown(client, public, commune=nimes.insee_code) == [["À Nîmes"]]
    areas = dict(Answer.objects.exclude(text="").values_list("text", "area"))
    assert areas == {"À Nîmes": nimes.insee_code, "Sans commune": NO_COMMUNE}


def test_the_database_refuses_a_published_answer_without_text(public):
    """The results read published answers as free text without checking: the
    constraint keeps it so, whatever writes the row."""
    answer(public, text="Souvenir")
    empty = Answer.objects.filter(text="").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=empty.pk).update(moderation=Answer.Moderation.PUBLISHED)
    empty.refresh_from_db()
    assert empty.moderation == Answer.Moderation.PENDING


@pytest.mark.django_db(transaction=True)
def test_the_migration_sends_back_to_reading_what_may_not_be_published(questionnaire):
    """Before the constraint: an answer published without text, or of a response not
    counted, goes back to be read; a published text of a counted response stays."""
    call_command("migrate", "consultations", "0010", verbosity=0)
    shown = answer(questionnaire, text="Souvenir")
    guest = answer(questionnaire, text="Réponse d'un invité")
    Response.objects.filter(pk=guest.pk).update(counted_at=None)
    Answer.objects.filter(response__in=[shown, guest]).update(
        moderation=Answer.Moderation.PUBLISHED
    )
    call_command("migrate", "consultations", verbosity=0)
    published = Answer.objects.filter(moderation=Answer.Moderation.PUBLISHED)
    assert list(published.values_list("text", flat=True)) == ["Souvenir"]
    assert Answer.objects.filter(moderation=Answer.Moderation.PENDING).count() == 7
