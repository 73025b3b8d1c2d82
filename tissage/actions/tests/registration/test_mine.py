""" "My actions": a person's registrations, upcoming with their cancel link, past with
the hours given."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.actions import tokens
from tissage.actions.models import Registration
from tissage.actions.registration import queries as registration_queries
from tissage.actions.tests.helpers import make_action
from tissage.core.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


# --- My actions ----------------------------------------------------------------------


def test_my_actions_lists_upcoming_with_cancel_link_and_past_with_hours(client):
    person = UserFactory()
    coming = make_action()
    past = make_action()
    past.starts_at = timezone.now() - datetime.timedelta(days=3)
    past.ends_at = past.starts_at + datetime.timedelta(hours=3)
    past.save(update_fields=["starts_at", "ends_at"])
    older = make_action()
    older.starts_at = timezone.now() - datetime.timedelta(days=30)
    older.ends_at = older.starts_at + datetime.timedelta(hours=2)
    older.save(update_fields=["starts_at", "ends_at"])

    def register(action, **fields):
        return Registration.objects.create(
            action=action,
            role=action.roles.first(),
            user=person,
            email=person.email,
            name="Moi",
            status=Registration.Status.CONFIRMED,
            **fields,
        )

    upcoming = register(coming)
    register(past)
    register(older, hours=Decimal("1.5"))
    client.force_login(person)
    page = client.get(reverse("actions:mine")).content.decode()
    # The token carries a timestamp: read the link back rather than rebuild it.
    prefix = reverse("actions:cancel", args=["TOKEN"]).split("TOKEN")[0]
    links = re.findall(re.escape(prefix) + r"([^/\"]+)/", page)
    assert [tokens.CANCEL.read(token) for token in links] == [(upcoming.pk, upcoming.email)]
    assert "4.5" in page  # 3 + 1.5 hours
    assert page.index(past.title) < page.rindex(older.title)


def test_my_actions_include_guest_registrations_under_a_confirmed_address(client):
    coming = make_action()
    Registration.objects.create(
        action=coming,
        role=coming.roles.first(),
        email="camille@example.org",
        name="Camille",
        status=Registration.Status.CONFIRMED,
    )
    other = make_action()
    other.title = "Réunion des voisins"
    other.save(update_fields=["title"])
    Registration.objects.create(
        action=other,
        role=other.roles.first(),
        email="someone.else@example.org",
        name="X",
        status=Registration.Status.CONFIRMED,
    )
    confirmed = UserFactory(email="camille@example.org")
    client.force_login(confirmed)
    page = client.get(reverse("actions:mine")).content.decode()
    assert coming.title in page and other.title not in page
    # An address nobody has proved to own yet does not show someone else's registrations.
    confirmed.email_confirmed_at = None
    confirmed.save(update_fields=["email_confirmed_at"])
    assert coming.title not in client.get(reverse("actions:mine")).content.decode()


def test_my_actions_asks_anonymous_people_to_sign_in(client):
    response = client.get(reverse("actions:mine"))
    assert response.status_code == 302
    assert "/compte/" in response.url


def test_my_actions_needs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    person = UserFactory()
    client.force_login(person)

    def add(count):
        for _ in range(count):
            action = make_action()
            Registration.objects.create(
                action=action,
                role=action.roles.first(),
                user=person,
                email=person.email,
                name="Moi",
                status=Registration.Status.CONFIRMED,
            )

    add(2)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("actions:mine"))
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("actions:mine")).content.decode()
    assert page.count("annuler/") == 10


def test_my_actions_totals_past_hours_in_the_service():
    person = UserFactory()
    action = make_action()
    Registration.objects.create(
        action=action,
        role=action.roles.first(),
        user=person,
        email=person.email,
        name="Moi",
        status=Registration.Status.CONFIRMED,
    )
    later = action.ends_at + datetime.timedelta(minutes=1)
    assert registration_queries.my_actions(person, later).total_hours == Decimal("3.00")
    assert registration_queries.my_actions(person).upcoming[0].action == action
