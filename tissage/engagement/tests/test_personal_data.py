from __future__ import annotations

import pytest

from tissage.core.registry import personal_data_modules
from tissage.core.tests.factories import ProjectFactory, UserFactory
from tissage.engagement import personal_data
from tissage.engagement.kinds import Kind
from tissage.engagement.models import DeliverySetting

from .helpers import fan_out, follow

pytestmark = pytest.mark.django_db


def test_collect_holds_follows_notifications_and_settings():
    person, other = UserFactory(), UserFactory()
    project = ProjectFactory()
    follow(person, project)
    follow(other, project)
    DeliverySetting.objects.create(user=person, kind=Kind.NEWS_POST, delivery="daily")
    fan_out(Kind.NEWS_POST, targets=[project])

    data = personal_data.collect(person)

    assert data["follows"][0]["what"] == "projects.project"
    assert data["follows"][0]["id"] == project.pk
    assert len(data["notifications"]) == 1
    assert "Bilan de l'hiver" in data["notifications"][0]["text"]
    assert data["notification_settings"] == {"news_post": "daily"}
    assert personal_data in personal_data_modules()
