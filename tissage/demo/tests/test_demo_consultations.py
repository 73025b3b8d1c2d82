"""The demo consultations: the Drôme's ideas and map remarks with their answers, the PETR's
questionnaire with its responses; loaded twice, one copy; their pages answer."""

import pytest
from django.urls import reverse

from tissage.accounts.models import User
from tissage.consultations.models import (
    AccessCode,
    Answer,
    Comment,
    Consultation,
    Proposal,
    Questionnaire,
    Response,
    ResponseTally,
    Support,
)
from tissage.demo.consultations import (
    ASSISTED_NAME,
    ASSISTED_WITH_CODE,
    ASSISTED_WITHOUT_CODE,
    CODES,
    GARD_PEOPLE,
    GUEST_EMAIL,
    HERITAGE_QUESTIONNAIRE,
    HERITAGE_SLUG,
    IDEAS,
    ONLINE_BY_CODE,
    PLANTING_SLUG,
    PRIVATE_STORY,
    REMARKS,
)
from tissage.demo.data import demo_load
from tissage.engagement.kinds import Kind
from tissage.engagement.models import Event
from tissage.territories.models import Commune

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

JEANNE = "jeanne@demo.tissage.example"
MARTIN = "martin@vallee-drome.demo.tissage.example"
MEHDI = "mehdi@petr-garrigues.demo.tissage.example"


def counts() -> tuple[int, ...]:
    return (
        Consultation.objects.count(),
        Proposal.objects.count(),
        Support.objects.count(),
        Comment.objects.count(),
        Questionnaire.objects.count(),
        Response.objects.count(),
        AccessCode.objects.count(),
        ResponseTally.objects.get(area="").count,
    )


def test_loading_twice_leaves_one_copy_of_the_consultations():
    first = counts()
    demo_load()
    assert counts() == first
    assert first[:2] == (2, len(IDEAS) + len(REMARKS))


def test_the_planting_consultation_is_open_with_ideas_remarks_and_answers():
    consultation = Consultation.objects.get(slug=PLANTING_SLUG)
    assert consultation.is_open()
    assert consultation.map_enabled
    proposals = consultation.proposals.published()
    assert proposals.ideas().count() == len(IDEAS)
    assert proposals.on_map().count() == len(REMARKS)
    # Remarks lie in the project's communes.
    project_communes = set(consultation.project.communes.values_list("pk", flat=True))
    for remark in proposals.on_map():
        assert remark.has_point
        assert remark.commune_id in project_communes
        assert Commune.objects.containing(remark.longitude, remark.latitude) == remark.commune
    answered = proposals.answered()
    assert len(IDEAS + REMARKS) // 3 < answered.count() < len(IDEAS + REMARKS) * 2 // 3
    assert set(answered.values_list("answer_status", flat=True)) == set(Proposal.Answer.values) - {
        ""
    }
    assert all(p.answer_text for p in answered.filter(answer_status="not_retained"))
    supports = sorted(proposals.values_list("support_count", flat=True))
    assert supports[0] == 0
    assert 10 <= supports[-1] <= 25
    # The kept count is the number of confirmed supports.
    for proposal in proposals:
        assert (
            proposal.support_count == proposal.supports.filter(confirmed_at__isnull=False).count()
        )


def test_the_planting_consultation_has_a_guest_an_assisted_entry_and_threads():
    proposals = Proposal.objects.filter(consultation__slug=PLANTING_SLUG)
    guest = proposals.get(author_email=GUEST_EMAIL)
    assert guest.status == Proposal.Status.PUBLISHED
    assert guest.author is None
    assisted = proposals.get(author_name=ASSISTED_NAME)
    assert assisted.entered_by == User.objects.get(email=MARTIN)
    assert Support.objects.filter(proposal__in=proposals, user=None, email__gt="").exists()
    assert Support.objects.filter(proposal__in=proposals, entered_by__isnull=False).exists()
    replies = Comment.objects.filter(proposal__in=proposals, parent__isnull=False)
    assert replies.count() >= 2
    # Inhabitants with accounts, a dozen of them, besides Jeanne.
    authors = set(proposals.exclude(author=None).values_list("author", flat=True))
    assert len(authors) >= 10


def test_jeanne_authored_an_answered_proposal_and_was_told():
    jeanne = User.objects.get(email=JEANNE)
    hers = Proposal.objects.get(consultation__slug=PLANTING_SLUG, author=jeanne)
    assert hers.answer_status == Proposal.Answer.ACCEPTED
    # The event names her; its fan-out to her notifications runs in the worker once the
    # loading commits (never here: the module's data is rolled back).
    event = Event.objects.get(kind=Kind.PROPOSAL_ANSWERED, url=hers.get_absolute_url())
    assert jeanne.pk in event.direct


def test_the_heritage_questionnaire_has_responses_of_every_kind():
    consultation = Consultation.objects.get(slug=HERITAGE_SLUG)
    assert consultation.is_open()
    questionnaire = Questionnaire.objects.get(consultation=consultation)
    assert questionnaire.title == HERITAGE_QUESTIONNAIRE
    assert set(questionnaire.questions.values_list("kind", flat=True)) == {
        "ranking",
        "scale",
        "choice",
        "multiple_choice",
        "commune",
        "long_text",
        "number",
    }
    responses = questionnaire.responses.counted()
    total = len(GARD_PEOPLE) + 1 + ONLINE_BY_CODE + ASSISTED_WITH_CODE + ASSISTED_WITHOUT_CODE
    assert 35 <= responses.count() == total <= 45
    assert questionnaire.tallies.get(area="").count == total
    assert responses.filter(user__isnull=False).count() == len(GARD_PEOPLE) + 1
    assert responses.filter(entered_by__email=MEHDI).count() == (
        ASSISTED_WITH_CODE + ASSISTED_WITHOUT_CODE
    )
    codes = questionnaire.codes
    assert codes.count() == CODES
    assert codes.filter(used_at__isnull=False).count() == ONLINE_BY_CODE + ASSISTED_WITH_CODE
    texts = Answer.objects.filter(response__questionnaire=questionnaire).exclude(text="")
    assert texts.filter(moderation=Answer.Moderation.PUBLISHED).count() >= 5
    assert texts.get(text=PRIVATE_STORY).moderation == Answer.Moderation.PRIVATE
    # An "other" answer to the single choice.
    assert texts.filter(question__kind="choice", value__isnull=True).exists()


def _demo_pages() -> list[str]:
    planting = Consultation.objects.get(slug=PLANTING_SLUG)
    answered = planting.proposals.answered().order_by("pk").first()
    assert answered is not None
    questionnaire = Questionnaire.objects.get(consultation__slug=HERITAGE_SLUG)
    return [
        reverse("consultations:detail", args=[PLANTING_SLUG]),
        reverse("consultations:proposals", args=[PLANTING_SLUG]),
        reverse("consultations:map", args=[PLANTING_SLUG]),
        reverse("consultations:proposal", args=[answered.pk]),
        reverse("consultations:detail", args=[HERITAGE_SLUG]),
        reverse("consultations:questionnaire", args=[questionnaire.pk]),
        reverse("consultations:questionnaire_results", args=[questionnaire.pk]),
    ]


def test_the_demo_consultation_pages_answer_anyone(client):
    for url in _demo_pages():
        response = client.get(url)
        assert response.status_code == 200, url
    planting = client.get(reverse("consultations:detail", args=[PLANTING_SLUG]))
    assert "Où planter l’hiver prochain" in planting.text


def test_the_staff_pages_answer_the_facilitators(client):
    questionnaire = Questionnaire.objects.get(consultation__slug=HERITAGE_SLUG)
    client.force_login(User.objects.get(email=MEHDI))
    for name in ("questionnaire_codes", "questionnaire_codes_print", "questionnaire_moderation"):
        response = client.get(reverse(f"consultations:{name}", args=[questionnaire.pk]))
        assert response.status_code == 200, name
    client.force_login(User.objects.get(email=MARTIN))
    response = client.get(reverse("consultations:answers", args=[PLANTING_SLUG]))
    assert response.status_code == 200
