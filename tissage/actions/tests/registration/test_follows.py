"""Registering for an action follows its project (engagement.services.follow_auto, from
the task that writes the confirmation, once the registration is committed); never again
after the person stopped following it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.actions.models import Registration
from tissage.actions.registration.services import registration_assisted
from tissage.actions.tests.helpers import an_action, make_action, register
from tissage.core.tests.factories import UserFactory
from tissage.engagement.models import Follow
from tissage.engagement.services import follow_set, is_following

pytestmark = pytest.mark.django_db


def test_registering_signed_in_follows_the_project(client, committed):
    action = make_action()
    person = UserFactory()
    client = committed(client)
    client.force_login(person)
    client.post(
        reverse("actions:detail", args=[action.slug]),
        {"role": action.roles.first().pk, "companions": 0},
    )
    follow = Follow.objects.get(user=person)
    assert follow.target == action.project and follow.automatic


def test_guests_and_assisted_registrations_follow_nothing(on_commit):
    action = make_action()
    on_commit(register, action, 1)
    on_commit(
        registration_assisted,
        action=action,
        role=action.roles.first(),
        name="Paul",
        email="",
        phone="",
        companions=0,
        entered_by=UserFactory(),
        base_url="https://tissage.example",
    )
    assert Registration.objects.count() == 2
    assert not Follow.objects.exists()


def test_registering_again_does_not_follow_again_what_was_left(on_commit):
    first, person = make_action(), UserFactory()
    on_commit(register, first, 1, user=person)
    assert is_following(user=person, target=first.project)
    follow_set(user=person, target=first.project, following=False)
    on_commit(register, an_action(first.project), 1, user=person)
    assert not is_following(user=person, target=first.project)
