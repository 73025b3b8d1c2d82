"""Membership: joining (open, moderated, anonymous), requests, leaving, roles, how a
member receives the list."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse

from tissage.collectives.membership import services as membership_services
from tissage.collectives.models import CollectiveMembership
from tissage.collectives.tests.factories import (
    CollectiveFactory,
    MembershipFactory,
    client_for_role,
)
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- Joining -------------------------------------------------------------------------


def test_anonymous_join_goes_to_sign_in_and_back():
    collective = CollectiveFactory()
    client, _user = client_for_role("anonymous", collective)
    response = client.post(reverse("collectives:join", args=[collective.slug]))
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("accounts:sign_in") + "?next=" + quote(collective.get_absolute_url())
    )
    page = client.get(collective.get_absolute_url()).content.decode()
    assert reverse("collectives:join", args=[collective.slug]) in page


def test_open_join_makes_an_active_member_and_sends_the_welcome(on_commit):
    collective = CollectiveFactory(admission="open")
    client, user = client_for_role("outsider", collective)
    url = reverse("collectives:join", args=[collective.slug])
    on_commit(client.post, url)
    on_commit(client.post, url)  # a double click
    membership = CollectiveMembership.objects.get(collective=collective, user=user)
    assert membership.status == "active" and membership.role == "member"
    assert len(mail.outbox) == 1
    welcome = mail.outbox[0]
    assert welcome.to == [user.email]
    assert collective.list_address in welcome.body
    assert reverse("collectives:delivery", args=[collective.slug]) in welcome.body
    page = client.get(collective.get_absolute_url()).content.decode()
    assert reverse("collectives:leave", args=[collective.slug]) in page
    assert reverse("collectives:delivery", args=[collective.slug]) in page


def test_a_person_without_a_name_gives_one_when_joining(client, on_commit):
    """Members without a name read as "Participant #11" in messages and emails."""
    collective = CollectiveFactory(admission="open", hold_first_posts=True)
    user = UserFactory(display_name="")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    url = reverse("collectives:join", args=[collective.slug])

    page = client.get(collective.get_absolute_url()).content.decode()
    assert 'name="display_name"' in page
    assert "Your first message is read by a coordinator" in page

    response = client.post(url, follow=True)  # no name
    assert "Give the name the members will read." in response.content.decode()
    assert not CollectiveMembership.objects.exists()

    on_commit(client.post, url, {"display_name": "Louise M."})
    assert CollectiveMembership.objects.get(user=user).status == "active"
    user.refresh_from_db()
    assert user.display_name == "Louise M."
    assert mail.outbox[-1].to == [user.email]  # the welcome


def test_a_person_with_a_name_is_not_asked_again(client):
    collective = CollectiveFactory(admission="open")
    client.force_login(UserFactory(display_name="Marc"))
    page = client.get(collective.get_absolute_url()).content.decode()
    assert 'name="display_name"' not in page


def test_join_service_is_idempotent():
    collective = CollectiveFactory()
    user = UserFactory()
    first, created = membership_services.membership_join(collective=collective, user=user)
    again, created_again = membership_services.membership_join(collective=collective, user=user)
    assert created and not created_again and first.pk == again.pk


def test_moderated_join_then_approval(on_commit):
    collective = CollectiveFactory(admission="moderated")
    coordinator = MembershipFactory(collective=collective, role="coordinator").user
    MembershipFactory(collective=collective)  # a plain member: not told
    client, user = client_for_role("outsider", collective)
    page = client.get(collective.get_absolute_url()).content.decode()
    assert 'name="message"' in page
    on_commit(
        client.post,
        reverse("collectives:join", args=[collective.slug]),
        {"message": "J’habite à Saint-Martin."},
    )
    membership = CollectiveMembership.objects.get(collective=collective, user=user)
    assert membership.status == "pending"
    assert membership.request_message == "J’habite à Saint-Martin."
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "J’habite à Saint-Martin." in mail.outbox[0].body
    assert user.email not in mail.outbox[0].body
    page = client.get(collective.get_absolute_url()).content.decode()
    assert "Withdraw my request" in page or "Retirer ma demande" in page
    # Pending: no access to the members-only delivery page.
    assert client.get(reverse("collectives:delivery", args=[collective.slug])).status_code == 403

    mail.outbox.clear()
    coordinator_client = client_for_role("anonymous", collective)[0]
    coordinator_client.force_login(coordinator)
    members_page = coordinator_client.get(reverse("collectives:members", args=[collective.slug]))
    assert "J’habite à Saint-Martin." in members_page.content.decode()
    response = on_commit(
        coordinator_client.post,
        reverse("collectives:member", args=[collective.slug, membership.pk]),
        {"action": "approve"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == "active"
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert collective.list_address in mail.outbox[0].body
    # Approving twice does nothing more.
    on_commit(
        coordinator_client.post,
        reverse("collectives:member", args=[collective.slug, membership.pk]),
        {"action": "approve"},
    )
    assert len(mail.outbox) == 1


def test_a_request_answered_meanwhile_is_said_so_and_changes_nothing(on_commit):
    collective = CollectiveFactory(admission="moderated")
    request = MembershipFactory(collective=collective, status="pending")
    coordinator, _ = client_for_role("coordinator", collective)
    url = reverse("collectives:member", args=[collective.slug, request.pk])
    on_commit(coordinator.post, url, {"action": "approve"}, follow=True)
    mail.outbox.clear()
    # Another coordinator's page still offered to refuse it.
    response = on_commit(coordinator.post, url, {"action": "refuse"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    request.refresh_from_db()
    assert request.status == "active"
    assert mail.outbox == []
    with pytest.raises(membership_services.MembershipRefused):
        membership_services.request_refuse(membership=request)
    with pytest.raises(membership_services.MembershipRefused):
        membership_services.request_approve(membership=request)


def test_refused_request_is_deleted_and_the_person_told(on_commit):
    collective = CollectiveFactory(admission="moderated")
    client, _coordinator = client_for_role("coordinator", collective)
    pending = MembershipFactory(collective=collective, status="pending")
    on_commit(
        client.post,
        reverse("collectives:member", args=[collective.slug, pending.pk]),
        {"action": "refuse"},
    )
    assert not CollectiveMembership.objects.filter(pk=pending.pk).exists()
    assert [m.to for m in mail.outbox] == [[pending.user.email]]


def test_pending_request_can_be_withdrawn():
    collective = CollectiveFactory(admission="moderated")
    client, user = client_for_role("pending", collective)
    client.post(reverse("collectives:leave", args=[collective.slug]))
    assert not CollectiveMembership.objects.filter(user=user).exists()


# --- Leaving, roles ------------------------------------------------------------------


def test_last_coordinator_cannot_leave_until_another_is_named():
    collective = CollectiveFactory()
    client, coordinator = client_for_role("coordinator", collective)
    other = MembershipFactory(collective=collective)
    page = client.get(collective.get_absolute_url()).content.decode()
    assert reverse("collectives:leave", args=[collective.slug]) not in page
    client.post(reverse("collectives:leave", args=[collective.slug]))
    assert collective.memberships.filter(user=coordinator).exists()
    # Nor can they step down, nor be removed.
    own = collective.memberships.get(user=coordinator)
    client.post(reverse("collectives:member", args=[collective.slug, own.pk]), {"action": "member"})
    client.post(reverse("collectives:member", args=[collective.slug, own.pk]), {"action": "remove"})
    own.refresh_from_db()
    assert own.is_coordinator
    client.post(
        reverse("collectives:member", args=[collective.slug, other.pk]), {"action": "coordinator"}
    )
    client.post(reverse("collectives:leave", args=[collective.slug]))
    assert not collective.memberships.filter(user=coordinator).exists()


def test_coordinator_removes_a_member_and_bad_action_changes_nothing():
    collective = CollectiveFactory()
    client, _coordinator = client_for_role("coordinator", collective)
    member = MembershipFactory(collective=collective)
    url = reverse("collectives:member", args=[collective.slug, member.pk])
    client.post(url, {"action": "explode"})
    assert CollectiveMembership.objects.filter(pk=member.pk).exists()
    client.post(url, {"action": "remove"})
    assert not CollectiveMembership.objects.filter(pk=member.pk).exists()


def test_delivery_change_and_bad_value():
    collective = CollectiveFactory()
    client, user = client_for_role("member", collective)
    url = reverse("collectives:delivery", args=[collective.slug])
    assert client.post(url, {"delivery": "pigeon"}).status_code == 400
    membership = CollectiveMembership.objects.get(user=user)
    assert membership.delivery == "each"
    response = client.post(url, {"delivery": "digest"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.delivery == "digest" and membership.digest_sent_until is not None
    client.post(url, {"delivery": "web"})
    membership.refresh_from_db()
    assert membership.delivery == "web"
