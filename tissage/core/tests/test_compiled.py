"""`core.compiled`: a query compiled once answers as its queryset would, for every value,
and a build that cannot be compiled once is refused."""

from __future__ import annotations

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
            seen = [(p.pk, p.title, p.organisation.slug, p.members, p.shouting) for p in got]
        assert seen == [
            (p.pk, p.title, p.organisation.slug, p.members, p.shouting) for p in expected
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
