"""A place freed on an action: the people promoted from the waiting list who have an
account find it among their notifications, never emailed a second time (the promotion
email told them); guests get the email only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tissage.actions.tests.helpers import an_action, register
from tissage.core.tests.factories import UserFactory
from tissage.engagement.kinds import Kind
from tissage.engagement.models import Event
from tissage.engagement.tests.producers import emailed_already, notified, text, the_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(facilitator_client):
    return facilitator_client


def change_url(action, registration) -> str:
    return reverse("actions:registrant_change", kwargs={"slug": action.slug, "pk": registration.pk})


def registered(action, number: int, *, account: bool, **changes):
    user = UserFactory(email=f"personne{number}@example.org") if account else None
    return register(action, number, user=user, **changes), user


def test_a_cancellation_promotes_and_notifies_the_account_holders_only(client, project):
    action = an_action(project, places=1)
    first, first_user = registered(action, 1, account=True)
    waiting, waiting_user = registered(action, 2, account=True)
    assert waiting.status == "waiting"
    mail.outbox.clear()

    client.post(change_url(action, first), {"do": "cancel"})

    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert notified(Kind.PLACE_FREED) == {waiting_user}
    assert emailed_already(Kind.PLACE_FREED) == {waiting_user}
    assert [m.to for m in mail.outbox] == [["personne2@example.org"]]  # the promotion email
    event = the_event(Kind.PLACE_FREED)
    assert event.url == reverse("actions:detail", kwargs={"slug": action.slug})
    assert text(event).startswith(
        "A place freed up: your registration for “Plantation de haies” on "
    )
    assert first_user not in notified(Kind.PLACE_FREED)


def test_a_guest_promoted_gets_the_email_and_no_notification(client, project):
    action = an_action(project, places=1)
    first, _user = registered(action, 1, account=False)
    guest, _none = registered(action, 2, account=False)
    mail.outbox.clear()

    client.post(change_url(action, first), {"do": "cancel"})

    guest.refresh_from_db()
    assert guest.status == "confirmed"
    assert [m.to for m in mail.outbox] == [["personne2@example.org"]]
    assert not Event.objects.filter(kind=Kind.PLACE_FREED).exists()


def test_a_facilitator_giving_a_place_now_notifies_the_person(client, project):
    action = an_action(project, places=1)
    registered(action, 1, account=False)
    waiting, user = registered(action, 2, account=True)
    action.roles.filter(name="Planter").update(places=2)

    client.post(change_url(action, waiting), {"do": "promote"})

    assert notified(Kind.PLACE_FREED) == {user}
    assert emailed_already(Kind.PLACE_FREED) == {user}
