"""Consultations: the published ones of the projects anyone sees
(`consultations.access.consultations_listed_for`), with their state and dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from tissage.api.errors import ErrorOut
from tissage.api.meta import MetaOut, platform_meta
from tissage.api.pagination import ID, Keyset
from tissage.api.responses import absolute, api_response, day, moment, newest, newest_of
from tissage.consultations import lookups
from tissage.consultations.access import consultations_listed_for
from tissage.consultations.models import Consultation

from .common import VISITOR, ListOut, ProjectRef, as_visitor, known_slug, list_response, page_of
from .forms import ConsultationQuery, query_parameters

router = Router(tags=["Consultations"])
KEYSET = Keyset((ID,))


class ConsultationOut(Schema):
    id: int
    slug: str
    title: str
    text: str = Field(description="What is at stake. Markdown.")
    project: ProjectRef
    state: str = Field(description="upcoming, open, answering (answers in progress), finished.")
    opens_on: date
    closes_on: date
    answers_until: date | None = Field(description="The date by which every proposal is answered.")
    finished_at: datetime | None
    closing_statement: str
    proposals: bool = Field(description="Whether it takes proposals (ideas).")
    map: bool = Field(description="Whether it has a participatory map.")
    url: str = Field(description="Its page.")
    updated_at: datetime


class ConsultationList(ListOut):
    results: list[ConsultationOut]


class ConsultationAnswer(Schema):
    meta: MetaOut
    consultation: ConsultationOut


def _out(request: HttpRequest, consultation: Consultation, today: date) -> dict[str, Any]:
    return {
        "id": consultation.pk,
        "slug": consultation.slug,
        "title": consultation.title,
        "text": consultation.text,
        "project": {"slug": consultation.project.slug, "title": consultation.project.title},
        "state": consultation.state(today),
        "opens_on": day(consultation.opens_on),
        "closes_on": day(consultation.closes_on),
        "answers_until": day(consultation.answers_until),
        "finished_at": moment(consultation.finished_at),
        "closing_statement": consultation.closing_statement,
        "proposals": consultation.proposals_enabled,
        "map": consultation.map_enabled,
        "url": absolute(request, consultation.get_absolute_url()),
        "updated_at": moment(consultation.updated_at),
    }


def _changed(consultation: Consultation) -> datetime | None:
    return newest(consultation.updated_at, consultation.project.updated_at)


@router.get(
    "/consultations",
    response={200: ConsultationList, 304: None, 400: ErrorOut},
    summary="List the consultations",
    openapi_extra=query_parameters(ConsultationQuery),
)
def consultations_list(request: HttpRequest) -> HttpResponse:
    """Published consultations of the published and archived projects, in the order they
    were created."""
    data = ConsultationQuery(request.GET).read()
    rows = consultations_listed_for(VISITOR).select_related("project")
    if data.get("project"):
        rows = rows.filter(project__slug=data["project"])
    if data.get("updated_since"):
        rows = rows.filter(updated_at__gte=data["updated_since"])
    page = page_of(rows, KEYSET, data)
    today = timezone.localdate()
    return list_response(
        request,
        meta=platform_meta(request),
        results=[_out(request, row, today) for row in page.rows],
        page=page,
        last_modified=newest_of(_changed(row) for row in page.rows),
    )


@router.get(
    "/consultations/{slug}",
    response={200: ConsultationAnswer, 304: None, 404: ErrorOut},
    summary="One consultation",
)
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A consultation not published answers 404, as its page does to anyone but the
    project's team."""
    consultation, _rights = lookups.get_consultation(as_visitor(request), known_slug(slug))
    return api_response(
        request,
        {
            "meta": platform_meta(request),
            "consultation": _out(request, consultation, timezone.localdate()),
        },
        last_modified=_changed(consultation),
    )
