"""GET /api/v1/consultations and /api/v1/consultations/<slug>: published ones, their
state and dates."""

import datetime

import pytest
from django.utils import timezone

from tissage.consultations.models import Consultation
from tissage.consultations.tests.factories import ConsultationFactory
from tissage.core.tests.factories import ProjectFactory
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_published_consultations_with_state_and_dates(client):
    today = timezone.localdate()
    shown = ConsultationFactory(answers_until=today + datetime.timedelta(days=40))
    upcoming = ConsultationFactory(
        opens_on=today + datetime.timedelta(days=3), closes_on=today + datetime.timedelta(days=9)
    )
    draft = ConsultationFactory(published=False)
    of_draft = ConsultationFactory(project=ProjectFactory(status=Project.Status.DRAFT))

    rows = client.get("/api/v1/consultations").json()["results"]

    assert [row["slug"] for row in rows] == [shown.slug, upcoming.slug]
    assert rows[0]["state"] == Consultation.State.OPEN
    assert rows[0]["answers_until"] == shown.answers_until.isoformat()
    assert rows[1]["state"] == Consultation.State.UPCOMING
    for hidden in (draft, of_draft):
        assert client.get(f"/api/v1/consultations/{hidden.slug}").status_code == 404
    detail = client.get(f"/api/v1/consultations/{shown.slug}").json()["consultation"]
    assert detail == rows[0]


def test_filter_by_project(client):
    project = ProjectFactory()
    mine = ConsultationFactory(project=project)
    ConsultationFactory()

    assert slugs(client.get(f"/api/v1/consultations?project={project.slug}")) == [mine.slug]


def test_the_list_costs_one_query_with_2_or_20_consultations(client, django_assert_num_queries):
    for count in (2, 20):
        while Consultation.objects.count() < count:
            ConsultationFactory()
        with django_assert_num_queries(1):
            assert len(slugs(client.get("/api/v1/consultations"))) == count
