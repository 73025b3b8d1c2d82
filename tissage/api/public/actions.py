"""Actions and work-days: the published ones (and the cancelled ones, so that whoever
holds them learns of it) of the projects an anonymous visitor sees, with their places left."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from tissage.actions import lookups
from tissage.actions.agenda.queries import announced_for
from tissage.actions.models import Action, ActionQuerySet
from tissage.actions.registration.queries import places_left_of
from tissage.api.errors import ErrorOut
from tissage.api.meta import MetaOut, platform_meta
from tissage.api.pagination import ID, Keyset
from tissage.api.pagination import moment as moment_key
from tissage.api.responses import api_response, moment, newest, newest_of, row_addresses

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
from .forms import ActionQuery, box_of, query_parameters

router = Router(tags=["Actions"])
# The agenda's order: by start, then by id.
KEYSET = Keyset((moment_key("starts_at"), ID))


class PlaceOut(Schema):
    address: str
    meeting_point: str
    commune: CommuneOut | None
    longitude: float | None = Field(description="WGS84, of the meeting point.")
    latitude: float | None


class RegistrationOut(Schema):
    open: bool = Field(description="Whether people may register now.")
    opens_at: datetime | None
    closes_at: datetime | None
    capacity: int | None = Field(description="Places for the whole action, if limited.")
    places_left: int = Field(description="Places left, all roles together.")
    waiting_list: bool = Field(description="Whether a waiting list opens when it is full.")


class ActionOut(Schema):
    id: int
    slug: str
    title: str
    kind: str = Field(description="workday, meeting, workshop, outing, other.")
    status: str = Field(description="published or cancelled.")
    description: str = Field(description="Markdown.")
    project: ProjectRef
    starts_at: datetime
    ends_at: datetime
    place: PlaceOut
    registration: RegistrationOut
    url: str = Field(description="Its page, where people register.")
    calendar_url: str = Field(description="Its iCalendar file.")
    updated_at: datetime


class ActionList(ListOut):
    results: list[ActionOut]


class ActionAnswer(Schema):
    meta: MetaOut
    action: ActionOut


@dataclass(frozen=True)
class Addresses:
    """An action's page and calendar file, for every row of a list (reversed once)."""

    page: Callable[[Any], str]
    calendar: Callable[[Any], str]

    @classmethod
    def of(cls, request: HttpRequest) -> Addresses:
        return cls(
            row_addresses(request, "actions:detail", row="slug"),
            row_addresses(request, "actions:ics", row="slug"),
        )


def _out(action: Action, places_left: int, now: datetime, addresses: Addresses) -> dict[str, Any]:
    return {
        "id": action.pk,
        "slug": action.slug,
        "title": action.title,
        "kind": action.kind,
        "status": action.status,
        "description": action.description,
        "project": {"slug": action.project.slug, "title": action.project.title},
        "starts_at": moment(action.starts_at),
        "ends_at": moment(action.ends_at),
        "place": {
            "address": action.address,
            "meeting_point": action.meeting_point,
            "commune": commune_out(action.commune),
            "longitude": action.longitude,
            "latitude": action.latitude,
        },
        "registration": {
            "open": action.registration_is_open(now),
            "opens_at": moment(action.registration_opens_at),
            "closes_at": moment(action.registration_closes_at),
            "capacity": action.capacity,
            "places_left": places_left,
            "waiting_list": action.waiting_list,
        },
        "url": addresses.page(action.slug),
        "calendar_url": addresses.calendar(action.slug),
        "updated_at": moment(action.updated_at),
    }


# What a row shows of an action, its project and its commune: the list reads these
# columns only (not the project's description, the commune's contour…).
ACTION_COLUMNS = (
    "slug",
    "title",
    "kind",
    "status",
    "description",
    "starts_at",
    "ends_at",
    "address",
    "meeting_point",
    "longitude",
    "latitude",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "waiting_list",
    "updated_at",
    "project__slug",
    "project__title",
    "project__updated_at",
    "commune__insee_code",
    "commune__name",
)


def _changed(action: Action) -> datetime | None:
    return newest(action.updated_at, action.project.updated_at)


def _filtered(rows: ActionQuerySet, data: dict[str, Any]) -> ActionQuerySet:
    if data.get("project"):
        rows = rows.filter(project__slug=data["project"])
    if data.get("commune"):
        rows = rows.filter(commune__insee_code=data["commune"])
    if data.get("start_after"):
        rows = rows.filter(starts_at__gte=data["start_after"])
    if data.get("start_before"):
        rows = rows.filter(starts_at__lt=data["start_before"])
    if box := box_of(data):
        rows = rows.filter(
            longitude__gte=box.min_lon,
            longitude__lte=box.max_lon,
            latitude__gte=box.min_lat,
            latitude__lte=box.max_lat,
        )
    if data.get("updated_since"):
        rows = rows.filter(updated_at__gte=data["updated_since"])
    return rows


@router.get(
    "/actions",
    response={200: ActionList, 304: None, 400: ErrorOut},
    summary="List the actions",
    openapi_extra=query_parameters(ActionQuery),
)
def actions_list(request: HttpRequest) -> HttpResponse:
    """Published and cancelled actions of the published and archived projects, past ones
    included, by start."""
    data = ActionQuery(request.GET).read()
    rows = (
        _filtered(announced_for(VISITOR, in_start_order=True), data)
        .select_related("project", "commune")
        .only(*ACTION_COLUMNS)
    )
    page = page_of(rows, KEYSET, data)
    left = places_left_of(page.rows)
    now = timezone.now()
    addresses = Addresses.of(request)
    return list_response(
        request,
        meta=platform_meta(request),
        results=[_out(row, left.get(row.pk, 0), now, addresses) for row in page.rows],
        page=page,
        last_modified=newest_of(_changed(row) for row in page.rows),
    )


@router.get(
    "/actions/{slug}",
    response={200: ActionAnswer, 304: None, 404: ErrorOut},
    summary="One action",
)
def action_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A draft action, or an action of a draft project, answers 404 as its page does."""
    action, _rights = lookups.get_action(as_visitor(request), known_slug(slug))
    left = places_left_of([action])
    return api_response(
        request,
        {
            "meta": platform_meta(request),
            "action": _out(action, left.get(action.pk, 0), timezone.now(), Addresses.of(request)),
        },
        last_modified=_changed(action),
    )
