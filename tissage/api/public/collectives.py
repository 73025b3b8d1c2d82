"""Collectives' initiatives: those of the collectives whose archive anyone may read
(`collectives.access.collectives_readable_by`); a members-only collective's answer 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from ninja import Path, Router, Schema
from pydantic import Field

from tissage.api.errors import ErrorOut
from tissage.api.meta import MetaOut, platform_meta
from tissage.api.pagination import ID, MAX_ID, Keyset
from tissage.api.responses import absolute, api_response, moment, newest_of
from tissage.collectives import lookups
from tissage.collectives.access import collectives_readable_by
from tissage.collectives.models import Initiative
from tissage.projects.access import can_view_project, projects_visible_to

from .common import (
    VISITOR,
    CommuneOut,
    ListOut,
    ProjectRef,
    as_visitor,
    commune_out,
    known_slug,
    list_response,
    page_of,
)
from .forms import InitiativeQuery, query_parameters

router = Router(tags=["Collectives"])
KEYSET = Keyset((ID,))


class CollectiveRef(Schema):
    slug: str
    name: str


class InitiativeOut(Schema):
    id: int
    title: str
    what: str = Field(description="What it is about. Markdown.")
    where: str
    commune: CommuneOut | None
    needs: str = Field(description="Who is needed.")
    status: str = Field(description="idea, forming, active, paused, done.")
    collective: CollectiveRef
    project: ProjectRef | None = Field(description="The project it became, once public.")
    url: str = Field(description="Its page.")
    created_at: datetime
    updated_at: datetime


class InitiativeList(ListOut):
    results: list[InitiativeOut]


class InitiativeAnswer(Schema):
    meta: MetaOut
    initiative: InitiativeOut


def _out(request: HttpRequest, initiative: Initiative, project_public: bool) -> dict[str, Any]:
    project = initiative.project if project_public else None
    return {
        "id": initiative.pk,
        "title": initiative.title,
        "what": initiative.what,
        "where": initiative.where,
        "commune": commune_out(initiative.commune),
        "needs": initiative.needs,
        "status": initiative.status,
        "collective": {"slug": initiative.collective.slug, "name": initiative.collective.name},
        "project": {"slug": project.slug, "title": project.title} if project else None,
        "url": absolute(request, initiative.get_absolute_url()),
        "created_at": moment(initiative.created_at),
        "updated_at": moment(initiative.updated_at),
    }


@router.get(
    "/initiatives",
    response={200: InitiativeList, 304: None, 400: ErrorOut},
    summary="List the collectives' public initiatives",
    openapi_extra=query_parameters(InitiativeQuery),
)
def initiatives_list(request: HttpRequest) -> HttpResponse:
    """Initiatives of the collectives whose archive is public, in the order they were
    proposed."""
    data = InitiativeQuery(request.GET).read()
    rows = (
        Initiative.objects.filter(collective__in=collectives_readable_by(VISITOR))
        .select_related("collective", "commune", "project")
        .defer("commune__geometry")
        # The project it became is named only when anyone may see it (not a draft).
        .annotate(
            project_public=Exists(projects_visible_to(VISITOR).filter(pk=OuterRef("project")))
        )
    )
    if data.get("collective"):
        rows = rows.filter(collective__slug=data["collective"])
    if data.get("commune"):
        rows = rows.filter(commune__insee_code=data["commune"])
    if data.get("updated_since"):
        rows = rows.filter(updated_at__gte=data["updated_since"])
    page = page_of(rows, KEYSET, data)
    return list_response(
        request,
        meta=platform_meta(request),
        results=[
            _out(request, row, row.project_public)  # type: ignore[attr-defined]
            for row in page.rows
        ],
        page=page,
        last_modified=newest_of(row.updated_at for row in page.rows),
    )


@router.get(
    "/collectives/{slug}/initiatives/{initiative_id}",
    response={200: InitiativeAnswer, 304: None, 404: ErrorOut},
    summary="One initiative of a collective",
)
def initiative_detail(
    request: HttpRequest, slug: str, initiative_id: int = Path(..., ge=1, le=MAX_ID)
) -> HttpResponse:
    """An initiative of a members-only collective answers 404."""
    _collective, _rights, initiative = lookups.get_initiative(
        as_visitor(request), known_slug(slug), initiative_id
    )
    public = initiative.project is not None and can_view_project(VISITOR, initiative.project)
    return api_response(
        request,
        {"meta": platform_meta(request), "initiative": _out(request, initiative, public)},
        last_modified=initiative.updated_at,
    )
