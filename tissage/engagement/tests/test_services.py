"""Who is notified of what, how each is delivered, and what the purge forgets."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import CommuneFactory, ProjectFactory, UserFactory
from tissage.engagement import services
from tissage.engagement.kinds import Delivery, Kind
from tissage.engagement.models import DeliverySetting, Digest, Event, Notification

from .helpers import fan_out, follow, people

pytestmark = pytest.mark.django_db


def recipients_of(event: Event) -> dict[int, str]:
    return dict(Notification.objects.filter(event=event).values_list("user_id", "delivery"))


def test_followers_of_any_target_once_direct_users_never_the_actor():
    project, commune = ProjectFactory(), CommuneFactory()
    both, project_only, commune_only, actor, direct, stranger = people(6)
    for user in (both, project_only, actor):
        follow(user, project)
    for user in (both, commune_only):
        follow(user, commune)

    event = fan_out(targets=[project, commune], users=[direct, actor], actor=actor)

    assert set(recipients_of(event)) == {both.pk, project_only.pk, commune_only.pk, direct.pk}
    assert Notification.objects.filter(event=event, user=both).count() == 1
    assert stranger.pk not in recipients_of(event)


def test_an_undone_follow_notifies_no_more():
    project = ProjectFactory()
    active, undone = people(2)
    follow(active, project)
    follow(undone, project, active=False)

    event = fan_out(targets=[project])

    assert set(recipients_of(event)) == {active.pk}


def test_fan_out_twice_adds_no_second_copy():
    project = ProjectFactory()
    (follower,) = people(1)
    follow(follower, project)
    event = fan_out(targets=[project])

    services.event_fan_out_now(event)

    assert Notification.objects.filter(event=event).count() == 1
    event.refresh_from_db()
    assert event.fanned_out_at is not None


def test_deliveries_by_default_followed_news_weekly_direct_at_once():
    project = ProjectFactory()
    follower, author = people(2)
    follow(follower, project)

    news = fan_out(Kind.NEWS_POST, targets=[project])
    decision = fan_out(Kind.CONTRIBUTION_DECIDED, users=[author])

    assert recipients_of(news) == {follower.pk: Delivery.WEEKLY}
    assert recipients_of(decision) == {author.pk: Delivery.IMMEDIATE}


def test_deliveries_by_setting():
    project = ProjectFactory()
    daily, site = people(2)
    for user in (daily, site):
        follow(user, project)
    DeliverySetting.objects.create(user=daily, kind=Kind.ACTION_NEW, delivery=Delivery.DAILY)
    DeliverySetting.objects.create(user=site, kind=Kind.ACTION_NEW, delivery=Delivery.SITE)
    DeliverySetting.objects.create(user=site, kind=Kind.NEWS_POST, delivery=Delivery.DAILY)

    event = fan_out(Kind.ACTION_NEW, targets=[project])

    assert recipients_of(event) == {daily.pk: Delivery.DAILY, site.pk: Delivery.SITE}


def test_already_emailed_by_the_app_is_marked_emailed():
    (person,) = people(1)
    event = fan_out(Kind.PLACE_FREED, users=[person], emailed=[person])
    assert Notification.objects.get(event=event).emailed_at is not None


def test_choosing_the_default_keeps_no_row_and_pending_notifications_follow():
    project = ProjectFactory()
    (person,) = people(1)
    follow(person, project)
    event = fan_out(Kind.ACTION_NEW, targets=[project])  # weekly, waiting

    services.deliveries_choose(user=person, choices={Kind.ACTION_NEW: Delivery.DAILY})
    assert DeliverySetting.objects.get(user=person).delivery == Delivery.DAILY
    assert Notification.objects.get(event=event).delivery == Delivery.DAILY

    services.deliveries_choose(user=person, choices={Kind.ACTION_NEW: Delivery.WEEKLY})
    assert not DeliverySetting.objects.filter(user=person).exists()
    assert Notification.objects.get(event=event).delivery == Delivery.WEEKLY


def test_unknown_kind_or_delivery_is_refused():
    (person,) = people(1)
    with pytest.raises(ValueError):
        services.deliveries_choose(user=person, choices={Kind.ACTION_NEW: "hourly"})
    assert not DeliverySetting.objects.exists()


def test_purge_forgets_old_read_notifications_and_their_events():
    (person,) = people(1)
    old = timezone.now() - datetime.timedelta(days=181)
    recent = timezone.now() - datetime.timedelta(days=10)
    old_read = fan_out(Kind.REPLY, users=[person])
    old_unread = fan_out(Kind.REPLY, users=[person])
    recent_read = fan_out(Kind.REPLY, users=[person])
    Event.objects.filter(pk__in=[old_read.pk, old_unread.pk]).update(created_at=old)
    Notification.objects.filter(event=old_read).update(created_at=old, read_at=old)
    Notification.objects.filter(event=old_unread).update(created_at=old)
    Notification.objects.filter(event=recent_read).update(created_at=recent, read_at=recent)
    old_digest = Digest.objects.create(
        user=person, period="weekly", starts_on=datetime.date(2020, 1, 6), created_at=old
    )

    removed = services.notifications_purge()

    assert removed == 3  # the notification, its event, the empty old digest
    assert set(Event.objects.values_list("pk", flat=True)) == {old_unread.pk, recent_read.pk}
    assert Notification.objects.filter(user=person).count() == 2
    assert not Digest.objects.filter(pk=old_digest.pk).exists()
    assert services.notifications_purge() == 0


def test_purge_keeps_an_event_whose_fan_out_is_still_queued():
    event = Event.objects.create(kind=Kind.NEWS_POST, url="/", params={})
    assert services.notifications_purge() == 0
    assert Event.objects.filter(pk=event.pk).exists()


def test_a_deactivated_account_is_never_emailed():
    person = UserFactory(is_active=False)
    event = fan_out(Kind.REPLY, users=[person])
    assert Notification.objects.get(event=event).emailed_at is None
    assert not OutgoingEmail.objects.exists()
