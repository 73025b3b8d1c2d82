"""The header's bell: the count of unread notifications, for signed-in people only, in
one indexed query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tissage.core.tests.factories import UserFactory
from tissage.engagement.models import Notification
from tissage.engagement.tests.notices import news_for

pytestmark = pytest.mark.django_db


def notification_queries(captured: CaptureQueriesContext) -> list[str]:
    table = Notification._meta.db_table
    return [query["sql"] for query in captured.captured_queries if table in query["sql"]]


def test_the_bell_says_how_many_are_unread_in_words(client, in_english):
    person = UserFactory()
    for _n in range(3):
        news_for(person)
    Notification.objects.filter(pk=news_for(person)[0].pk).mark_read()
    client.force_login(person)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("collectives:list")).content.decode()
    assert f'<a class="nav-bell" href="{reverse("engagement:list")}">' in page
    assert '<span class="nav-bell-count" aria-hidden="true">3</span>' in page
    assert '<span class="visually-hidden">Notifications, 3 unread</span>' in page
    assert len(notification_queries(captured)) == 1


def test_nothing_unread_shows_the_bell_without_a_count(client, in_english):
    client.force_login(UserFactory())
    page = client.get(reverse("collectives:list")).content.decode()
    assert reverse("engagement:list") in page
    assert "nav-bell-count" not in page and "unread" not in page


def test_the_centre_marks_its_own_link_current(client):
    client.force_login(UserFactory())
    page = client.get(reverse("engagement:list")).content.decode()
    assert f'href="{reverse("engagement:list")}" aria-current="page"' in page


def test_anonymous_visitors_have_no_bell_and_no_query(client):
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("collectives:list")).content.decode()
    assert reverse("engagement:list") not in page
    assert notification_queries(captured) == []
