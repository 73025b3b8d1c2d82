"""The open API's list of actions is read in its order (start, then id) through
`action_start_order_idx`, stopping at the page: never a sort of every announced action.
Without it, the first page at 10,000 actions sorted them all (24 ms of a 36 ms answer
on PostgreSQL, growing with the actions; issue #20). Checked on the query the endpoint
really sends, with the database's own plan."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tissage.actions.models import Action
from tissage.core.tests.factories import ProjectFactory
from tissage.core.tests.plans import page_reads, query_plan, sorts_everything

pytestmark = pytest.mark.django_db

INDEX = "action_start_order_idx"


@pytest.fixture(params=["with statistics", "without statistics"])
def actions(request) -> None:
    """3,000 announced actions over a year in five projects, some cancelled, some
    drafts, some of a draft project: enough rows for PostgreSQL's planner to weigh an
    index against a sort.

    With the database's statistics (ANALYZE), and without them on SQLite, as an
    installation has them: nothing runs ANALYZE there, and without statistics SQLite's
    planner took the status's index and sorted every action. SQLite then estimates a
    table's rows from its size on disk, and sorts a few thousand rather than walk an
    index: 10,000 actions there, as in the bench. PostgreSQL's autovacuum keeps
    statistics: it gets them in both cases."""
    count = 3_000 if request.param == "with statistics" else 10_000
    projects = [ProjectFactory(status="published") for _ in range(4)]
    projects.append(ProjectFactory(status="draft"))
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    Action.objects.bulk_create(
        Action(
            project=projects[n % 5],
            kind="workday",
            title=f"Chantier {n}",
            slug=f"chantier-{n}",
            starts_at=start + datetime.timedelta(hours=3 * n),
            ends_at=start + datetime.timedelta(hours=3 * n + 2),
            address="Place de la mairie",
            status=("published", "published", "cancelled", "draft")[n % 4],
            longitude=5.0 + (n % 100) / 100,
            latitude=44.5 + (n // 100 % 100) / 100,
        )
        for n in range(count)
    )
    if request.param == "with statistics" or connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _list_query(client, url: str) -> str:
    response, [sql] = page_reads(client, url, 'FROM "actions_action"')
    assert len(response.json()["results"]) == 50
    return sql


@pytest.mark.parametrize(
    "query",
    ["", "?start_after=2030-01-01", "?bbox=5.0,44.5,6.0,45.5"],
    ids=["first page", "from a date", "box"],
)
def test_the_actions_are_walked_in_their_order_without_sorting_them(client, actions, query):
    if query == "?start_after=2030-01-01":
        # Half-way through the year of actions.
        middle = timezone.localtime(timezone.now() + datetime.timedelta(days=180))
        query = f"?start_after={middle.date().isoformat()}"
    plan = query_plan(_list_query(client, f"/api/v1/actions{query}"))

    assert INDEX in plan, plan
    assert not sorts_everything(plan), plan


def test_a_page_deep_in_the_list_is_walked_from_its_cursor(client, actions):
    first = client.get("/api/v1/actions?limit=200").json()
    for _ in range(3):
        first = client.get(first["next"]).json()
    cursor = first["next"].split("cursor=")[1].split("&")[0]

    plan = query_plan(_list_query(client, f"/api/v1/actions?cursor={cursor}"))

    assert INDEX in plan, plan
    assert not sorts_everything(plan), plan
