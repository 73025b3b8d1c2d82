"""The action page and its registration form without JavaScript; the cancel link."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tissage.actions.models import Registration
from tissage.actions.tests.helpers import make_action
from tissage.actions.tests.helpers import register as make_registration
from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, committed):
    """Emails leave at the end of each request, as after a real commit."""
    return committed(client)


def detail_url(action):
    return reverse("actions:detail", kwargs={"slug": action.slug})


def test_a_guest_registers_in_one_screen_and_cancels_from_the_email(client):
    action = make_action(places=2)
    page = client.get(detail_url(action)).content.decode()
    assert "2 places restantes" in page
    role = action.roles.get(name="Planter")
    response = client.post(
        detail_url(action),
        {"name": "Jeanne", "email": "jeanne@example.org", "role": role.pk, "companions": 0},
        follow=True,
    )
    assert "Vous êtes inscrit ou inscrite" in response.content.decode()
    registration = Registration.objects.get()
    assert registration.status == "confirmed"
    (message,) = mail.outbox
    cancel = re.search(r"https?://\S+/actions/annuler/\S+/", message.body).group(0)
    path = cancel.replace("http://testserver", "")
    assert client.get(path).status_code == 200  # a page with a button: scanners do nothing
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    response = client.post(path, follow=True)
    assert "Votre inscription est annulée" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_a_signed_in_person_only_chooses_a_role(client):
    action = make_action()
    person = UserFactory(email="paul@example.org", display_name="Paul")
    client.force_login(person)
    page = client.get(detail_url(action)).content.decode()
    assert 'name="email"' not in page
    client.post(detail_url(action), {"role": action.roles.first().pk, "companions": 1})
    registration = Registration.objects.get()
    assert (registration.user, registration.email, registration.seats) == (
        person,
        "paul@example.org",
        2,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "email": "a@example.org", "companions": 0}, "Indiquez votre nom"),
        ({"name": "A", "email": "a@", "companions": 0}, "Vérifiez l’adresse e-mail"),
        ({"name": "A", "email": "a@example.org", "companions": 99}, "Entre 0 et 20"),
        ({"name": "A", "email": "a@example.org", "companions": "deux"}, "Tapez un nombre"),
        # A line break would end up in the From of list mail; an invisible character
        # (here a right-to-left override) hides what the name says.
        (
            {"name": "Jeanne\r\nBcc: x@example.org", "email": "a@example.org", "companions": 0},
            "sans caractère invisible",
        ),
        (
            {"name": "Jeanne\u202e", "email": "a@example.org", "companions": 0},
            "sans caractère invisible",
        ),
    ],
)
def test_bad_input_is_explained(client, data, message):
    action = make_action()
    response = client.post(detail_url(action), {**data, "role": action.roles.first().pk})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_closed_registration_says_so(client):
    action = make_action(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    response = client.post(
        detail_url(action),
        {"name": "A", "email": "a@example.org", "role": action.roles.first().pk, "companions": 0},
    )
    assert "Les inscriptions à cette action sont fermées" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("token", ["abc", "eyJyIjoxfQ:1abc:def"])
def test_a_broken_cancel_link_is_explained(client, token):
    response = client.get(reverse("actions:cancel", kwargs={"token": token}))
    assert response.status_code == 400
    assert "Ce lien n’est pas valide" in response.content.decode()


def test_a_draft_action_is_hidden(client):
    action = make_action(status="draft")
    assert client.get(detail_url(action)).status_code == 404


# The page knows who is looking (issue #13) ----------------------------------------------


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_a_registered_person_sees_their_registration_not_the_form(client):
    action = make_action(places=5)
    person = UserFactory()
    client.force_login(person)
    _english(client).post(
        detail_url(action),
        {"role": action.roles.get(name="Planter").pk, "companions": 1},
    )

    page = client.get(detail_url(action)).content.decode()

    assert "You are registered" in page
    assert "Planter" in page and "With 1 person coming with you." in page
    assert 'name="companions"' not in page  # no empty form
    cancel = re.search(r'href="(/actions/annuler/[^"]+/)"', page)
    assert cancel is not None
    assert client.post(cancel.group(1)).status_code == 302
    assert "You are registered" not in client.get(detail_url(action)).content.decode()


def test_a_person_on_the_waiting_list_sees_their_position(client):
    action = make_action(places=1)
    planter = action.roles.get(name="Planter")
    for number in range(3):  # one place, then two people waiting
        Registration.objects.create(
            action=action,
            role=planter,
            name=f"P{number}",
            email=f"p{number}@example.org",
            status="confirmed" if number == 0 else "waiting",
        )
    person = UserFactory()
    client.force_login(person)
    _english(client).post(detail_url(action), {"role": planter.pk, "companions": 0})

    page = client.get(detail_url(action)).content.decode()

    assert "You are on the waiting list" in page
    assert "Your place on the waiting list: 3." in page


def test_a_full_role_says_full_and_offers_the_waiting_list(client):
    action = make_action(places=1)
    planter = action.roles.get(name="Planter")
    Registration.objects.create(
        action=action, role=planter, name="A", email="a@example.org", status="confirmed"
    )
    action.roles.filter(name="Accueil et café").delete()

    page = _english(client).get(detail_url(action)).content.decode()

    assert "Planter — full: waiting list" in page
    assert "Full." in page and "Join the waiting list" in page

    action.waiting_list = False
    action.save(update_fields=["waiting_list"])
    page = client.get(detail_url(action)).content.decode()
    assert "Every place is taken and this action has no waiting list." in page
    assert 'name="companions"' not in page


def test_a_group_larger_than_the_places_left_is_told_how_many_remain(client):
    action = make_action(places=2)
    response = _english(client).post(
        detail_url(action),
        {
            "name": "Jeanne",
            "email": "jeanne@example.org",
            "role": action.roles.get(name="Planter").pk,
            "companions": 3,
        },
    )

    assert response.status_code == 200
    assert "Only 2 places remain for this role" in response.content.decode()
    assert not Registration.objects.exists()


def test_one_place_left_is_said_in_the_singular(client):
    action = make_action(places=1)
    page = client.get(detail_url(action)).content.decode()
    assert "1 place restante" in page
    assert "place(s)" not in page and "1 places" not in page


def test_registering_an_address_again_tells_the_page_nothing_and_emails_the_address(
    client, committed
):
    action = make_action(places=5)
    data = {
        "name": "Jeanne",
        "email": "jeanne@example.org",
        "role": action.roles.get(name="Planter").pk,
        "companions": 0,
    }
    first = _english(client).post(detail_url(action), data, follow=True).content.decode()
    Registration.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    mail.outbox.clear()

    stranger = _english(committed(Client()))
    second = stranger.post(detail_url(action), {**data, "name": "Quelqu’un"}, follow=True)

    notice = re.compile(r'<p class="notice[^"]*">(.*?)</p>', re.S)
    said = notice.findall(second.content.decode())
    assert said and said == notice.findall(first)
    assert "already registered" not in second.content.decode()
    assert Registration.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["jeanne@example.org"]]
    assert "/actions/annuler/" in mail.outbox[0].body


def test_the_page_says_how_to_get_to_the_meeting_point(client):
    action = make_action(longitude=5.02671, latitude=44.75432)
    page = client.get(detail_url(action)).content.decode()

    assert 'href="geo:44.754320,5.026710?q=44.754320,5.026710"' in page
    assert "https://www.openstreetmap.org/?mlat=44.754320&amp;mlon=5.026710#map=17/" in page

    without = make_action()
    assert "geo:" not in client.get(detail_url(without)).content.decode()


def test_the_page_has_a_map_of_the_meeting_point_only_when_the_action_has_one(client):
    action = make_action(longitude=5.02671, latitude=44.75432)
    page = _english(client).get(detail_url(action)).content.decode()

    placeholder = re.search(r'<div id="meeting-map"[^>]*>', page)
    assert placeholder, "no map placeholder"
    tag = placeholder.group(0)
    # Hidden until the script shows it: without JavaScript no empty box is left.
    assert " hidden " in tag
    assert 'data-lat="44.754320" data-lon="5.026710"' in tag
    assert 'role="region"' in tag and 'aria-label="Map of the meeting point' in tag
    assert 'data-tiles="https://' in tag
    assert "vendor/leaflet/leaflet.js" in page and "actions/meeting-map.js" in page
    assert "vendor/leaflet/leaflet.css" in page

    # Leaflet's bytes only for a page that has a point.
    without = client.get(detail_url(make_action())).content.decode()
    assert 'id="meeting-map"' not in without
    assert "leaflet" not in without and "meeting-map" not in without


def test_the_top_of_the_page_leads_to_the_form_in_one_tap(client):
    """On a phone the form is screens below the date, the place and the map."""
    action = make_action(places=2)
    jump = '<a class="button" href="#register-title">'

    page = client.get(detail_url(action)).content.decode()
    assert jump in page
    assert 'id="register-title"' in page

    person = UserFactory(email="paul@example.org", display_name="Paul")
    client.force_login(person)
    role = action.roles.get(name="Planter")
    client.post(detail_url(action), {"role": role.pk, "companions": 0})
    registered = client.get(detail_url(action)).content.decode()
    assert jump not in registered  # nothing to fill in any more


def test_the_action_page_needs_the_same_queries_whatever_its_registrations(
    client, django_assert_max_num_queries
):
    from tissage.actions.registration.services import registration_create

    action = make_action(places=40)
    role = action.roles.get(name="Planter")
    person = UserFactory(email="paul@example.org", display_name="Paul")
    registration_create(action=action, role=role, name="Paul", email=person.email, user=person)
    client.force_login(person)
    with django_assert_max_num_queries(30) as few:
        assert client.get(detail_url(action)).status_code == 200
    for number in range(30):
        registration_create(
            action=action, role=role, name=f"P{number}", email=f"p{number}@example.org"
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(detail_url(action)).status_code == 200


@pytest.fixture
def database_queue(settings):
    """Tasks queued in the database, as in production: the request writes the task's row
    and nothing runs it (the worker would)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_guest_registration_costs_ten_queries(client, database_queue, django_assert_num_queries):
    """Issue #20: 21 queries before. The guest form limit without Redis (2: `FormCount`),
    the action with its roles and their places taken (1), the transaction (2: a
    savepoint in tests, BEGIN and COMMIT in production), the action locked (1), the
    places taken and the address's registration (1), the registration (1), the task
    that writes the email and the request id beside it (2)."""
    action = make_action(places=40)
    role = action.roles.get(name="Planter")
    data = {"name": "Jeanne", "email": "jeanne@example.org", "role": role.pk, "companions": 0}

    with django_assert_num_queries(10):
        response = client.post(detail_url(action), data)

    assert response.status_code == 302
    assert Registration.objects.get().status == "confirmed"
    assert DBTaskResult.objects.filter(task_path__endswith=".registration_email").count() == 1
    assert not OutgoingEmail.objects.exists()  # the worker writes it


def test_a_signed_in_registration_costs_ten_queries(
    client, database_queue, django_assert_num_queries
):
    """The session and the person (2) instead of the guest form limit; their rights come
    with the action (`lookups.get_action_and_roles`), the project followed with the
    email's task (`emails.registration_email`)."""
    action = make_action(places=40)
    role = action.roles.get(name="Planter")
    client.force_login(UserFactory(email="paul@example.org"))

    with django_assert_num_queries(10):
        response = client.post(detail_url(action), {"role": role.pk, "companions": 2})

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.email, registration.seats) == ("paul@example.org", 3)
    assert DBTaskResult.objects.filter(task_path__endswith=".registration_email").count() == 1


def test_the_action_page_costs_an_anonymous_visitor_one_query(client, django_assert_num_queries):
    """The action with its roles and places taken, whether it lists material needs and
    has a report (three queries before issue #20). The page's first rendering; a kept
    page costs the same (test_kept_page.py)."""
    action = make_action(places=2)
    for number in range(3):
        make_registration(action, number)

    with django_assert_num_queries(1):
        page = client.get(detail_url(action)).content.decode()

    assert "Complet" in page  # Planter: 2 places, 3 people
    assert "2 places restantes" in page  # Accueil et café
