"""What a collective tells through notifications: a new initiative to its followers, a
reply to whom it answers, a new meeting to its followers; never to someone who may not
read a members-only collective, never emailed to who receives the list's emails."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tissage.actions.models import Action
from tissage.actions.tests.helpers import an_action
from tissage.collectives.collective.services import meetings_project
from tissage.collectives.lists import services
from tissage.collectives.models import Collective, CollectiveMembership, Initiative, Message
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.collectives.tests.initiatives.helpers import propose as propose_initiative
from tissage.core.tests.factories import CommuneFactory, UserFactory
from tissage.engagement.kinds import Kind
from tissage.engagement.models import Event
from tissage.engagement.services import follow_set
from tissage.engagement.tests.producers import (
    emailed_already,
    follower,
    former_follower,
    notified,
    text,
    the_event,
)

pytestmark = pytest.mark.django_db
Delivery = CollectiveMembership.Delivery


@pytest.fixture
def collective():
    return CollectiveFactory(name="Quartier Vivant")


def signed_in(committed, user) -> Client:
    client = committed(Client())
    client.force_login(user)
    return client


def member(collective, delivery: str = Delivery.EACH, **fields):
    return MembershipFactory(collective=collective, delivery=delivery, **fields).user


def following_member(collective, delivery: str = Delivery.EACH):
    user = member(collective, delivery)
    follow_set(user=user, target=collective, following=True)
    return user


def members_only(collective: Collective) -> Collective:
    collective.archive_visibility = Collective.ArchiveVisibility.MEMBERS
    collective.save(update_fields=["archive_visibility"])
    return collective


# --- A new initiative --------------------------------------------------------------------


def propose(committed, collective, proposer):
    return signed_in(committed, proposer).post(
        f"/collectifs/{collective.slug}/initiatives/nouvelle/",
        {"title": "Jardins partagés", "what": "Des jardins pour tous."},
    )


def test_a_new_initiative_notifies_the_collective_s_followers(committed, collective):
    proposer = following_member(collective)
    outsider = follower(collective)
    by_email, on_the_web = following_member(collective), following_member(collective, Delivery.WEB)
    stopped = former_follower(collective)
    member(collective)  # a member who does not follow it

    response = propose(committed, collective, proposer)

    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert notified(Kind.INITIATIVE_NEW) == {outsider, by_email, on_the_web}
    assert stopped not in notified(Kind.INITIATIVE_NEW)
    # The list emailed its discussion to who gets each message: not emailed again.
    assert emailed_already(Kind.INITIATIVE_NEW) == {by_email}
    event = the_event(Kind.INITIATIVE_NEW)
    assert event.actor == proposer
    assert event.url == initiative.get_absolute_url()
    assert text(event) == "New initiative in Quartier Vivant: “Jardins partagés”."


def test_a_members_only_collective_tells_its_readers_only(committed, collective):
    members_only(collective)
    outsider = follower(collective)
    reader = following_member(collective)

    propose(committed, collective, member(collective))

    assert notified(Kind.INITIATIVE_NEW) == {reader}
    assert outsider not in notified(Kind.INITIATIVE_NEW)


# --- A reply -----------------------------------------------------------------------------


def reply(committed, collective, author, message, body="Oui, j’en suis !"):
    url = reverse("collectives:reply", args=[collective.slug, message.thread_id])
    return signed_in(committed, author).post(url, {"body": body, "parent": message.pk})


def test_a_reply_notifies_the_author_answered_and_who_started_the_thread(committed, collective):
    starter, answered = member(collective, Delivery.WEB), member(collective)
    replier = member(collective, user=UserFactory(display_name="Camille"))
    follow_set(user=replier, target=collective, following=True)
    bystander = following_member(collective)
    first = services.thread_start(
        collective=collective, author=starter, subject="Fête de quartier", body="Qui vient ?"
    )
    second = services.message_reply(thread=first.thread, author=answered, body="Moi.")

    response = reply(committed, collective, replier, second)

    assert response.status_code == 302
    assert notified(Kind.REPLY) == {starter, answered}
    assert bystander not in notified(Kind.REPLY)
    # `answered` gets each message by email already; `starter` reads on the web, and so
    # is emailed the reply at once (the default for what concerns oneself).
    assert emailed_already(Kind.REPLY) == {answered}
    notification_emails = [
        message.to
        for message in mail.outbox
        if "/notifications/desabonner/" in message.extra_headers.get("List-Unsubscribe", "")
    ]
    assert [starter.email] in notification_emails
    assert [answered.email] not in notification_emails
    message = Message.objects.get(body="Oui, j’en suis !")
    event = Event.objects.filter(kind=Kind.REPLY).latest("pk")
    assert event.url == message.get_absolute_url()
    assert event.actor == replier
    assert text(event) == "Camille replied to you in “Fête de quartier”."


def test_answering_oneself_notifies_nobody(committed, collective):
    author = member(collective)
    first = services.thread_start(collective=collective, author=author, subject="S", body="A")

    reply(committed, collective, author, first)

    assert not Event.objects.filter(kind=Kind.REPLY).exists()


def test_a_response_on_an_initiative_reaches_who_proposed_it(committed, collective):
    proposer = member(collective)
    initiative = propose_initiative(collective, proposer=proposer, title="Épicerie")
    opening = Message.objects.get(thread=initiative.thread)

    reply(committed, collective, member(collective), opening, "Je peux aider le samedi.")

    assert notified(Kind.REPLY) == {proposer}
    assert "Épicerie" in the_event(Kind.REPLY).params["subject"]


def test_guests_and_former_members_of_a_members_only_list_are_not_told(committed, collective):
    members_only(collective)
    gone = member(collective)
    by_email = services.thread_start(
        collective=collective, author=None, author_name="Un voisin", subject="S", body="A"
    )
    mine = services.message_reply(thread=by_email.thread, author=gone, body="B")
    CollectiveMembership.objects.filter(user=gone).delete()

    reply(committed, collective, member(collective), mine)

    assert not Event.objects.filter(kind=Kind.REPLY).exists()


def test_a_held_reply_notifies_when_a_coordinator_approves_it(committed, collective):
    collective.hold_first_posts = True
    collective.save(update_fields=["hold_first_posts"])
    starter = member(collective)
    first = services.thread_start(collective=collective, author=starter, subject="S", body="A")
    newcomer = member(collective, trusted=False)

    reply(committed, collective, newcomer, first)
    held = Message.objects.get(author=newcomer)
    assert held.status == Message.Status.HELD
    assert not Event.objects.filter(kind=Kind.REPLY).exists()

    coordinator = member(collective, role=CollectiveMembership.Role.COORDINATOR)
    services.message_approve(message=held, moderator=coordinator)

    assert the_event(Kind.REPLY).direct == [starter.pk]


# --- A meeting ---------------------------------------------------------------------------


def test_a_meeting_notifies_the_collective_s_followers_too(committed, collective):
    commune = CommuneFactory(name="Die")
    collective.communes.add(commune)
    coordinator = member(collective, role=CollectiveMembership.Role.COORDINATOR)
    of_collective, of_commune = follower(collective), follower(commune)
    day = timezone.localdate() + datetime.timedelta(days=10)

    response = signed_in(committed, coordinator).post(
        reverse("collectives:meeting_create", args=[collective.slug]),
        {
            "title": "Réunion de rentrée",
            "date": day.isoformat(),
            "start_time": "18:30",
            "end_time": "20:00",
            "address": "Salle des fêtes",
            "commune": commune.pk,
            "places": "40",
        },
    )

    assert response.status_code == 302
    action = Action.objects.get()
    event = the_event(Kind.ACTION_NEW)
    assert notified(Kind.ACTION_NEW) == {of_collective, of_commune}
    assert event.actor == coordinator
    assert event.url == reverse("actions:detail", args=[action.slug])


def test_an_action_that_is_not_a_meeting_is_not_the_collective_s_news(collective, on_commit):
    collective.project = meetings_project(collective=collective, creator=None)
    collective.save(update_fields=["project"])
    follower(collective)
    of_project = follower(collective.project)

    on_commit(an_action, collective.project)

    assert notified(Kind.ACTION_NEW) == {of_project}
