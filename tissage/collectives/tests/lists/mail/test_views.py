"""The one-click unsubscribe page (RFC 8058) of the list's emails, for every role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tissage.collectives import tokens
from tissage.collectives.models import CollectiveMembership
from tissage.collectives.tests.factories import COLLECTIVE_ROLES, user_for_role
from tissage.core.tests.factories import UserFactory

from .helpers import by_recipient, start

pytestmark = pytest.mark.django_db

Delivery = CollectiveMembership.Delivery


def unsubscribe_url(membership) -> str:
    return reverse("collectives:unsubscribe", args=[tokens.unsubscribe_make(membership)])


def test_one_click_unsubscribe_without_signing_in(
    members, smtp_server, django_capture_on_commit_callbacks
):
    collective, _people, memberships = members
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(memberships["alice"]),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    memberships["alice"].refresh_from_db()
    assert memberships["alice"].delivery == Delivery.WEB
    assert memberships["alice"].status == CollectiveMembership.Status.ACTIVE  # still a member
    assert "Bassin de Londres" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        start(collective, memberships["author"], subject="Autre sujet")
    assert sorted(by_recipient(smtp_server)) == ["bob@example.org"]

    # Again: nothing changes, still fine.
    again = client.post(unsubscribe_url(memberships["alice"]))
    assert again.status_code == 200
    memberships["alice"].refresh_from_db()
    assert memberships["alice"].delivery == Delivery.WEB


def test_the_unsubscribe_link_shows_a_button_and_changes_nothing(members):
    _collective, _people, memberships = members
    url = unsubscribe_url(memberships["bob"])
    response = Client().get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Bassin de Londres" in content
    assert '<form method="post">' in content
    memberships["bob"].refresh_from_db()
    assert memberships["bob"].delivery == Delivery.EACH  # link scanners change nothing


def test_a_digest_member_can_unsubscribe_too(members):
    _collective, _people, memberships = members
    response = Client().post(unsubscribe_url(memberships["digest"]))
    assert response.status_code == 200
    memberships["digest"].refresh_from_db()
    assert memberships["digest"].delivery == Delivery.WEB


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "token",
    ["nonsense", "eyJtIjoxfQ:1abc:def", "tampered"],
)
def test_a_bad_or_tampered_token_gets_a_plain_400(members, method, token):
    _collective, _people, memberships = members
    if token == "tampered":
        good = tokens.unsubscribe_make(memberships["alice"])
        token = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    response = getattr(Client(), method)(reverse("collectives:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert "<h1>" in response.content.decode()
    memberships["alice"].refresh_from_db()
    assert memberships["alice"].delivery == Delivery.EACH


def test_a_token_for_another_user_is_refused(members):
    """A token whose membership id was reused by someone else does nothing."""
    _collective, _people, memberships = members
    token = tokens.unsubscribe_make(memberships["alice"])
    CollectiveMembership.objects.filter(pk=memberships["alice"].pk).update(
        user=UserFactory(email="new@example.org")
    )
    response = Client().post(reverse("collectives:unsubscribe", args=[token]))
    assert response.status_code == 200
    assert CollectiveMembership.objects.get(pk=memberships["alice"].pk).delivery == Delivery.EACH


def test_a_membership_that_is_gone_has_nothing_to_do(members):
    _collective, _people, memberships = members
    url = unsubscribe_url(memberships["alice"])
    memberships["alice"].delete()
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 200
        assert '<form method="post">' not in response.content.decode()


@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_the_unsubscribe_page_is_the_same_for_every_role(members, role):
    """The token decides, not who is signed in."""
    collective, _people, memberships = members
    client = Client()
    user = user_for_role(role, collective)
    if user is not None:
        client.force_login(user)
    url = unsubscribe_url(memberships["bob"])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    memberships["bob"].refresh_from_db()
    assert memberships["bob"].delivery == Delivery.WEB


def test_unsubscribe_rejects_other_methods(members):
    _collective, _people, memberships = members
    assert Client().put(unsubscribe_url(memberships["bob"])).status_code == 405
