"""The engagement part of "Mon espace": the latest unread notifications, how many things
the person follows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.core.tests.factories import ProjectFactory, UserFactory
from tissage.engagement.models import Notification
from tissage.engagement.services import follow_set
from tissage.engagement.tests.notices import news_for

pytestmark = pytest.mark.django_db


def test_my_space_shows_the_five_latest_unread_and_what_i_follow(client, in_english):
    person = UserFactory()
    read = news_for(person, title="Déjà lue")[0]
    Notification.objects.filter(pk=read.pk).mark_read()
    for number in range(7):
        news_for(person, title=f"Nouvelle {number}")
    follow_set(user=person, target=ProjectFactory(), following=True)
    follow_set(user=person, target=ProjectFactory(), following=True)
    client.force_login(person)
    page = client.get(reverse("accounts:my_space")).content.decode()
    assert "7 unread notifications." in page
    assert "Nouvelle 6" in page and "Nouvelle 2" in page and "Nouvelle 1" not in page
    assert "Déjà lue" not in page
    assert f'<a href="{reverse("engagement:follows")}">What I follow (2)</a>' in page
    assert f'<a href="{reverse("engagement:list")}">' in page


def test_my_space_has_no_notifications_part_before_anything_happens(client, in_english):
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:my_space")).content.decode()
    assert "my-notifications-title" not in page
