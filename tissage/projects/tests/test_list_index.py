"""The project list (published and archived projects, latest change first) walks
`project_recent_idx` and stops at its page: never a sort of every project (about 9 ms
of 20 at 10,000 projects before, issue #20). Checked on the query the page sends, with
the database's own plan."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tissage.core.tests.factories import OrganisationFactory
from tissage.core.tests.plans import page_reads, query_plan, sorts_everything
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db

INDEX = "project_recent_idx"


@pytest.fixture
def projects() -> None:
    """2,000 projects, a tenth of them drafts and a tenth archived: enough rows for
    PostgreSQL's planner to prefer an index to a sort."""
    organisation = OrganisationFactory()
    statuses = ["draft"] + ["archived"] + ["published"] * 8
    Project.objects.bulk_create(
        Project(
            organisation=organisation,
            title=f"Projet {i}",
            slug=f"projet-liste-{i}",
            summary="Un projet.",
            status=statuses[i % len(statuses)],
        )
        for i in range(2_000)
    )
    # Spread the times of change (auto_now gave them all one).
    start = timezone.now()
    for offset, pk in enumerate(Project.objects.order_by("pk").values_list("pk", flat=True)[:50]):
        Project.objects.filter(pk=pk).update(updated_at=start - datetime.timedelta(hours=offset))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@pytest.mark.parametrize("page", ["/projets/", "/projets/?page=5"])
def test_the_project_list_is_walked_in_the_index_without_sorting_every_project(
    client, projects, page
):
    response, (sql,) = page_reads(client, page, 'FROM "projects_project"', "ORDER BY")
    plan = query_plan(sql)
    assert INDEX in plan, plan
    assert not sorts_everything(plan), plan
    shown = list(response.context["page"].object_list)
    assert len(shown) == 24
    assert [p.updated_at for p in shown] == sorted((p.updated_at for p in shown), reverse=True)
    assert {p.status for p in shown} <= {"published", "archived"}
