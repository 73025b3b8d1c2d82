"""GET /api/v1/actions and /api/v1/actions/<slug>: published and cancelled actions of
the projects anyone sees, their places left, the filters; drafts never."""

import datetime

import pytest
from django.utils import timezone

from tissage.actions.models import Action
from tissage.actions.tests.helpers import register
from tissage.api.tests.builders import an_action
from tissage.core.tests.factories import CommuneFactory, ProjectFactory
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_an_action_with_its_places_left_dates_place_and_link(client):
    commune = CommuneFactory(insee_code="26108", name="Crest")
    action = an_action(places=5, commune=commune, longitude=5.02, latitude=44.73)
    register(action, 1, companions=1)

    row = client.get("/api/v1/actions").json()["results"][0]

    assert row["slug"] == action.slug
    assert row["registration"]["places_left"] == 3
    assert row["registration"]["open"] is True
    assert row["place"]["commune"] == {"insee": "26108", "name": "Crest"}
    assert row["place"]["longitude"] == 5.02
    assert row["starts_at"] == timezone.localtime(action.starts_at).isoformat()
    assert row["url"] == f"http://testserver/actions/{action.slug}/"
    assert row["project"] == {"slug": action.project.slug, "title": action.project.title}


def test_drafts_and_actions_of_draft_projects_are_never_listed_nor_found(client):
    shown = an_action(title="Publiée")
    draft = an_action(title="Brouillon", status=Action.Status.DRAFT)
    hidden = an_action(ProjectFactory(status=Project.Status.DRAFT), title="Projet caché")
    cancelled = an_action(title="Annulée")
    Action.objects.filter(pk=cancelled.pk).update(status=Action.Status.CANCELLED)

    listed = slugs(client.get("/api/v1/actions"))

    assert set(listed) == {shown.slug, cancelled.slug}
    for action in (draft, hidden):
        response = client.get(f"/api/v1/actions/{action.slug}")
        assert response.status_code == 404
        assert response.json()["message"]
    detail = client.get(f"/api/v1/actions/{cancelled.slug}").json()["action"]
    assert detail["status"] == "cancelled"
    assert detail["registration"]["open"] is False


def test_a_session_changes_nothing_a_draft_stays_hidden_from_its_own_team(client):
    draft = an_action(status=Action.Status.DRAFT)
    from tissage.core.tests.factories import SuperuserFactory

    client.force_login(SuperuserFactory())

    assert slugs(client.get("/api/v1/actions")) == []
    assert client.get(f"/api/v1/actions/{draft.slug}").status_code == 404


def test_filters_project_commune_dates_bbox_and_updated_since(client):
    crest = CommuneFactory(insee_code="26108")
    project = ProjectFactory()
    soon = an_action(project, days=2, commune=crest, longitude=5.02, latitude=44.73)
    later = an_action(days=30, longitude=4.36, latitude=43.84)
    old = an_action(days=5)
    Action.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=9))
    week = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    assert slugs(client.get(f"/api/v1/actions?project={project.slug}")) == [soon.slug]
    assert slugs(client.get("/api/v1/actions?commune=26108")) == [soon.slug]
    assert slugs(client.get(f"/api/v1/actions?start_after={week}")) == [later.slug]
    assert slugs(client.get(f"/api/v1/actions?start_before={week}")) == [soon.slug, old.slug]
    assert slugs(client.get("/api/v1/actions?bbox=4.3,43.8,4.4,43.9")) == [later.slug]
    assert slugs(client.get("/api/v1/actions", {"updated_since": since})) == [soon.slug, later.slug]


def test_a_draft_project_named_in_the_filter_gives_an_empty_list_not_its_actions(client):
    hidden = ProjectFactory(status=Project.Status.DRAFT)
    an_action(hidden)

    assert slugs(client.get(f"/api/v1/actions?project={hidden.slug}")) == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("start_after=demain", "start_after"),
        ("start_after=2027-02-30", "start_after"),
        ("start_before=3000-01-01", "start_before"),
        ("start_after=2027-06-10&start_before=2027-06-01", "start_before"),
        ("bbox=5,44,4,45", "bbox"),
        ("commune=Crest", "commune"),
        ("project=pas un slug", "project"),
        ("limit=0", "limit"),
        ("updated_since=hier", "updated_since"),
    ],
)
def test_bad_filters_answer_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/api/v1/actions?{query}")

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [parameter]
    assert parameter in response.json()["message"]


def test_the_list_costs_three_queries_with_2_or_20_actions(client, django_assert_num_queries):
    project = ProjectFactory()
    for _ in range(2):
        an_action(project, commune=CommuneFactory())
    with django_assert_num_queries(3):
        assert len(slugs(client.get("/api/v1/actions"))) == 2
    for _ in range(18):
        an_action(project, commune=CommuneFactory())
    with django_assert_num_queries(3):
        assert len(slugs(client.get("/api/v1/actions"))) == 20


def test_one_action_costs_three_queries(client, django_assert_num_queries):
    action = an_action()

    with django_assert_num_queries(3):
        assert client.get(f"/api/v1/actions/{action.slug}").status_code == 200
