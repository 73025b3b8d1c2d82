"""Whole pages kept for anonymous visitors, with holes filled for each request (issue #20).

When a newsletter sends hundreds of people to one action page within minutes, each of them
anonymous, each page differs from the next only in its CSRF token and in the places left,
which change with every registration. `kept_page` renders such a page once per state with
*holes* where those values go, keeps it in the `default` cache, and fills the holes for
each request: the page costs the reads that decide its state, a cache read and a few
string replacements, not a template rendering.

- The key is a digest of the template, the path, the language and `state`, which the view
  gives: everything the page shows apart from its holes (the rows it shows, each whole, see
  `row_state`; the visitor's rights; the settings it prints). An edit makes another key, so
  a kept page is never stale; the old one is forgotten after `PAGE_CACHE_SECONDS`.
- Only pages that are the same for every anonymous visitor are kept (`may_keep`): a GET
  without query string (a query string would make a key per address typed), no one signed
  in, no message waiting to be shown (messages are a visitor's own).
- The CSRF token is a hole (`{% csrf_token %}` and `{{ csrf_token }}` render it), filled
  with the visitor's own token, which also sets their CSRF cookie as a rendering would.
- A hole's name carries a salt derived from `SECRET_KEY`, so text typed into the platform
  (an action's title) cannot make a hole of its own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable, Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from .cards import card_key

# A kept page is forgotten this long after its last rendering (a new state is a new key).
PAGE_CACHE_SECONDS = 600

_HOLE_RE = re.compile("\ue000[^\ue000\ue001]{1,80}\ue001")


def _salt() -> str:
    return hashlib.blake2b(f"kept-pages:{settings.SECRET_KEY}".encode(), digest_size=6).hexdigest()


def hole(name: str) -> str:
    """The mark `kept_page` replaces by the value of `name` (characters of Unicode's private
    use area, which HTML escaping leaves as they are)."""
    return f"\ue000{name}:{_salt()}\ue001"


def may_keep(request: HttpRequest) -> bool:
    """Whether this request's page is the same for every anonymous visitor."""
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and not request.user.is_authenticated
        # len() reads the messages without marking them shown.
        and not len(messages.get_messages(request))
    )


def row_state(row: Model | None) -> tuple[Any, ...]:
    """Every value a row holds (its deferred fields left out), for a page's state: any
    change to the row makes another key, whatever field the page shows."""
    if row is None:
        return ()
    loaded = row.__dict__
    return (
        type(row).__qualname__,
        *(loaded.get(field.attname) for field in row._meta.concrete_fields),
    )


def kept_page(
    request: HttpRequest,
    template_name: str,
    context: Mapping[str, Any],
    *,
    state: Hashable,
    holes: Mapping[str, str],
) -> HttpResponse:
    """The page `template_name` renders from `context`, kept per `state`, its holes
    filled: `holes` maps each mark (`hole(name)`, which the context carries where the
    value goes) to its HTML for this request, escaped by the caller."""
    # The base template prints the platform's name.
    shown = (request.path, settings.PLATFORM_NAME, state)
    key = card_key(template_name, shown, prefix="page")
    csrf = hole("csrf")
    html = cache.get(key)
    if html is None:
        html = render_to_string(template_name, {**context, "csrf_token": csrf}, request)
        cache.set(key, html, PAGE_CACHE_SECONDS)
    fills = {csrf: get_token(request), **holes}
    # A mark the fills do not know (none is expected) is left as it is, never an error.
    return HttpResponse(_HOLE_RE.sub(lambda mark: fills.get(mark[0], mark[0]), html))
