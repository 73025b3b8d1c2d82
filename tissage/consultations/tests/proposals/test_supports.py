"""Supporting a proposal: once per person, withdrawing, guests who confirm by email, the
count kept right under concurrency (SQLite and PostgreSQL), a guest's address proven."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tissage.accounts.models import User
from tissage.consultations.models import Proposal, Support
from tissage.consultations.proposals.services import (
    proposals_attach,
    support_give,
    support_withdraw,
    unconfirmed_supports_purge,
)
from tissage.consultations.tests.factories import (
    ConsultationFactory,
    ProposalFactory,
    SupportFactory,
)
from tissage.core.tests.concurrency import at_once
from tissage.core.tests.factories import UserFactory
from tissage.engagement.services import is_following

from .helpers import link_path


def support_url(proposal) -> str:
    return reverse("consultations:support", args=[proposal.pk])


def count(proposal) -> int:
    return Proposal.objects.get(pk=proposal.pk).support_count


@pytest.mark.django_db
def test_a_member_supports_once_then_withdraws(client, consultation):
    proposal = ProposalFactory(consultation=consultation)
    user = UserFactory()
    client.force_login(user)
    response = client.post(support_url(proposal), {"action": "soutenir"})
    assert response["Location"] == proposal.get_absolute_url() + "#support"
    assert count(proposal) == 1
    assert is_following(user=user, target=consultation)
    # A double tap: still one.
    client.post(support_url(proposal), {"action": "soutenir"})
    assert count(proposal) == 1
    assert Support.objects.filter(proposal=proposal).count() == 1
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Retirer mon soutien" in page
    assert "1 personne soutient cette proposition." in page
    client.post(support_url(proposal), {"action": "retirer"})
    assert count(proposal) == 0
    assert not Support.objects.exists()
    # Withdrawing what is not there changes nothing.
    client.post(support_url(proposal), {"action": "retirer"})
    assert count(proposal) == 0


@pytest.mark.django_db
def test_a_guest_supports_by_confirming_their_address(
    client, consultation, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(support_url(proposal), {"email": "Ana@Example.org"})
    assert response.status_code == 302
    support = Support.objects.get()
    assert support.email == "ana@example.org" and support.confirmed_at is None
    assert count(proposal) == 0
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    path = link_path(message, "soutien")
    assert client.get(path).status_code == 200
    assert count(proposal) == 0
    assert client.post(path)["Location"] == proposal.get_absolute_url()
    assert count(proposal) == 1
    # The link again, or the same address again: counted once, no more email.
    client.post(path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(support_url(proposal), {"email": "ana@example.org"})
    assert count(proposal) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_guest_without_an_address_gets_the_error_next_to_the_field(client, consultation):
    proposal = ProposalFactory(consultation=consultation)
    response = client.post(support_url(proposal), {"email": "nope"})
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    assert not Support.objects.exists()


@pytest.mark.django_db
def test_a_bad_support_link_is_a_link_problem(client):
    response = client.get(reverse("consultations:support_confirm", args=["abc:def"]))
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_closed_consultation_or_a_hidden_proposal_takes_no_support(client):
    today = timezone.localdate()
    closed = ConsultationFactory(
        opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1)
    )
    proposal = ProposalFactory(consultation=closed)
    client.force_login(UserFactory())
    assert client.post(support_url(proposal), {"action": "soutenir"}).status_code == 403
    hidden = ProposalFactory(status=Proposal.Status.HIDDEN)
    assert client.post(support_url(hidden), {"action": "soutenir"}).status_code == 404
    assert not Support.objects.exists()


@pytest.mark.django_db
def test_supporting_needs_an_account_when_the_consultation_says_so(client):
    proposal = ProposalFactory(consultation=ConsultationFactory(requires_account=True))
    response = client.post(support_url(proposal), {"email": "a@example.org"})
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")
    assert response["Location"].endswith("next=" + proposal.get_absolute_url())
    assert not Support.objects.exists()


@pytest.mark.django_db
def test_get_is_not_allowed(client, consultation):
    proposal = ProposalFactory(consultation=consultation)
    assert client.get(support_url(proposal)).status_code == 405


@pytest.mark.django_db
def test_unconfirmed_supports_are_purged_after_the_links_life(consultation):
    proposal = ProposalFactory(consultation=consultation)
    old = Support.objects.create(proposal=proposal, email="old@example.org")
    Support.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    recent = Support.objects.create(proposal=proposal, email="new@example.org")
    assert unconfirmed_supports_purge() == 1
    assert list(Support.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.django_db
def test_a_proven_address_makes_the_guests_proposals_and_supports_the_accounts(consultation):
    mine = ProposalFactory(consultation=consultation, author=None, author_email="zoe@example.org")
    waiting = ProposalFactory(
        consultation=consultation,
        author=None,
        author_email="zoe@example.org",
        status=Proposal.Status.UNCONFIRMED,
    )
    assisted = ProposalFactory(
        consultation=consultation,
        author=None,
        author_email="zoe@example.org",
        entered_by=UserFactory(),
    )
    other = ProposalFactory(consultation=consultation)
    twice = ProposalFactory(consultation=consultation)
    Support.objects.create(proposal=other, email="zoe@example.org", confirmed_at=timezone.now())
    Proposal.objects.filter(pk=other.pk).update(support_count=1)
    Support.objects.create(proposal=twice, email="zoe@example.org")  # never confirmed
    user = UserFactory(email="zoe@example.org", email_confirmed_at=timezone.now())
    SupportFactory(proposal=twice, user=user)
    Proposal.objects.filter(pk=twice.pk).update(support_count=1)
    proposals_attach(user)
    assert Proposal.objects.get(pk=mine.pk).author == user
    waiting.refresh_from_db()
    assert (waiting.author, waiting.status) == (user, Proposal.Status.PUBLISHED)
    # Typed in by a facilitator: not the account's to claim.
    assert Proposal.objects.get(pk=assisted.pk).author is None
    assert Support.objects.get(proposal=other).user == user
    assert count(other) == 1
    # Already supported by the account: the guest's one goes, counted once.
    assert Support.objects.filter(proposal=twice).count() == 1
    assert count(twice) == 1
    assert is_following(user=user, target=consultation)


@pytest.mark.django_db
def test_an_unproven_address_takes_nothing(consultation):
    mine = ProposalFactory(consultation=consultation, author=None, author_email="zoe@example.org")
    user = UserFactory(email="zoe@example.org", email_confirmed_at=None)
    assert proposals_attach(user) == 0
    assert Proposal.objects.get(pk=mine.pk).author is None


def test_fifty_people_at_once_give_fifty_supports(transactional_db):
    proposal = ProposalFactory()
    people = [UserFactory() for _ in range(50)]
    errors = at_once(50, lambda n: support_give(proposal=proposal, user=people[n]))
    assert not errors, errors
    assert Support.objects.filter(proposal=proposal).count() == 50
    assert count(proposal) == 50


def test_the_same_person_twice_at_once_gives_one_support(transactional_db):
    proposal = ProposalFactory()
    user = UserFactory()
    results: list[bool] = []
    errors = at_once(2, lambda n: results.append(support_give(proposal=proposal, user=user)))
    assert not errors, errors
    assert sorted(results) == [False, True]
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert count(proposal) == 1


def test_supports_and_withdrawals_at_once_keep_the_count_right(transactional_db):
    proposal = ProposalFactory()
    people = [UserFactory() for _ in range(20)]
    for person in people[:10]:
        support_give(proposal=proposal, user=person)

    def work(n: int) -> None:
        if n < 10:
            support_withdraw(proposal=proposal, user=people[n])
        else:
            support_give(proposal=proposal, user=people[n])

    assert not at_once(20, work)
    assert count(proposal) == Support.objects.filter(proposal=proposal).count() == 10
    assert User.objects.count() == 20 + 1  # the proposal's author


@pytest.mark.django_db
def test_a_guests_link_for_an_address_an_account_proved_gives_the_account_the_support(
    client, consultation, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(consultation=consultation)
    user = UserFactory(email="eve@example.org", email_confirmed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(support_url(proposal), {"email": "eve@example.org"})
    client.post(link_path(mail.outbox[0], "soutien"))
    support = Support.objects.get()
    assert support.user == user and support.email == ""
    assert count(proposal) == 1
    # Signed in, the same person is told it is counted, not counted twice.
    client.force_login(user)
    client.post(support_url(proposal), {"action": "soutenir"})
    assert count(proposal) == 1


@pytest.mark.django_db
def test_asking_again_for_the_link_sends_one_email_an_hour_at_most(
    client, consultation, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post(support_url(proposal), {"email": "ana@example.org"})
    assert len(mail.outbox) == 1
    Support.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(support_url(proposal), {"email": "ana@example.org"})
    assert len(mail.outbox) == 2
    # The new link works, and the support lives a link's life again.
    client.post(link_path(mail.outbox[1], "soutien"))
    assert count(proposal) == 1
    assert Support.objects.get().created_at > timezone.now() - datetime.timedelta(minutes=5)


@pytest.mark.django_db
def test_a_facilitator_records_supports_given_on_paper(client, consultation, facilitator):
    proposal = ProposalFactory(consultation=consultation)
    client.force_login(facilitator)
    url = reverse("consultations:support_paper", args=[proposal.pk])
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert url in page
    for name in ("Mme Roux", "M. Blanc"):
        response = client.post(url, {"name": name})
        assert response["Location"] == proposal.get_absolute_url() + "#paper-support"
    assert count(proposal) == 2
    supports = Support.objects.filter(proposal=proposal)
    assert {s.name for s in supports} == {"Mme Roux", "M. Blanc"}
    assert all(s.entered_by == facilitator and s.user is None for s in supports)
    # The facilitator's own support is another thing: still possible.
    client.post(support_url(proposal), {"action": "soutenir"})
    assert count(proposal) == 3
    # No name: the error next to the field, nothing counted.
    response = client.post(url, {"name": ""})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert count(proposal) == 3
