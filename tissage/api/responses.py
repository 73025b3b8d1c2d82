"""The API's answers: JSON with an ETag and a Last-Modified, `304 Not Modified` to a
client that already holds them, and the `next` page in a `Link` header.

The ETag is a hash of the body itself, built from the rows as plain dicts and dumped
once (no model validation on the way out): exact by construction, whatever the body
holds (places left, a category renamed, a name withdrawn), and cheap — a client that polls
gets `304` without a byte of body. Last-Modified is the newest change among what the body
shows; `If-None-Match` is the validator to poll a list with, since a row that leaves a
list changes the ETag but not always the newest date (RFC 9110 §13.2.2: a request with
both asks the ETag only).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from tissage.core.emails import site_url

JSON = "application/json"
GEOJSON = "application/geo+json"
# Polling clients and proxies may keep an answer a minute; after that they ask again
# with its ETag, answered 304 when nothing changed.
MAX_AGE = 60


def moment(value: datetime.datetime | None) -> str | None:
    """A date and time as the API writes it: ISO 8601, Paris time, to the second.

    In the platform's time zone (`TIME_ZONE`; no request activates another), which
    Django reads once per process: `localtime` would look the current zone up for every
    date, ten per row of a list."""
    if value is None:
        return None
    return value.astimezone(timezone.get_default_timezone()).isoformat(timespec="seconds")


def day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def newest(*moments: datetime.datetime | None) -> datetime.datetime | None:
    known = [value for value in moments if value is not None]
    return max(known) if known else None


def newest_of(moments: Iterable[datetime.datetime | None]) -> datetime.datetime | None:
    return newest(*moments)


def page_url(request: HttpRequest, **changes: str | None) -> str:
    """The absolute address of this list with some query parameters changed."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    encoded = urlencode(sorted(query.lists()), doseq=True)
    return site_url(request) + request.path + (f"?{encoded}" if encoded else "")


def absolute(request: HttpRequest, path: str) -> str:
    return site_url(request) + path


# A value no row's slug or id takes, that every converter of our routes accepts (digits).
_ROW = "4611686018427387903"


def row_addresses(
    request: HttpRequest, name: str, *, row: str, **given: Any
) -> Callable[[Any], str]:
    """The absolute address of route `name` for each row of a list, its argument `row`
    being the row's value: reversed once for the whole list (a `reverse` per row was a
    tenth of a list's time), the row's value put in its place; through `reverse` for
    each row when the other arguments happen to hold the placeholder."""
    path = reverse(name, kwargs={**given, row: _ROW})
    if path.count(_ROW) != 1:
        return lambda value: absolute(request, reverse(name, kwargs={**given, row: value}))
    before, after = (site_url(request) + path).split(_ROW)
    return lambda value: f"{before}{quote(str(value), safe='')}{after}"


def api_response(
    request: HttpRequest,
    body: dict[str, Any],
    *,
    last_modified: datetime.datetime | None,
    next_url: str | None = None,
    content_type: str = JSON,
) -> HttpResponse:
    """The body as JSON, or 304 when the client's `If-None-Match` (or, without it, its
    `If-Modified-Since`) says it holds it already."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = '"' + hashlib.sha256(content).hexdigest()[:40] + '"'
    stamp = int(last_modified.timestamp()) if last_modified is not None else None
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    if next_url:
        response["Link"] = f'<{next_url}>; rel="next"'
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    answer = get_conditional_response(
        request, etag=response["ETag"], last_modified=stamp, response=response
    )
    return answer if answer is not None else response
