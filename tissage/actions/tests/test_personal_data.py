"""The person's data in the actions app: export, and forgetting at account deletion."""

from __future__ import annotations

import decimal
import json

import pytest

from tissage.actions import personal_data
from tissage.actions.models import Need, Pledge, Registration, VolunteerInvitation, VolunteerProfile
from tissage.actions.tests.helpers import make_action
from tissage.core.tests.factories import CommuneFactory, UserFactory

pytestmark = pytest.mark.django_db


def world():
    user = UserFactory(email="louise@example.org", display_name="Louise")
    action = make_action()
    registration = Registration.objects.create(
        action=action,
        role=action.roles.first(),
        user=user,
        email=user.email,
        name="Louise Martin",
        phone="06 11 22 33 44",
        companions=2,
        status=Registration.Status.CONFIRMED,
        attended=True,
        hours=decimal.Decimal("2.5"),
    )
    # Made as a guest before the account existed, with the same address.
    other = make_action()
    guest = Registration.objects.create(
        action=other,
        role=other.roles.first(),
        email=user.email,
        name="Louise M.",
        status=Registration.Status.WAITING,
    )
    need = Need.objects.create(action=action, label="Bêches", quantity=3)
    Pledge.objects.create(need=need, registration=registration, name="Louise Martin", quantity=2)
    profile = VolunteerProfile.objects.create(
        user=user, opted_in=True, skills=["chainsaw", "Soudure"]
    )
    profile.communes.set([CommuneFactory(name="Crest", insee_code="26108")])
    facilitator = UserFactory(display_name="Camille")
    VolunteerInvitation.objects.create(action=other, user=user, invited_by=facilitator)
    stranger = UserFactory()
    Registration.objects.create(
        action=action,
        role=action.roles.first(),
        user=stranger,
        email=stranger.email,
        name="Marc",
        status=Registration.Status.CONFIRMED,
    )
    return user, registration, guest


def test_export_holds_registrations_pledges_profile_and_invitations():
    user, registration, guest = world()

    data = personal_data.collect(user)

    rows = data["action_registrations"]
    assert [row["name"] for row in rows] == ["Louise Martin", "Louise M."]
    first = rows[0]
    assert first["action"] == registration.action.title
    assert first["role"] == "Planter"
    assert (first["status"], first["companions"], first["attended"]) == ("confirmed", 2, True)
    assert first["hours"] == decimal.Decimal("2.5")
    assert first["phone"] == "06 11 22 33 44"
    assert rows[1]["status"] == "waiting"
    assert data["action_pledges"] == [
        {
            "action": registration.action.title,
            "need": "Bêches",
            "name": "Louise Martin",
            "quantity": 2,
            "created_at": Pledge.objects.get().created_at,
            "confirmed_at": None,
        }
    ]
    profile = data["volunteer_profile"]
    assert profile["facilitators_may_invite_you"] is True
    assert profile["skills"] == ["tronçonneuse", "Soudure"]  # as shown to the person
    assert profile["communes"] == [{"insee_code": "26108", "name": "Crest"}]
    [invitation] = data["volunteer_invitations_received"]
    assert (invitation["action"], invitation["invited_by"]) == (guest.action.title, "Camille")
    assert personal_data.files(user) == []


def test_the_account_export_contains_the_registrations():
    from tissage.accounts.services import account_data

    user, _registration, _guest = world()
    data = account_data(user=user)
    if "action_registrations" not in data:
        pytest.fail(
            "tissage/accounts/services.py account_data must include "
            "tissage.actions.personal_data.collect(user)"
        )
    assert "Louise Martin" in json.dumps(data["action_registrations"], default=str)


def test_forget_anonymises_registrations_and_pledges_and_keeps_the_figures():
    user, registration, guest = world()

    personal_data.forget(user)

    registration.refresh_from_db()
    guest.refresh_from_db()
    for row in (registration, guest):
        assert row.user is None
        assert row.name == personal_data.FORGOTTEN_NAME
        assert row.email == f"forgotten-{row.pk}@deleted.invalid"
        assert row.phone == ""
    # What the project counts stays.
    assert (registration.companions, registration.attended) == (2, True)
    assert registration.hours == decimal.Decimal("2.5")
    assert Pledge.objects.get().name == personal_data.FORGOTTEN_NAME
    assert Pledge.objects.get().quantity == 2
    assert Registration.objects.get(name="Marc").email.endswith("@example.org")
    user.delete()
    assert not VolunteerProfile.objects.exists()
    assert not VolunteerInvitation.objects.exists()
    assert Registration.objects.count() == 3
    assert not Registration.objects.filter(email="louise@example.org").exists()
