"""`core.compiled`: a query compiled once answers as its queryset would, for every value,
and a build that cannot be compiled once is refused."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from django.db import connection, connections
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tissage.core.compiled import CompiledQuery, CompiledQueryError
from tissage.core.tests.factories import (
    OrganisationFactory,
    ProjectFactory,
    ProjectMembershipFactory,
)
from tissage.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db


def projects_of(organisation: str, status: str) -> QuerySet[Project]:
    members = (
        ProjectMembership.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(number=Count("pk"))
        .values("number")
    )
    return (
        Project.objects.filter(organisation__slug=organisation, status=status)
        .select_related("organisation")
        .annotate(members=Subquery(members), shouting=F("title"))
        .order_by("title")
    )


PROJECTS = CompiledQuery(projects_of, organisation=str, status=str)


def test_it_answers_as_the_queryset_for_each_value(django_assert_num_queries):
    first, second = OrganisationFactory(slug="premier"), OrganisationFactory(slug="second")
    ProjectFactory(organisation=first, title="B", status="published")
    ProjectFactory(organisation=first, title="A", status="published")
    ProjectFactory(organisation=first, title="C", status="draft")
    theirs = ProjectFactory(organisation=second, title="D", status="published")
    ProjectMembershipFactory.create_batch(2, project=theirs)
    for organisation, status in [
        ("premier", "published"),
        ("premier", "draft"),
        ("second", "published"),
        ("second", "draft"),
        ("nobody", "published"),
    ]:
        expected = list(projects_of(organisation, status))
        with django_assert_num_queries(1):
            got = PROJECTS(organisation=organisation, status=status)
            # The related rows and annotations come with the row: no query more.
            seen = [
                (p.pk, p.title, p.organisation.slug, p.members, p.shouting, p.created_at)
                for p in got
            ]
        assert seen == [
            (p.pk, p.title, p.organisation.slug, p.members, p.shouting, p.created_at)
            for p in expected
        ]
        assert all(isinstance(p, Project) for p in got)
    assert [p.title for p in PROJECTS(organisation="premier", status="published")] == ["A", "B"]
    assert PROJECTS(organisation="second", status="published")[0].members == 2


def test_values_and_grouped_rows():
    organisation = OrganisationFactory(slug="o")
    ProjectFactory.create_batch(3, organisation=organisation, status="published")
    ProjectFactory(organisation=organisation, status="draft")
    counts = CompiledQuery(
        lambda pk: (
            Project.objects.filter(organisation=pk)
            .order_by()
            .values("organisation")
            .annotate(
                published=Count("pk", filter=Q(status="published")),
                all=Count("pk"),
            )
        ),
        pk=int,
    )
    assert counts(pk=organisation.pk) == [
        {"organisation": organisation.pk, "published": 3, "all": 4}
    ]
    assert counts(pk=organisation.pk + 1000) == []


def test_it_runs_on_the_connection_of_the_call():
    ProjectFactory(organisation=OrganisationFactory(slug="vu"), status="published")
    PROJECTS(organisation="vu", status="published")  # compiled before
    with CaptureQueriesContext(connection) as queries:
        assert len(PROJECTS(organisation="vu", status="published")) == 1
    assert len(queries) == 1
    assert "vu" in queries[0]["sql"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        # A time in the query: it would be frozen at the first call.
        (
            lambda slug: Project.objects.filter(slug=slug, created_at__lte=timezone.now()),
            "changes from one build to the next",
        ),
        # A value changed in Python before it reaches the database.
        (lambda slug: Project.objects.filter(slug__contains=slug), "'slug' is not in the query"),
        # A value the query leaves out.
        (lambda slug: Project.objects.all(), "'slug' is not in the query"),
        # Queries run after the rows.
        (
            lambda slug: Project.objects.filter(slug=slug).prefetch_related("memberships"),
            "cannot prefetch",
        ),
    ],
)
def test_a_build_that_cannot_be_compiled_once_is_refused(build, message):
    with pytest.raises(CompiledQueryError, match=message):
        CompiledQuery(build, slug=str)(slug="x")


def test_values_are_named_and_typed():
    with pytest.raises(CompiledQueryError, match="only str and int"):
        CompiledQuery(lambda when: Project.objects.filter(created_at=when), when=float)
    with pytest.raises(TypeError, match="Expected the values"):
        PROJECTS(organisation="o")


@pytest.mark.django_db(transaction=True)
def test_another_thread_runs_it_on_its_own_connection():
    ProjectFactory(organisation=OrganisationFactory(slug="fil"), status="published")
    compiled = CompiledQuery(projects_of, organisation=str, status=str)
    assert len(compiled(organisation="fil", status="published")) == 1  # compiled here
    answers: list[object] = []

    def other_thread() -> None:
        try:
            answers.append(len(compiled(organisation="fil", status="published")))
        except Exception as error:
            answers.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert answers == [1]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_on_postgresql_the_compiled_queries_are_prepared_and_only_they():
    ProjectFactory(organisation=OrganisationFactory(slug="prep"), status="published")
    compiled = CompiledQuery(projects_of, organisation=str, status=str)
    for _time in range(3):
        assert len(compiled(organisation="prep", status="published")) == 1
    plain = Project.objects.filter(organisation__slug="prep").annotate(plainly=F("title"))
    assert len(plain) == 1
    if connection.vendor != "postgresql":
        # SQLite has no prepared statements to ask for: the query runs as SQL.
        assert connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
        return
    statements = prepared_statements()
    ours = [s for s in statements if 'FROM "projects_project"' in s and '"shouting"' in s]
    # Once, however many runs; bound on the server ($1, $2).
    assert len(ours) == 1 and "$1" in ours[0] and "'prep'" not in ours[0]
    # The plain ORM query is planned with its values, as Django's default.
    assert not [s for s in statements if '"plainly"' in s]


def test_prepared_statements_can_be_turned_off(monkeypatch):
    ProjectFactory(organisation=OrganisationFactory(slug="off"), status="published")
    monkeypatch.delitem(connection.settings_dict["OPTIONS"], "prepare_threshold", raising=False)
    unprepared = CompiledQuery(
        lambda organisation: Project.objects.filter(organisation__slug=organisation).annotate(
            unprepared=F("title")
        ),
        organisation=str,
    )
    assert len(unprepared(organisation="off")) == 1
    if connection.vendor == "postgresql":
        assert not [s for s in prepared_statements() if '"unprepared"' in s]


@pytest.mark.parametrize(("value", "prepared"), [("", True), ("1", True), ("0", False)])
def test_settings_prepare_on_postgresql_unless_told_not_to(value, prepared):
    script = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold'))"
    )
    for url, expected in [
        ("postgres://u@localhost:5432/x", "2147483647" if prepared else "None"),
        ("sqlite:////tmp/x.sqlite3", "None"),
    ]:
        result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
            [sys.executable, "-c", script],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "tissage.settings", "SECRET_KEY": "x"}
            | {"DATABASE_URL": url, "TISSAGE_DB_PREPARE": value},
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == expected, (url, value, result.stdout)
