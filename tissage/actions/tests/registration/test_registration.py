"""Registrations: places never overbooked, even at the same second; the waiting list
promotes the first person waiting; double clicks and repeated addresses are recognised."""

from __future__ import annotations

import datetime
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone
from icalendar import Calendar

from tissage.actions.manage.services import series_create
from tissage.actions.models import Registration
from tissage.actions.registration.services import (
    RegistrationRefused,
    registration_cancel,
    registration_create,
)
from tissage.actions.tests.helpers import make_action
from tissage.core.tests.factories import ProjectFactory


def register(action, number: int, **changes):
    arguments = {
        "action": action,
        "role": action.roles.get(name="Planter"),
        "name": f"Personne {number}",
        "email": f"personne{number}@example.org",
        "base_url": "https://tissage.example",
    }
    return registration_create(**{**arguments, **changes})


def test_fifty_at_once_for_ten_places_give_ten_confirmed_and_forty_waiting(transactional_db):
    action = make_action(places=10)
    start = threading.Barrier(50)
    errors: list[BaseException] = []

    def one(number: int) -> None:
        try:
            start.wait()
            register(action, number)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    registrations = Registration.objects.filter(action=action)
    assert registrations.filter(status="confirmed").count() == 10
    assert registrations.filter(status="waiting").count() == 40
    assert len(mail.outbox) == 50

    # One cancels: exactly the first person waiting is promoted, and told.
    mail.outbox.clear()
    first_waiting = registrations.filter(status="waiting").order_by("created_at", "pk").first()
    cancelled = registrations.filter(status="confirmed").first()
    promoted = registration_cancel(registration=cancelled, base_url="https://tissage.example")
    assert [p.pk for p in promoted] == [first_waiting.pk]
    assert registrations.filter(status="confirmed").count() == 10
    assert registrations.filter(status="waiting").count() == 39
    (message,) = mail.outbox
    assert message.to == [first_waiting.email]
    assert "Une place s’est libérée" in message.subject


def test_twenty_people_each_tapping_twice_at_once_for_five_places(transactional_db):
    """Issue #20: the registration reads places and the address in one query under the
    action's lock: still exactly N confirmed for N places, and nobody registered (nor
    waiting, nor emailed) twice, on SQLite and PostgreSQL."""
    action = make_action(places=5)
    start = threading.Barrier(40)
    errors: list[BaseException] = []
    answers: list[bool] = []

    def one(number: int) -> None:
        try:
            start.wait()
            answers.append(register(action, number % 20).created)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    registrations = Registration.objects.filter(action=action)
    assert registrations.filter(status="confirmed").count() == 5
    assert registrations.filter(status="waiting").count() == 15
    emails = list(registrations.values_list("email", flat=True))
    assert sorted(emails) == sorted(f"personne{n}@example.org" for n in range(20))
    assert answers.count(True) == 20  # the second tap of each found the first
    # One email each: the second tap comes within RESEND_AFTER, a double tap.
    assert Counter(message.to[0] for message in mail.outbox) == Counter(emails)


def test_double_click_and_same_address_give_one_registration(
    db, django_capture_on_commit_callbacks
):
    action = make_action()
    with django_capture_on_commit_callbacks(execute=True):
        first = register(action, 1)
        again = register(action, 1, email="  PERSONNE1@example.org ")
    assert first.created and not again.created
    assert again.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1


def test_companions_count_against_places(db):
    action = make_action(places=3)
    assert register(action, 1, companions=2).registration.status == "confirmed"
    assert register(action, 2).registration.status == "waiting"


def test_overall_capacity_counts_every_role(db):
    action = make_action(places=10, capacity=2)
    register(action, 1)
    register(action, 2, role=action.roles.get(name="Accueil et café"))
    assert register(action, 3).registration.status == "waiting"


def test_a_full_role_without_waiting_list_refuses_with_a_message(db):
    action = make_action(places=1, waiting_list=False)
    register(action, 1)
    with pytest.raises(RegistrationRefused, match="complet"):
        register(action, 2)


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "draft"},
        {"status": "cancelled"},
        {"registration_closes_at": timezone.now() - datetime.timedelta(hours=1)},
        {"registration_opens_at": timezone.now() + datetime.timedelta(days=1)},
    ],
)
def test_closed_registration_is_refused(db, changes):
    action = make_action(**changes)
    with pytest.raises(RegistrationRefused, match="fermées"):
        register(action, 1)


def test_a_past_action_takes_no_registration(db):
    action = make_action()
    action.starts_at = timezone.now() - datetime.timedelta(hours=2)
    action.ends_at = timezone.now() - datetime.timedelta(hours=1)
    action.save()
    with pytest.raises(RegistrationRefused):
        register(action, 1)


def test_the_confirmation_carries_an_ics_in_paris_time_with_a_link_back(db, on_commit):
    action = make_action()
    on_commit(register, action, 1)
    (message,) = mail.outbox
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == action.starts_at.replace(microsecond=0)
    assert str(event["dtstart"].params["TZID"]) == "Europe/Paris"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Paris"
    assert str(event["url"]) == f"https://tissage.example/actions/{action.slug}/"
    assert "Devant la mairie" in str(event["location"])
    body = message.body
    for expected in [
        "Plantation de haies",
        "Devant la mairie",
        "Gants et bottes",
        "/actions/annuler/",
    ]:
        assert expected in body


def test_a_series_of_six_weeks_in_one_go_and_one_date_changed_alone(db):
    first = timezone.make_aware(datetime.datetime(2027, 3, 6, 9, 0))
    series = series_create(
        project=ProjectFactory(),
        title="Samedis de plantation",
        first_starts_at=first,
        duration=datetime.timedelta(hours=3),
        count=6,
        status="published",
    )
    actions = list(series.actions.order_by("starts_at"))
    assert len(actions) == 6
    # Every Saturday at 9:00, Paris time, across the change to summer time (28 March).
    assert [timezone.localtime(a.starts_at).strftime("%a %H:%M") for a in actions] == [
        "Sat 09:00"
    ] * 6
    moved = actions[2]
    moved.starts_at += datetime.timedelta(days=1)
    moved.ends_at += datetime.timedelta(days=1)
    moved.save()
    others = [a for a in series.actions.order_by("starts_at") if a.pk != moved.pk]
    assert [a.starts_at for a in others] == [a.starts_at for a in actions if a.pk != moved.pk]
