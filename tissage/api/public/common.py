"""What the public endpoints share: the visitor they answer (always anonymous), the
small objects rows point to, and the list's answer (its meta, its rows, its next page)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from pydantic import Field

from tissage.api.meta import MetaOut
from tissage.api.pagination import CursorInvalid, Keyset, Page, page_read
from tissage.api.responses import api_response, page_url
from tissage.territories.models import Commune

from .forms import cursor_problem

# Every public endpoint answers what an anonymous visitor sees, whoever asks: a session
# cookie sent along (the docs page, a staff member's browser) changes nothing, and every
# answer may be cached and shared.
VISITOR = AnonymousUser()
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def as_visitor(request: HttpRequest) -> HttpRequest:
    """The request as the apps' lookups should see it: from an anonymous visitor."""
    request.user = VISITOR
    return request


def known_slug(slug: str) -> str:
    """A slug from the path, or 404: what could never be a slug is looked up nowhere
    (PostgreSQL refuses a NUL in a query outright)."""
    if not SLUG.fullmatch(slug):
        raise Http404
    return slug


class CommuneOut(Schema):
    insee: str = Field(description="INSEE code.")
    name: str


class ProjectRef(Schema):
    slug: str
    title: str


class OrganisationRef(Schema):
    slug: str
    name: str


class ListOut(Schema):
    meta: MetaOut
    next: str | None = Field(description="Address of the next page; null on the last one.")


def commune_out(commune: Commune | None) -> dict[str, str] | None:
    if commune is None:
        return None
    return {"insee": commune.insee_code, "name": commune.name}


def communes_prefetch(relation: str = "communes") -> Prefetch:
    """A row's communes, their names and codes only (never their contours)."""
    return Prefetch(relation, queryset=Commune.objects.only("insee_code", "name"))


def communes_out(row: Any) -> list[dict[str, str]]:
    return [{"insee": commune.insee_code, "name": commune.name} for commune in row.communes.all()]


def page_of[Row](queryset: QuerySet[Any, Row], keyset: Keyset, data: dict[str, Any]) -> Page[Row]:
    try:
        return page_read(queryset, keyset, data.get("cursor") or None, data["limit"])
    except CursorInvalid:
        raise cursor_problem() from None


def list_response(
    request: HttpRequest,
    *,
    meta: dict[str, Any],
    results: list[dict[str, Any]],
    page: Page[Any],
    last_modified: datetime.datetime | None,
) -> HttpResponse:
    next_url = page_url(request, cursor=page.next_cursor) if page.next_cursor else None
    body = {"meta": meta, "results": results, "next": next_url}
    return api_response(request, body, last_modified=last_modified, next_url=next_url)
