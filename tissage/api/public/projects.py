"""Projects: those an anonymous visitor sees (published and archived), never a draft."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from tissage.api.errors import ErrorOut
from tissage.api.meta import MetaOut, platform_meta
from tissage.api.pagination import ID, Keyset
from tissage.api.responses import absolute, api_response, moment, newest, newest_of
from tissage.projects import lookups
from tissage.projects.models import Project, ProjectQuerySet

from .common import (
    VISITOR,
    CommuneOut,
    ListOut,
    OrganisationRef,
    as_visitor,
    communes_out,
    communes_prefetch,
    known_slug,
    list_response,
    page_of,
)
from .forms import ProjectQuery, query_parameters

router = Router(tags=["Projects"])
KEYSET = Keyset((ID,))


class ProjectOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    description: str = Field(description="Markdown.")
    status: str = Field(description="published or archived.")
    organisation: OrganisationRef
    communes: list[CommuneOut] = Field(description="The communes it concerns.")
    call_to_action: str = Field(description="What it asks people to do.")
    url: str = Field(description="Its page.")
    created_at: datetime
    updated_at: datetime


class ProjectList(ListOut):
    results: list[ProjectOut]


class ProjectAnswer(Schema):
    meta: MetaOut
    project: ProjectOut


def _out(request: HttpRequest, project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "slug": project.slug,
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "status": project.status,
        "organisation": {"slug": project.organisation.slug, "name": project.organisation.name},
        "communes": communes_out(project),
        "call_to_action": project.call_to_action,
        "url": absolute(request, project.get_absolute_url()),
        "created_at": moment(project.created_at),
        "updated_at": moment(project.updated_at),
    }


def _changed(project: Project) -> datetime | None:
    return newest(project.updated_at, project.organisation.updated_at)


def _rows() -> ProjectQuerySet:
    return (
        Project.objects.visible_to(VISITOR)
        .select_related("organisation")
        .prefetch_related(communes_prefetch())
    )


@router.get(
    "/projects",
    response={200: ProjectList, 304: None, 400: ErrorOut},
    summary="List the projects",
    openapi_extra=query_parameters(ProjectQuery),
)
def projects_list(request: HttpRequest) -> HttpResponse:
    """Published and archived projects, in the order they were created."""
    data = ProjectQuery(request.GET).read()
    rows = _rows()
    if data.get("organisation"):
        rows = rows.filter(organisation__slug=data["organisation"])
    if data.get("commune"):
        rows = rows.filter(communes__insee_code=data["commune"])
    if data.get("updated_since"):
        rows = rows.filter(updated_at__gte=data["updated_since"])
    page = page_of(rows, KEYSET, data)
    return list_response(
        request,
        meta=platform_meta(request),
        results=[_out(request, row) for row in page.rows],
        page=page,
        last_modified=newest_of(_changed(row) for row in page.rows),
    )


@router.get(
    "/projects/{slug}",
    response={200: ProjectAnswer, 304: None, 404: ErrorOut},
    summary="One project",
)
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A draft project answers 404, as its page does."""
    project = lookups.get_project(as_visitor(request), known_slug(slug))
    return api_response(
        request,
        {"meta": platform_meta(request), "project": _out(request, project)},
        last_modified=_changed(project),
    )
