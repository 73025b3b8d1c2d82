"""Official answers: the staff list, the form and its bad input, who hears of an answer
(a notification with an account, an email as a guest, with an absolute link)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tissage.consultations.models import Consultation, Proposal, Support
from tissage.consultations.tests.factories import (
    CategoryFactory,
    ProposalFactory,
    SupportFactory,
)
from tissage.core.tests.factories import UserFactory
from tissage.engagement.kinds import Kind
from tissage.engagement.models import Event
from tissage.engagement.tests.producers import notified, text, the_event
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def answering(client, committed, facilitator):
    """The facilitator's client; each request commits (notifications, emails)."""
    client.force_login(facilitator)
    return committed(client)


def _answer(client, proposal, status="accepted", text="Nous la planterons en mars."):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("consultations:answer", args=[proposal.pk]), {"status": status, "text": text}
    )


def test_the_author_and_every_supporter_with_an_account_are_notified(
    answering, consultation, facilitator
):
    author = UserFactory()
    proposal = ProposalFactory(consultation=consultation, author=author, title="Une haie")
    supporters = {SupportFactory(proposal=proposal).user for _ in range(2)}
    SupportFactory(user=facilitator, proposal=proposal)  # who answers is not notified
    SupportFactory(user=UserFactory())  # another proposal's supporter

    response = _answer(answering, proposal)

    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:answers", args=[consultation.slug])
    assert notified(Kind.PROPOSAL_ANSWERED) == {author, *supporters}
    event = the_event(Kind.PROPOSAL_ANSWERED)
    assert event.url == f"/consultations/propositions/{proposal.pk}/"
    assert event.params["status"] == "accepted"
    assert text(event) == (
        f"Official answer of “{consultation.project.title}”: the proposal “Une haie” is accepted."
    )
    assert text(event, "fr") == (
        f"Réponse officielle de « {consultation.project.title} » : "
        "la proposition « Une haie » est retenue."
    )
    proposal.refresh_from_db()
    assert proposal.answer_status == Proposal.Answer.ACCEPTED
    assert proposal.answer_text == "Nous la planterons en mars."
    assert proposal.answered_by == facilitator
    assert proposal.answered_at is not None


def test_a_guest_author_and_guest_supporters_get_an_email_with_an_absolute_link(
    answering, consultation
):
    proposal = ProposalFactory(
        consultation=consultation,
        author=None,
        author_name="Jeanne",
        author_email="jeanne@example.org",
        title="Un banc",
    )
    Support.objects.create(
        proposal=proposal, email="paul@example.org", confirmed_at=proposal.created_at
    )
    Support.objects.create(proposal=proposal, email="waits@example.org")  # not confirmed
    mail.outbox.clear()

    _answer(answering, proposal, status="not_retained", text="Le terrain est inondable.")

    assert sorted(m.to[0] for m in mail.outbox) == ["jeanne@example.org", "paul@example.org"]
    message = next(m for m in mail.outbox if m.to == ["jeanne@example.org"])
    link = f"http://testserver/consultations/propositions/{proposal.pk}/"
    assert link in message.body
    assert "« Un banc »" in message.subject
    assert "Le terrain est inondable." in message.body
    assert "non retenue" in message.body
    assert "vous avez fait la proposition" in message.body
    supporter = next(m for m in mail.outbox if m.to == ["paul@example.org"])
    assert "vous avez soutenu la proposition" in supporter.body
    assert not Event.objects.get(kind=Kind.PROPOSAL_ANSWERED).direct


def test_the_same_answer_again_tells_nobody_a_change_of_status_tells_again(answering, consultation):
    proposal = ProposalFactory(consultation=consultation)
    _answer(answering, proposal, status="under_study", text="")
    _answer(answering, proposal, status="under_study", text="")
    assert Event.objects.filter(kind=Kind.PROPOSAL_ANSWERED).count() == 1
    _answer(answering, proposal, status="done", text="C’est planté.")
    assert Event.objects.filter(kind=Kind.PROPOSAL_ANSWERED).count() == 2
    assert Event.objects.latest("pk").params["status"] == "done"


@pytest.mark.parametrize(
    "hidden_from_some",
    [
        {"proposal": {"status": Proposal.Status.HIDDEN}},
        {"consultation": {"published": False}},
        {"project": {"status": Project.Status.DRAFT}},
    ],
)
def test_an_answer_nobody_else_may_read_is_told_to_nobody(
    answering, consultation, hidden_from_some
):
    Consultation.objects.filter(pk=consultation.pk).update(
        **hidden_from_some.get("consultation", {})
    )
    Project.objects.filter(pk=consultation.project_id).update(**hidden_from_some.get("project", {}))
    proposal = ProposalFactory(
        consultation=consultation,
        author=None,
        author_email="jeanne@example.org",
        **hidden_from_some.get("proposal", {}),
    )
    SupportFactory(proposal=proposal)
    mail.outbox.clear()
    assert _answer(answering, proposal).status_code == 302
    proposal.refresh_from_db()
    assert proposal.answer_status == "accepted"
    assert not Event.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "not_retained", "text": "  "}, "text", "Dites pourquoi la proposition"),
        ({"status": "peut-etre", "text": "x"}, "status", "Choisissez l’une des réponses"),
        ({"status": "", "text": "x"}, "status", "Choisissez la réponse."),
        ({"text": "x" * 5001, "status": "accepted"}, "text", "5000"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_told(
    answering, consultation, data, field, message
):
    proposal = ProposalFactory(consultation=consultation)
    response = answering.post(reverse("consultations:answer", args=[proposal.pk]), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.answer_status == ""
    assert not Event.objects.exists()


def test_the_answer_page_shows_the_proposal_and_its_current_answer(answering, consultation):
    proposal = ProposalFactory(
        consultation=consultation,
        author=None,
        author_name="Jeanne",
        author_email="jeanne@example.org",
        answer_status="under_study",
        answer_text="Nous regardons le cadastre.",
    )
    page = answering.get(reverse("consultations:answer", args=[proposal.pk])).content.decode()
    assert f"Réponse de {consultation.project.title}" in page
    assert '<span class="badge">À l’étude</span>' in page
    assert "Nous regardons le cadastre." in page
    assert "jeanne@example.org" in page  # who runs it may reach the author


def test_the_list_shows_proposals_without_an_answer_first_with_their_supports(
    answering, consultation
):
    category = CategoryFactory(consultation=consultation, name="Mobilité")
    waiting = ProposalFactory(
        consultation=consultation, title="Sans réponse", support_count=4, category=category
    )
    ProposalFactory(consultation=consultation, title="Acceptée", answer_status="accepted")
    ProposalFactory(consultation=consultation, title="Sur la carte", part="map")
    ProposalFactory(consultation=consultation, title="Masquée", status=Proposal.Status.HIDDEN)
    url = reverse("consultations:answers", args=[consultation.slug])

    page = answering.get(url).content.decode()
    assert "Sans réponse" in page and "Sur la carte" in page
    assert "Acceptée</a>" not in page and "Masquée</a>" not in page
    assert "4 soutiens" in page
    assert "Mobilité" in page
    assert reverse("consultations:answer", args=[waiting.pk]) in page
    assert "sans réponse (2)" in page

    page = answering.get(url, {"reponse": "accepted"}).content.decode()
    assert "Acceptée</a>" in page and "Sans réponse</a>" not in page
    page = answering.get(url, {"reponse": "masquees"}).content.decode()
    assert "Masquée</a>" in page and "Sans réponse</a>" not in page
    page = answering.get(url, {"reponse": "toutes"}).content.decode()
    assert page.index("Sans réponse</a>") < page.index("Acceptée</a>")
    assert "Masquée</a>" not in page


@pytest.mark.parametrize("query", [{"reponse": "n’importe"}, {"page": "abc"}, {"page": "999"}])
def test_a_bad_filter_or_page_shows_the_default_list(answering, consultation, query):
    ProposalFactory(consultation=consultation, title="Sans réponse")
    response = answering.get(reverse("consultations:answers", args=[consultation.slug]), query)
    assert response.status_code == 200
    assert "Sans réponse</a>" in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_reads_a_fixed_number_of_queries(
    answering, consultation, django_assert_max_num_queries, size
):
    categories = CategoryFactory.create_batch(3, consultation=consultation)
    for i in range(size):
        ProposalFactory(consultation=consultation, category=categories[i % 3])
    url = reverse("consultations:answers", args=[consultation.slug])
    with django_assert_max_num_queries(9):
        response = answering.get(url, {"reponse": "toutes"})
    assert len(response.context["page"].object_list) == size


def test_the_consultation_page_shows_the_answers_by_status(client, consultation):
    ProposalFactory.create_batch(2, consultation=consultation, answer_status="accepted")
    ProposalFactory(consultation=consultation, answer_status="done")
    ProposalFactory(consultation=consultation)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "3 propositions sur 4 ont une réponse officielle." in page
    assert '<span class="badge">Retenue</span> 2' in page
    assert '<span class="badge">Réalisée</span> 1' in page
    assert "Non retenue" not in page
