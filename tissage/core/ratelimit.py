"""Form rate limits: how many times one connection may send a guest's form in an hour.

Guests' forms that make the platform send an email or keep something for someone who is
not signed in (registering for an action, contributing to an inventory, proposing or
supporting in a consultation, answering a questionnaire) take `@guest_form_limit("name")`.
Counts (refused sendings too) live in the shared cache (`caches["shared"]`: Redis, else
the database), so that they hold across processes and nodes; the key is the form's name,
the hour, and a keyed hash of the client's address (`core.clients`), never the address.

The limit, `TISSAGE_FORM_RATE_LIMIT` per hour and form (0: none), is generous: a town
hall's kiosk or a school behind one address must not be stopped. Over it, the form is not
handled at all (nothing saved, nothing sent) and a page says so with status 429. Signed-in
people are not counted: they answer for what they send.

Where the counts live: with Redis (`REDIS_URL`), in the shared cache (`add` then `incr`,
atomic); without it, in a table (`FormCount`), one atomic upsert per sending and one read
of the hour before: two queries, where the database cache's `add`, `incr` and `get`
took twelve on the busiest forms of a registration rush.

`rate_hit` counts any other use the same way under a key of its caller's (the API's
writes, per token: tissage/api/tokens/auth.py), and says when to come back.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tissage.core.clients import address_fingerprint, client_address
from tissage.core.models import FormCount

WINDOW_SECONDS = 60 * 60

View = Callable[..., HttpResponse]


def form_hit(*, form: str, address: str, limit: int, now: float | None = None) -> bool:
    """Count one sending of `form` from `address`: True if it is within `limit` over the
    last hour."""
    who = address_fingerprint(address, purpose="form")
    return rate_hit(key=f"{form}:{who}", limit=limit, now=now).allowed


@dataclass(frozen=True)
class RateHit:
    allowed: bool
    # Seconds until one more would be allowed, were nothing more sent meanwhile (0 when
    # allowed): what a 429's `Retry-After` says.
    retry_after: int


def rate_hit(*, key: str, limit: int, now: float | None = None) -> RateHit:
    """Count one use of `key` (a form and a connection, an API token…), refused ones too:
    allowed if within `limit` over the last hour. `key` names no person: a keyed hash or
    a row's id.

    A sliding hour, from two fixed ones: this hour's count plus the last hour's, weighted
    by how much of it the sliding hour still covers. A fixed hour alone would let twice
    the limit through around its turn, and a test that sent its forms across it would see
    the count start again."""
    if limit <= 0:
        return RateHit(allowed=True, retry_after=0)
    window, offset = divmod(time.time() if now is None else now, WINDOW_SECONDS)
    counted = _counted_in_cache if settings.REDIS_URL else _counted_in_table
    count, previous = counted(key, int(window))
    if previous * (1 - offset / WINDOW_SECONDS) + count <= limit:
        return RateHit(allowed=True, retry_after=0)
    return RateHit(allowed=False, retry_after=_retry_after(count, previous, offset, limit))


def _retry_after(count: int, previous: int, offset: float, limit: int) -> int:
    """Seconds until the sliding count leaves room for one more."""
    room = limit - 1
    if count <= room and previous:
        # Within this hour, as the last hour's weight fades.
        wait = WINDOW_SECONDS * (1 - (room - count) / previous) - offset
    else:
        # Next hour, as this hour's weight fades in its turn.
        wait = WINDOW_SECONDS - offset + WINDOW_SECONDS * (1 - room / count)
    return max(1, math.ceil(wait - 1e-6))  # not a second late for a float's rounding


def _counted_in_cache(key: str, hour: int) -> tuple[int, int]:
    """This hour's count after this sending, and the last hour's, in Redis."""
    cache = caches["shared"]
    current = f"ratelimit:{key}:{hour}"
    # Kept while the next hour still weighs it.
    cache.add(current, 0, 2 * WINDOW_SECONDS + 60)
    try:
        count = cache.incr(current)
    except ValueError:  # expired between add and incr: this is the first of a new count
        cache.add(current, 1, 2 * WINDOW_SECONDS + 60)
        count = 1
    return count, int(cache.get(f"ratelimit:{key}:{hour - 1}", 0))


def _counted_in_table(key: str, hour: int) -> tuple[int, int]:
    """This hour's count after this sending, and the last hour's, in `FormCount`: one
    upsert (atomic on SQLite and PostgreSQL: two processes never count one sending
    together), one read."""
    table, k, h, n = (
        connection.ops.quote_name(name)
        for name in (FormCount._meta.db_table, "key", "hour", "count")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({k}, {h}, {n}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({k}, {h}) DO UPDATE SET {n} = {table}.{n} + 1 RETURNING {n}",
            [key, hour],
        )
        row = cursor.fetchone()
    previous = (
        FormCount.objects.filter(key=key, hour=hour - 1).values_list("count", flat=True).first()
    )
    return int(row[0]) if row else 1, previous or 0


def form_counts_purge() -> int:
    """Forget the counts of hours that no longer weigh on the limit (`tissage purge`)."""
    hour = int(time.time() // WINDOW_SECONDS)
    removed, _per_model = FormCount.objects.filter(hour__lt=hour - 1).delete()
    return removed


def too_many(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "errors/page.html",
        {
            "heading": _("Too many forms sent"),
            "explanation": _(
                "This form was sent many times from your connection in the last hour, so this "
                "one was not saved. Wait a while, then go back to the form and send it again."
            ),
            "back_url": request.get_full_path(),
        },
        status=429,
    )
    response.headers["Retry-After"] = str(WINDOW_SECONDS)
    return response


def guest_form_limit(form: str) -> Callable[[View], View]:
    """View decorator: a guest's POST to this form counts against the hourly limit."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (
                request.method == "POST"
                and not request.user.is_authenticated
                and not form_hit(
                    form=form, address=client_address(request), limit=settings.FORM_RATE_LIMIT
                )
            ):
                return too_many(request)
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorate
