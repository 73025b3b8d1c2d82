"""Reports: a member reports a message once; a coordinator dismisses the report or hides
the message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.collectives.lists import services
from tissage.collectives.models import Message, Report
from tissage.collectives.tests.factories import CollectiveFactory, client_for_role

pytestmark = pytest.mark.django_db


# --- Reports -------------------------------------------------------------------------


def test_member_reports_a_message_once_and_coordinator_dismisses(client):
    collective = CollectiveFactory()
    _author_client, author = client_for_role("member", collective)
    first = services.thread_start(collective=collective, author=author, subject="S", body="hm")
    reporter, _ = client_for_role("member", collective)
    url = reverse("collectives:message_report", args=[collective.slug, first.pk])
    thread_page = reporter.get(
        reverse("collectives:thread", args=[collective.slug, first.thread_id])
    ).content.decode()
    assert url in thread_page

    response = reporter.post(url, {"reason": "Hors sujet"})
    assert response.status_code == 302
    assert Report.objects.get().reason == "Hors sujet"
    again = reporter.post(url, {"reason": "Encore"}, follow=True)
    assert again.status_code == 200
    assert [m.level_tag for m in again.context["messages"]][-1] == "info"
    assert Report.objects.count() == 1
    assert reporter.get(url).context["already"] is True

    coordinator, _ = client_for_role("coordinator", collective)
    page = coordinator.get(reverse("collectives:moderation", args=[collective.slug]))
    assert "Hors sujet" in page.content.decode()
    report = Report.objects.get()
    coordinator.post(reverse("collectives:report_dismiss", args=[collective.slug, report.pk]))
    report.refresh_from_db()
    assert report.resolved_at is not None
    first.refresh_from_db()
    assert first.status == Message.Status.PUBLISHED
    page = coordinator.get(reverse("collectives:moderation", args=[collective.slug]))
    assert "Hors sujet" not in page.content.decode()


def test_hiding_a_reported_message_resolves_the_report(client):
    collective = CollectiveFactory()
    _c, author = client_for_role("member", collective)
    first = services.thread_start(collective=collective, author=author, subject="S", body="hm")
    reporter, _ = client_for_role("member", collective)
    reporter.post(reverse("collectives:message_report", args=[collective.slug, first.pk]))
    coordinator, _ = client_for_role("coordinator", collective)
    coordinator.post(reverse("collectives:message_hide", args=[collective.slug, first.pk]))
    assert Report.objects.get().resolved_at is not None
