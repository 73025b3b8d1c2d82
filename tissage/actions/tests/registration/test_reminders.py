"""Reminders: sent once, to confirmed registrants, in the window before the action."""

from __future__ import annotations

import datetime
import io
import re
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from tissage.actions.attendance.services import walk_in_add
from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Action, Registration
from tissage.actions.registration.reminders import reminders_send
from tissage.actions.tests.helpers import without_address
from tissage.core.tests.factories import ProjectFactory

NOW = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://tissage.example"


def action_in(hours: float, **fields):
    starts_at = NOW + datetime.timedelta(hours=hours)
    fields.setdefault("status", "published")
    action = action_create(
        project=ProjectFactory(),
        title=f"Chantier dans {hours} h",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=[RoleInput("Planter", 10)],
        address="Place de la mairie",
        meeting_point="Devant l’église",
        what_to_bring="Des gants",
        **fields,
    )
    for number, status in enumerate(["confirmed", "confirmed", "waiting", "cancelled"]):
        Registration.objects.create(
            action=action,
            role=action.roles.get(),
            name=f"Personne {number}",
            email=f"p{number}-{action.pk}@example.org",
            status=status,
        )
    return action


@pytest.mark.django_db
def test_reminders_go_once_to_confirmed_people_in_the_window(on_commit):
    due = action_in(20)
    action_in(30)  # too early
    action_in(-1)  # started
    action_in(10, status="draft")
    action_in(10, reminder_hours_before=0)  # no reminder wanted
    longer = action_in(40, reminder_hours_before=48)  # its own, longer delay
    walk_in_add(action=due, name="Sans adresse")
    assert on_commit(reminders_send, now=NOW) == 4
    assert {m.to[0] for m in mail.outbox} == {
        f"p{number}-{action.pk}@example.org" for number in (0, 1) for action in (due, longer)
    }
    message = next(m for m in mail.outbox if m.to[0] == f"p0-{due.pk}@example.org")
    assert due.title in message.subject
    for text in (due.title, "Place de la mairie", "Devant l’église", "Des gants", "07:00"):
        assert text in message.body
    cancel = re.search(r"https://tissage\.example/actions/annuler/\S+/", message.body)
    assert cancel is not None
    due.refresh_from_db()
    assert due.reminder_sent_at == NOW
    # Run again, later: nothing more.
    assert on_commit(reminders_send, now=NOW + datetime.timedelta(minutes=15)) == 0
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_no_reminder_goes_to_any_kind_of_placeholder_address(on_commit):
    due = action_in(20)
    without_address(due)
    assert on_commit(reminders_send, now=NOW) == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        f"p0-{due.pk}@example.org",
        f"p1-{due.pk}@example.org",
    ]


@pytest.mark.django_db
def test_the_cancel_link_of_the_reminder_works(client, on_commit):
    due = action_in(20)
    starts_at = timezone.now() + datetime.timedelta(hours=20)
    Action.objects.filter(pk=due.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2)
    )
    on_commit(reminders_send)
    message = mail.outbox[0]
    path = re.search(r"https://tissage\.example(/actions/annuler/\S+/)", message.body).group(1)
    client.post(path)
    assert Registration.objects.get(email=message.to[0]).status == "cancelled"


@pytest.mark.django_db
def test_the_command_needs_the_site_address(settings):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="TISSAGE_SITE_URL"):
        call_command("send_reminders")


@pytest.mark.django_db
def test_the_command_sends_and_says_how_many(on_commit):
    starts_at = timezone.now() + datetime.timedelta(hours=2)
    action_in(0)
    Action.objects.update(starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2))
    out = io.StringIO()
    on_commit(call_command, "send_reminders", stdout=out)
    assert out.getvalue().startswith("2 ")
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once():
    action_in(5)
    counts: list[int] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            counts.append(reminders_send(now=NOW))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 2]
    from tissage.core.models import OutgoingEmail

    assert OutgoingEmail.objects.count() == 2
