"""A consultation among what a person follows, and the official answers in their
notification centre (engagement): the label, the name, the links that lead to the
consultation and to the proposal; a few queries whatever their number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.consultations.tests.factories import (
    ConsultationFactory,
    ProposalFactory,
    SupportFactory,
)
from tissage.core.tests.factories import UserFactory
from tissage.engagement.kinds import Kind
from tissage.engagement.models import Follow, Notification
from tissage.engagement.tests.helpers import follow

pytestmark = pytest.mark.django_db

FOLLOWS = reverse("engagement:follows")
NOTIFICATIONS = reverse("engagement:list")
# Session and user (2), the page's count and follows (2), the consultations followed (1),
# the header's count of unread notifications (1).
FOLLOWS_QUERIES = 6
# Session and user (2), the page's count and notifications with their events (2), the
# header's count of unread notifications (1).
NOTIFICATIONS_QUERIES = 5


def _follow_url(consultation) -> str:  # type: ignore[no-untyped-def]
    return reverse("engagement:follow", args=["consultation", consultation.pk])


def test_the_follow_button_puts_the_consultation_among_what_i_follow(client, consultation):
    person = UserFactory()
    client.force_login(person)
    page = reverse("consultations:detail", args=[consultation.slug])
    assert _follow_url(consultation) in client.get(page).content.decode()

    response = client.post(_follow_url(consultation), {"follow": "1", "next": page})

    assert response.status_code == 302
    assert response["Location"] == page
    follows = client.get(FOLLOWS)
    assert follows.status_code == 200
    [item] = follows.context["followed"]
    assert (str(item.label), item.name, item.url) == ("Consultation", consultation.title, page)
    html = follows.content.decode()
    assert '<span class="badge">Consultation</span>' in html
    assert f'<a href="{page}">{consultation.title}</a>' in html


def test_stopping_from_what_i_follow(client, consultation):
    person = UserFactory()
    client.force_login(person)
    followed = follow(person, consultation)

    response = client.post(reverse("engagement:follow_stop", args=[followed.pk]))

    assert response.status_code == 302
    assert not Follow.objects.active().filter(user=person).exists()
    page = client.get(FOLLOWS)
    assert page.context["followed"] == []
    assert "d’un collectif ou d’une consultation, le bouton « Suivre »" in page.content.decode()


def test_a_draft_consultation_cannot_be_followed_by_an_outsider(client):
    draft = ConsultationFactory(published=False)
    client.force_login(UserFactory())

    response = client.post(_follow_url(draft), {"follow": "1"})

    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_an_anonymous_visitor_signs_in_first(client, consultation):
    page = reverse("consultations:detail", args=[consultation.slug])

    response = client.post(_follow_url(consultation), {"follow": "1", "next": page})

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")
    assert not Follow.objects.exists()


@pytest.mark.parametrize("size", [3, 30])
def test_what_i_follow_reads_consultations_in_a_few_queries(
    client, django_assert_max_num_queries, size
):
    person = UserFactory()
    for _ in range(size):
        follow(person, ConsultationFactory())
    client.force_login(person)

    with django_assert_max_num_queries(FOLLOWS_QUERIES):
        response = client.get(FOLLOWS)

    assert len(response.context["followed"]) == size


@pytest.fixture
def answered(client, committed, consultation, facilitator):  # type: ignore[no-untyped-def]
    """A proposal with its author and a supporter, answered by the facilitator through
    the answer form (the request commits: the notifications are made)."""
    author, supporter = UserFactory(), UserFactory()
    proposal = ProposalFactory(consultation=consultation, author=author, title="Une haie")
    SupportFactory(proposal=proposal, user=supporter)
    client.force_login(facilitator)
    response = committed(client).post(
        reverse("consultations:answer", args=[proposal.pk]),
        {"status": "accepted", "text": "Nous la planterons en mars."},
    )
    assert response.status_code == 302
    client.logout()
    return proposal, author, supporter


@pytest.mark.parametrize("who", ["author", "supporter"])
def test_the_notification_centre_shows_the_answer_and_leads_to_the_proposal(client, answered, who):
    proposal, author, supporter = answered
    person = author if who == "author" else supporter
    client.force_login(person)

    response = client.get(NOTIFICATIONS)

    [line] = response.context["lines"]
    project = proposal.consultation.project.title
    assert (
        line.text
        == f"Réponse officielle de « {project} » : la proposition « Une haie » est retenue."
    )
    assert line.unread
    notification = line.notification
    assert reverse("engagement:open", args=[notification.pk]) in response.content.decode()

    opened = client.get(reverse("engagement:open", args=[notification.pk]))

    assert opened.status_code == 302
    assert opened["Location"] == reverse("consultations:proposal", args=[proposal.pk])
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    page = client.get(opened["Location"])
    assert page.status_code == 200
    assert "Nous la planterons en mars." in page.content.decode()


def test_someone_elses_answer_notification_is_not_found(client, answered):
    _proposal, author, _supporter = answered
    notification = Notification.objects.get(user=author, kind=Kind.PROPOSAL_ANSWERED)
    client.force_login(UserFactory())

    response = client.get(reverse("engagement:open", args=[notification.pk]))

    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


@pytest.mark.parametrize("size", [3, 30])
def test_the_notification_centre_reads_answers_in_a_few_queries(
    client, committed, consultation, facilitator, django_assert_max_num_queries, size
):
    supporter = UserFactory()
    client.force_login(facilitator)
    sending = committed(client)
    for n in range(size):
        proposal = ProposalFactory(consultation=consultation, title=f"Idée {n}")
        SupportFactory(proposal=proposal, user=supporter)
        sending.post(
            reverse("consultations:answer", args=[proposal.pk]),
            {"status": "under_study", "text": ""},
        )
    client.force_login(supporter)

    with django_assert_max_num_queries(NOTIFICATIONS_QUERIES):
        response = client.get(NOTIFICATIONS)

    assert len(response.context["lines"]) == min(size, 20)
    assert all("est à l’étude" in line.text for line in response.context["lines"])
