"""The action page and its registration form without JavaScript; the cancel link."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tissage.actions.models import Registration
from tissage.actions.tests.helpers import make_action
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
