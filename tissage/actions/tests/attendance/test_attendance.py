"""Check-in list, walk-ins and hours; who may open the check-in and report pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tissage.actions.attendance import queries
from tissage.actions.models import Registration
from tissage.actions.tests.helpers import (
    STAFF_DRAFT_ACTION,
    answer,
    past_action,
    person,
    staff_client,
)
from tissage.core.tests.factories import user_with_role
from tissage.core.tests.matrices import OK, STAFF

pytestmark = pytest.mark.django_db


# Permissions -----------------------------------------------------------------------------

ACTION_PAGES = ["actions:attendance", "actions:report"]


@pytest.mark.parametrize("name", ACTION_PAGES)
@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_action_pages_are_for_the_team(client, role, expected, name):
    action = past_action()
    user = user_with_role(role, action.project)
    if user:
        client.force_login(user)
    assert answer(client.get(reverse(name, kwargs={"slug": action.slug}))) == expected


@pytest.mark.parametrize("name", ACTION_PAGES)
@pytest.mark.parametrize(("role", "expected"), STAFF_DRAFT_ACTION)
def test_a_draft_action_is_hidden_from_others(client, role, expected, name):
    action = past_action(status="draft")
    user = user_with_role(role, action.project)
    if user:
        client.force_login(user)
    assert answer(client.get(reverse(name, kwargs={"slug": action.slug}))) == expected


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_only_the_team_checks_people_in(client, role, expected):
    action = past_action()
    someone = person(action, 1)
    user = user_with_role(role, action.project)
    if user:
        client.force_login(user)
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    client.post(url, {"form": "attendance", f"a{someone.pk}": "present"})
    someone.refresh_from_db()
    assert (someone.attended is True) == (expected == OK)


# Attendance ------------------------------------------------------------------------------


def test_marking_present_absent_and_hours(client):
    action = past_action(hours=3)
    here, away, late = person(action, 1), person(action, 2), person(action, 3)
    other = person(past_action(), 4)
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    response = staff_client(client, action.project).post(
        url,
        {
            "form": "attendance",
            f"a{here.pk}": "present",
            f"a{away.pk}": "absent",
            f"a{late.pk}": "present",
            f"h{late.pk}": "1,5",
            f"a{other.pk}": "present",  # not of this action: ignored
        },
    )
    assert response.status_code == 302
    for registration in (here, away, late, other):
        registration.refresh_from_db()
    assert (here.attended, away.attended, late.attended, other.attended) == (
        True,
        False,
        True,
        None,
    )
    assert queries.hours_of(here) == Decimal("3.00")
    assert queries.hours_of(late) == Decimal("1.50")
    assert queries.hours_of(away) == Decimal("0.00")


@pytest.mark.parametrize(
    ("hours", "message"),
    [("deux", "Type a number of hours"), ("-1", "Hours cannot be negative"), ("1000", "999")],
)
def test_bad_hours_save_nothing(client, hours, message, settings):
    settings.LANGUAGE_CODE = "en"
    action = past_action()
    one, two = person(action, 1), person(action, 2)
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    client = staff_client(client, action.project)
    response = client.post(
        url,
        {
            "form": "attendance",
            f"a{one.pk}": "present",
            f"a{two.pk}": "present",
            f"h{two.pk}": hours,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    one.refresh_from_db()
    assert one.attended is None


def test_a_walk_in_is_added_present_without_place_check(client):
    action = past_action()
    role = action.roles.first()
    role.places = 1
    role.save()
    person(action, 1)  # the role is full
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    client = staff_client(client, action.project)
    response = client.post(url, {"form": "walk_in", "walk_in-name": "Lucie", "walk_in-email": ""})
    assert response.status_code == 302
    lucie = Registration.objects.get(name="Lucie")
    assert (lucie.walk_in, lucie.attended, lucie.status) == (True, True, "confirmed")
    assert not lucie.has_email
    # A second walk-in without an address is another person.
    client.post(url, {"form": "walk_in", "walk_in-name": "Marc"})
    assert Registration.objects.filter(action=action, walk_in=True).count() == 2


def test_a_walk_in_already_registered_is_marked_present_not_doubled(client):
    action = past_action()
    registered = person(action, 1)
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    staff_client(client, action.project).post(
        url, {"form": "walk_in", "walk_in-name": "X", "walk_in-email": "P1@example.org"}
    )
    registered.refresh_from_db()
    assert registered.attended is True
    assert Registration.objects.filter(action=action).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"walk_in-name": ""},
        {"walk_in-name": "A", "walk_in-email": "a@"},
        {"walk_in-name": "A", "walk_in-hours": "x"},
    ],
)
def test_bad_walk_in_saves_nothing(client, data):
    action = past_action()
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    response = staff_client(client, action.project).post(url, {"form": "walk_in", **data})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_the_check_in_list_query_count_holds(client, django_assert_max_num_queries):
    action = past_action()
    client = staff_client(client, action.project)
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    for number in range(3):
        person(action, number)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    for number in range(3, 30):
        person(action, number, companions=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('value="present"') == 30
