"""The facilitators' list of registrants: assisted registration, moves, promotions,
cancelling one registration, and messages to the registrants.

Pages are asked for in English (the language cookie) so that the checks hold whatever
the state of the French catalogue; the French is checked by the lead's page tests."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tissage.actions.models import Registration
from tissage.actions.registration import services as registration_services
from tissage.actions.tests.helpers import an_action, register, without_address
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(facilitator_client):
    return facilitator_client


# --- Registrants ------------------------------------------------------------------------


def registrants_url(action) -> str:
    return reverse("actions:registrants", kwargs={"slug": action.slug})


def change_url(action, registration) -> str:
    return reverse("actions:registrant_change", kwargs={"slug": action.slug, "pk": registration.pk})


def test_the_list_shows_roles_waiting_list_and_counts(client, project):
    action = an_action(project, places=3)
    register(action, 1, companions=1, phone="06 11 22 33 44")
    register(action, 2)
    register(action, 3)  # waiting
    register(action, 4, role="Accueil")

    page = client.get(registrants_url(action)).content.decode()

    assert "personne1@example.org" in page
    assert "06 11 22 33 44" in page
    assert "3 registrations" in page
    assert "1 on the waiting list" in page
    assert "0 places left of 3" in page
    assert "1 place left of 2" in page
    assert page.index("Waiting list") < page.index("Personne 3")


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_the_same_number_of_queries_however_long(
    client, project, count, django_assert_max_num_queries
):
    action = an_action(project, places=20)
    for number in range(count):
        register(action, number, entered_by=UserFactory() if number % 2 else None)

    with django_assert_max_num_queries(12):
        response = client.get(registrants_url(action))

    assert response.content.decode().count("<tr>") >= count


def test_assisted_registration_without_an_address(client, project, facilitator):
    action = an_action(project)
    role = action.roles.get(name="Accueil")

    response = client.post(
        registrants_url(action),
        {"add-name": "Marcel", "add-email": "", "add-role": role.pk, "add-companions": "1"},
        follow=True,
    )

    registration = Registration.objects.get()
    assert registration.email.endswith("@sans-email.invalid")
    assert registration.email.startswith("sans-email+")
    assert (registration.entered_by, registration.role, registration.seats) == (
        facilitator,
        role,
        2,
    )
    assert "Marcel is registered." in response.content.decode()
    assert "no email" in response.content.decode()


def test_the_list_shows_no_placeholder_address(client, project):
    action = an_action(project, places=10)
    without_address(action)

    page = client.get(registrants_url(action)).content.decode()

    assert page.count('<span class="card-meta">no email</span>') == 3
    assert ".invalid" not in page


def test_two_people_without_an_address_are_two_registrations(client, project):
    action = an_action(project)
    role = action.roles.first()
    for name in ["Marcel", "Odette"]:
        client.post(
            registrants_url(action),
            {"add-name": name, "add-role": role.pk, "add-companions": "0"},
        )

    assert Registration.objects.filter(status="confirmed").count() == 2


def test_assisted_registration_goes_on_the_waiting_list_when_full(client, project):
    action = an_action(project, places=1)
    register(action, 1)
    role = action.roles.get(name="Planter")

    response = client.post(
        registrants_url(action),
        {
            "add-name": "Léa",
            "add-email": "lea@example.org",
            "add-role": role.pk,
            "add-companions": "0",
        },
        follow=True,
    )

    assert Registration.objects.get(email="lea@example.org").status == "waiting"
    assert "Léa is on the waiting list" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"add-name": "", "add-companions": "0"}, "Give the person&#x27;s name."),
        ({"add-name": "A", "add-email": "a@", "add-companions": "0"}, "Check the email"),
        ({"add-name": "A", "add-companions": "30"}, "Between 0 and 20 people."),
        ({"add-name": "A", "add-companions": "0", "add-role": "999999"}, "Choose one of the roles"),
    ],
)
def test_assisted_registration_bad_input(client, project, data, message):
    action = an_action(project)
    data = {"add-role": action.roles.first().pk, **data}

    response = client.post(registrants_url(action), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_assisted_registration_when_registration_is_closed(client, project):
    action = an_action(project, status="draft")

    response = client.post(
        registrants_url(action),
        {"add-name": "A", "add-role": action.roles.first().pk, "add-companions": "0"},
    )

    assert "Registration for this action is closed." in response.content.decode()
    assert not Registration.objects.exists()


def test_move_to_another_role_only_if_it_fits(client, project):
    action = an_action(project, places=3)
    person = register(action, 1, companions=1)
    accueil = action.roles.get(name="Accueil")
    register(action, 2, role="Accueil")

    response = client.post(
        change_url(action, person), {"do": "move", "role": accueil.pk}, follow=True
    )
    person.refresh_from_db()
    assert person.role.name == "Planter"
    assert "Not enough places left in “Accueil”" in response.content.decode()

    Registration.objects.filter(email="personne2@example.org").update(status="cancelled")
    client.post(change_url(action, person), {"do": "move", "role": accueil.pk})
    person.refresh_from_db()
    assert person.role == accueil


def test_moving_frees_a_place_for_the_waiting_list(client, project):
    action = an_action(project, places=1)
    first = register(action, 1)
    waiting = register(action, 2)
    mail.outbox.clear()

    client.post(
        change_url(action, first), {"do": "move", "role": action.roles.get(name="Accueil").pk}
    )

    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert [m.to for m in mail.outbox] == [["personne2@example.org"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"do": "move"}, "Choose the new role."),
        ({"do": "fly"}, "Unknown request"),
        ({"do": "move", "role": "0"}, "Choose one of the roles of the action."),
    ],
)
def test_bad_change_requests_are_explained(client, project, data, message):
    action = an_action(project)
    person = register(action, 1)

    response = client.post(change_url(action, person), data, follow=True)

    assert message in response.content.decode()
    person.refresh_from_db()
    assert (person.status, person.role.name) == ("confirmed", "Planter")


def test_promote_from_the_waiting_list_when_it_fits(client, project):
    action = an_action(project, places=2)
    register(action, 1)
    big = register(action, 2, companions=2)  # waits: 3 people for 1 place
    small = register(action, 3)
    assert (big.status, small.status) == ("waiting", "confirmed")
    register(action, 4)  # waits too
    waiting = Registration.objects.get(email="personne4@example.org")
    mail.outbox.clear()

    response = client.post(change_url(action, big), {"do": "promote"}, follow=True)
    assert "Not enough places left in “Planter”" in response.content.decode()
    big.refresh_from_db()
    assert big.status == "waiting"

    action.roles.filter(name="Planter").update(places=3)
    client.post(change_url(action, waiting), {"do": "promote"})
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.promoted_at is not None
    assert [m.to for m in mail.outbox] == [["personne4@example.org"]]

    response = client.post(change_url(action, waiting), {"do": "promote"}, follow=True)
    assert "not on the waiting list" in response.content.decode()


def test_cancelling_a_registration_promotes_the_next(client, project):
    action = an_action(project, places=1)
    first = register(action, 1)
    waiting = register(action, 2)

    response = client.post(change_url(action, first), {"do": "cancel"}, follow=True)

    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == ("cancelled", "confirmed")
    assert "1 person of the waiting list has the place." in response.content.decode()

    again = client.post(change_url(action, first), {"do": "cancel"}, follow=True)
    assert "This registration is cancelled: nothing was changed." in again.content.decode()


def test_a_registration_of_another_action_is_not_found(client, project):
    action, other = an_action(project), an_action(project)
    stranger = register(other, 1)

    response = client.post(change_url(action, stranger), {"do": "cancel"})

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == "confirmed"


# --- Messages ---------------------------------------------------------------------------


def message_url(action) -> str:
    return reverse("actions:registrants_message", kwargs={"slug": action.slug})


@pytest.mark.parametrize(
    ("role", "include_waiting", "expected"),
    [
        (None, False, ["personne1@example.org", "personne4@example.org"]),
        (None, True, ["personne1@example.org", "personne2@example.org", "personne4@example.org"]),
        ("Accueil", True, ["personne4@example.org"]),
    ],
)
def test_message_to_registrants(client, project, role, include_waiting, expected):
    action = an_action(project, places=1)
    register(action, 1)
    register(action, 2)  # waiting
    gone = register(action, 3, role="Accueil")
    Registration.objects.filter(pk=gone.pk).update(status="cancelled")
    register(action, 4, role="Accueil")
    mail.outbox.clear()
    data = {"subject": "Covoiturage", "text": "Départ 8 h 30 de la gare."}
    if role:
        data["role"] = action.roles.get(name=role).pk
    if include_waiting:
        data["include_waiting"] = "on"

    response = client.post(message_url(action), data, follow=True)

    assert sorted(m.to[0] for m in mail.outbox) == expected
    assert all("Covoiturage" in m.subject and "Départ 8 h 30" in m.body for m in mail.outbox)
    assert all(
        reverse("actions:detail", kwargs={"slug": action.slug}) in m.body for m in mail.outbox
    )
    assert f"on its way to {len(expected)}" in response.content.decode()


def test_message_skips_every_kind_of_placeholder_address(client, project):
    action = an_action(project, places=1)
    register(action, 1)
    without_address(action)
    Registration.objects.create(
        action=action,
        role=action.roles.first(),
        name="Odette",
        email=registration_services.placeholder_email(),
        status="waiting",
    )
    mail.outbox.clear()
    data = {"subject": "Covoiturage", "text": "Départ 8 h 30.", "include_waiting": "on"}

    response = client.post(message_url(action), data, follow=True)

    assert [m.to for m in mail.outbox] == [["personne1@example.org"]]
    assert "on its way to 1 person." in response.content.decode()


def test_message_with_only_placeholder_addresses_writes_to_nobody(client, project):
    action = an_action(project, places=10)
    without_address(action)

    response = client.post(message_url(action), {"subject": "x", "text": "y"}, follow=True)

    assert mail.outbox == []
    assert "Nobody to write to" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "", "text": "x"}, "Give the message a subject."),
        ({"subject": "x", "text": ""}, "Write the message."),
        ({"subject": "x", "text": "y", "role": "0"}, "Choose one of the roles of the action."),
    ],
)
def test_message_bad_input(client, project, data, message):
    action = an_action(project)
    register(action, 1)
    mail.outbox.clear()

    response = client.post(message_url(action), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert mail.outbox == []


def test_a_registration_cancelled_meanwhile_is_not_cancelled_again(project):
    action = an_action(project, places=1)
    first = register(action, 1)
    register(action, 2)  # waiting
    seen_by_another = Registration.objects.get(pk=first.pk)  # still confirmed on their page
    assert registration_services.registrant_cancel(registration=first, base_url="")

    with pytest.raises(registration_services.ManageRefused):
        registration_services.registrant_cancel(registration=seen_by_another, base_url="")

    assert Registration.objects.filter(action=action, status="confirmed").count() == 1
