"""Organisations (structures porteuses): every organisation's page is public."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from tissage.api.errors import ErrorOut
from tissage.api.meta import MetaOut, platform_meta
from tissage.api.pagination import ID, Keyset
from tissage.api.responses import absolute, api_response, moment, newest_of
from tissage.organisations import lookups
from tissage.organisations.models import Organisation

from .common import (
    CommuneOut,
    ListOut,
    communes_out,
    communes_prefetch,
    known_slug,
    list_response,
    page_of,
)
from .forms import OrganisationQuery, query_parameters

router = Router(tags=["Organisations"])
KEYSET = Keyset((ID,))


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    kind: str = Field(
        description="petr, intercommunality, commune, park, association, collective, other."
    )
    description: str = Field(description="Markdown.")
    website: str
    communes: list[CommuneOut] = Field(description="The communes it covers.")
    url: str = Field(description="Its page.")
    created_at: datetime
    updated_at: datetime


class OrganisationList(ListOut):
    results: list[OrganisationOut]


class OrganisationAnswer(Schema):
    meta: MetaOut
    organisation: OrganisationOut


def _out(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.pk,
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "description": organisation.description,
        "website": organisation.website,
        "communes": communes_out(organisation),
        "url": absolute(request, organisation.get_absolute_url()),
        "created_at": moment(organisation.created_at),
        "updated_at": moment(organisation.updated_at),
    }


def _rows() -> Any:
    return Organisation.objects.prefetch_related(communes_prefetch()).defer("contact_email")


@router.get(
    "/organisations",
    response={200: OrganisationList, 304: None, 400: ErrorOut},
    summary="List the organisations",
    openapi_extra=query_parameters(OrganisationQuery),
)
def organisations_list(request: HttpRequest) -> HttpResponse:
    """Every organisation, in the order they were created."""
    data = OrganisationQuery(request.GET).read()
    rows = _rows()
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
        last_modified=newest_of(row.updated_at for row in page.rows),
    )


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationAnswer, 304: None, 404: ErrorOut},
    summary="One organisation",
)
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = lookups.get_organisation(known_slug(slug))
    return api_response(
        request,
        {"meta": platform_meta(request), "organisation": _out(request, organisation)},
        last_modified=organisation.updated_at,
    )
