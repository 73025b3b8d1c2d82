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

Counting is `add` then `incr`: atomic on Redis; on the database cache two processes may
rarely count one hit together, which only makes the generous limit a little more so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tissage.core.clients import address_fingerprint, client_address

WINDOW_SECONDS = 60 * 60

View = Callable[..., HttpResponse]


def form_hit(*, form: str, address: str, limit: int, now: float | None = None) -> bool:
    """Count one sending of `form` from `address`: True if it is within `limit` over the
    last hour.

    A sliding hour, from two fixed ones: this hour's count plus the last hour's, weighted
    by how much of it the sliding hour still covers. A fixed hour alone would let twice
    the limit through around its turn, and a test that sent its forms across it would see
    the count start again."""
    if limit <= 0:
        return True
    window, offset = divmod(time.time() if now is None else now, WINDOW_SECONDS)
    who = address_fingerprint(address, purpose="form")
    key = f"ratelimit:{form}:{who}:{int(window)}"
    cache = caches["shared"]
    # Kept while the next hour still weighs it.
    cache.add(key, 0, 2 * WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first of a new count
        cache.add(key, 1, 2 * WINDOW_SECONDS + 60)
        count = 1
    previous = cache.get(f"ratelimit:{form}:{who}:{int(window) - 1}", 0)
    return previous * (1 - offset / WINDOW_SECONDS) + count <= limit


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
