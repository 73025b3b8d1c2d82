"""The dashboard pages: who may read them, the period chooser, what they show."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tissage.core.tests.factories import ProjectFactory, user_with_role
from tissage.core.tests.matrices import FORBIDDEN, LOGIN, OK, STAFF, matrix
from tissage.dashboard.refresh import dashboard_refresh

from .helpers import an_action, days_ago, registered

pytestmark = pytest.mark.django_db

ORGANISATION_STAFF = matrix(
    anonymous=LOGIN,
    participant=FORBIDDEN,
    project_member=FORBIDDEN,
    project_facilitator=FORBIDDEN,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)
PLATFORM_ADMINS = matrix(
    anonymous=LOGIN,
    participant=FORBIDDEN,
    project_member=FORBIDDEN,
    project_facilitator=FORBIDDEN,
    organisation_facilitator=FORBIDDEN,
    organisation_admin=FORBIDDEN,
    superuser=OK,
)


def answer(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code == 302 and response["Location"].startswith("/compte/connexion/"):
        return LOGIN
    return {403: FORBIDDEN}.get(response.status_code, str(response.status_code))


def client_for(role: str, project) -> Client:
    client = Client()
    user = user_with_role(role, project)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_project_dashboard_is_for_who_runs_the_project(role, expected):
    project = ProjectFactory(status="published")
    url = reverse("dashboard:project", args=[project.slug])
    assert answer(client_for(role, project).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), ORGANISATION_STAFF)
def test_organisation_dashboard_is_for_its_staff(role, expected):
    project = ProjectFactory(status="published")
    url = reverse("dashboard:organisation", args=[project.organisation.slug])
    assert answer(client_for(role, project).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), PLATFORM_ADMINS)
def test_platform_dashboard_is_for_platform_administrators(role, expected):
    project = ProjectFactory(status="published")
    assert answer(client_for(role, project).get(reverse("dashboard:platform"))) == expected


def test_page_shows_the_figures_in_tables_and_hides_small_cells():
    project = ProjectFactory(status="published")
    registered(an_action(project, days_ago(3)), 3)
    dashboard_refresh()
    client = client_for("organisation_admin", project)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("dashboard:project", args=[project.slug])).content.decode()

    # The charts are drawn with their data tables (the months and the funnel; the map
    # needs communes with outlines, which this project has not).
    assert "<caption>People who took part, month by month</caption>" in page
    assert '<th scope="col">Month</th>' in page
    assert page.count('role="img"') == 2
    assert "&lt; 5" in page
    assert "inclusion indicator" in page
    assert "<caption>Communes reached</caption>" in page
    assert "Reports for funders and elected officials" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"periode": "dates", "du": "2025-03-01", "au": "2025-02-01"}, "comes before"),
        ({"periode": "dates", "du": "pas une date", "au": "2025-02-01"}, "as on a calendar"),
        ({"periode": "dates", "du": "2025-03-01"}, "Give the last day"),
        ({"periode": "dates", "du": "2015-01-01", "au": "2025-02-01"}, "five years"),
        ({"periode": "siecle"}, "Choose a period"),
    ],
)
def test_bad_period_is_a_message_not_an_error(query, message):
    project = ProjectFactory(status="published")
    client = client_for("project_facilitator", project)
    client.cookies["django_language"] = "en"

    response = client.get(reverse("dashboard:project", args=[project.slug]), query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["figures"] is None


@pytest.mark.parametrize(
    ("query", "start"),
    [
        ({"periode": "annee"}, "01-01"),
        ({"periode": "dates", "du": "2024-02-03", "au": "2024-05-06"}, "2024-02-03"),
        ({}, "-01"),
    ],
)
def test_period_chosen(query, start):
    project = ProjectFactory(status="published")
    client = client_for("superuser", project)

    response = client.get(
        reverse("dashboard:organisation", args=[project.organisation.slug]), query
    )

    assert response.context["figures"].period.start.isoformat().endswith(start)


@pytest.mark.parametrize("size", [1, 6])
def test_page_queries_do_not_grow(size, django_assert_max_num_queries):
    project = ProjectFactory(status="published")
    for n in range(size):
        registered(an_action(project, days_ago(5 + 20 * n)), 6, prefix=f"p{n}-")
    dashboard_refresh()
    client = client_for("organisation_admin", project)
    with django_assert_max_num_queries(17):
        response = client.get(reverse("dashboard:organisation", args=[project.organisation.slug]))
    assert len(response.context["figures"].actions) == size
