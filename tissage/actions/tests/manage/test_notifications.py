"""A new action is news for the followers of its project and of its commune: published
at once, or when its draft is published; a weekly series once, with its first date."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from tissage.actions.models import Action
from tissage.actions.tests.manage.test_create import create_url, form_data
from tissage.actions.tests.manage.test_edit import edit_data, edit_url
from tissage.core.tests.factories import CommuneFactory, ProjectFactory
from tissage.engagement.kinds import Kind
from tissage.engagement.models import Event
from tissage.engagement.services import follow_set
from tissage.engagement.tests.producers import (
    follower,
    former_follower,
    notified,
    text,
    the_event,
)
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


def local_day(moment: datetime.datetime) -> str:
    with translation.override("en"):
        return formats.date_format(timezone.localtime(moment), "l j F")


def test_a_published_action_notifies_the_followers_of_its_project_and_commune(
    client, project, facilitator
):
    commune = CommuneFactory(name="Crest")
    project.communes.add(commune)
    of_project, of_commune, of_both = follower(project), follower(commune), follower(project)
    follower(commune, email="both@example.org")
    follow_set(user=of_both, target=commune, following=True)
    stopped = former_follower(project)
    follower(ProjectFactory())  # follows another project
    follow_set(user=facilitator, target=project, following=True)

    client.post(create_url(project), form_data(commune=commune.pk))

    action = Action.objects.get()
    event = the_event(Kind.ACTION_NEW)
    people = notified(Kind.ACTION_NEW)
    assert {of_project, of_commune, of_both} <= people
    assert stopped not in people and facilitator not in people
    assert len(people) == 4  # the three above and the other follower of the commune
    assert event.url == reverse("actions:detail", kwargs={"slug": action.slug})
    assert event.actor == facilitator
    assert text(event) == (f"New action “Chantier mare” on {local_day(action.starts_at)} in Crest.")


def test_the_sentence_reads_in_french_with_a_french_date(client, project):
    follower(project)

    client.post(create_url(project), form_data())

    action = Action.objects.get()
    with translation.override("fr"):
        day = formats.date_format(timezone.localtime(action.starts_at), "l j F")
    sentence = text(the_event(Kind.ACTION_NEW), "fr")
    assert day in sentence and "Chantier mare" in sentence


def test_a_draft_notifies_nobody_until_it_is_published(client, project, facilitator):
    someone = follower(project)

    client.post(create_url(project), form_data(status="draft"))
    assert not Event.objects.exists()

    action = Action.objects.get()
    client.post(edit_url(action), edit_data(action, status="published"))
    assert notified(Kind.ACTION_NEW) == {someone}
    assert the_event(Kind.ACTION_NEW).actor == facilitator

    # Edited again, published still: no second announcement.
    action.refresh_from_db()
    client.post(edit_url(action), edit_data(action, title="Chantier de la mare"))
    assert Event.objects.filter(kind=Kind.ACTION_NEW).count() == 1

    # Back to draft, then published again: not news a second time.
    action.refresh_from_db()
    client.post(edit_url(action), edit_data(action, status="draft"))
    action.refresh_from_db()
    assert action.status == "draft"
    client.post(edit_url(action), edit_data(action, status="published"))
    action.refresh_from_db()
    assert action.status == "published"
    assert Event.objects.filter(kind=Kind.ACTION_NEW).count() == 1


def test_a_series_is_announced_once_with_its_first_date(client, project):
    someone = follower(project)

    client.post(create_url(project), form_data(repeat_weeks="4"))

    first = Action.objects.order_by("starts_at").first()
    assert Action.objects.count() == 4
    event = the_event(Kind.ACTION_NEW)
    assert notified(Kind.ACTION_NEW) == {someone}
    assert event.url == reverse("actions:detail", kwargs={"slug": first.slug})
    assert datetime.datetime.fromisoformat(event.params["starts_at"]) == first.starts_at


def test_a_draft_series_published_at_once_is_announced_once(client, project):
    follower(project)
    client.post(create_url(project), form_data(repeat_weeks="3", status="draft"))
    first = Action.objects.order_by("starts_at").first()

    client.post(edit_url(first), edit_data(first, status="published", scope="all"))

    assert Action.objects.filter(status="published").count() == 3
    assert Event.objects.filter(kind=Kind.ACTION_NEW).count() == 1
    starts_at = the_event(Kind.ACTION_NEW).params["starts_at"]
    assert datetime.datetime.fromisoformat(starts_at) == first.starts_at


def test_an_action_of_a_draft_project_is_seen_by_its_team_only_and_announced_to_nobody(
    client, project
):
    commune = CommuneFactory()
    project.communes.add(commune)
    project.status = Project.Status.DRAFT
    project.save(update_fields=["status"])
    follower(commune)

    client.post(create_url(project), form_data(commune=commune.pk))

    assert Action.objects.filter(status="published").exists()
    assert not Event.objects.exists()


def _queries_to_create(project, facilitator, capture, title: str) -> int:
    # A plain client: what waits for the commit (the fan-out) is captured, not run.
    client = Client()
    client.force_login(facilitator)
    with capture(execute=False) as callbacks, CaptureQueriesContext(connection) as queries:
        response = client.post(create_url(project), form_data(title=title))
    assert response.status_code == 302
    assert callbacks  # the fan-out waits for the commit
    return len(queries.captured_queries)


def test_creating_an_action_costs_the_same_whatever_the_number_of_followers(
    project, facilitator, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    alone = _queries_to_create(project, facilitator, capture, "Chantier mare")
    for _number in range(50):
        follower(project)

    followed = _queries_to_create(project, facilitator, capture, "Taille des haies")

    assert followed == alone
    assert Event.objects.filter(kind=Kind.ACTION_NEW).count() == 2
