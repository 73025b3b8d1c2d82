"""The base layout's header and footer, kept for anonymous visitors (issue #20).

Every page draws the same header (the menu, the search box, the language switch) and the
same footer: about 0.45 ms of a page's rendering, a twentieth of a list page's. For an
anonymous visitor the header differs from one page to the next only in the current menu
entry, the CSRF token and the path the language switch comes back to: it is rendered
once per menu entry (and language, and release) with holes for the token and the path,
kept like a card (`core.cards.rendered_cards`), and filled for each request. The
footer is the same everywhere. A signed-in person's header (their notifications, their
workspace link) is rendered each time.

Inside a page kept whole (`core.kept_pages`), the token filled in is the page's own
hole, which the page fills for each request in its turn.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template import Context
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .cards import rendered_cards
from .kept_pages import hole

HEADER = "core/site_header.html"
FOOTER = "core/site_footer.html"


def _current(request: Any) -> tuple[str, str]:
    """The view the page answers (the menu marks its entry) and the path with its query
    (the language switch comes back to it)."""
    if request is None:
        return "", ""
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else ""), request.get_full_path()


def site_header(context: Context) -> SafeString:
    request = context.get("request")
    current, here = _current(request)
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        template = context.template.engine.get_template(HEADER)  # type: ignore[union-attr]
        with context.push(current=current, here=here):
            return template.render(context)
    csrf, path = hole("header-csrf"), hole("header-path")
    # Kept like a card, one per menu entry; the holes are the same for every request.
    [html] = rendered_cards(
        HEADER,
        [current],
        lambda entry: (settings.PLATFORM_NAME, entry),
        lambda entry: {
            "platform_name": settings.PLATFORM_NAME,
            "current": entry,
            "here": path,
            "csrf_token": csrf,
        },
    )
    token = escape(str(context.get("csrf_token", "")))
    # Rendered by the template engine, which escapes; the fills are escaped.
    return mark_safe(html.replace(csrf, token).replace(path, escape(here)))  # noqa: S308


def site_footer() -> SafeString:
    [html] = rendered_cards(
        FOOTER,
        [settings.PLATFORM_NAME],
        lambda name: name,
        lambda name: {"platform_name": name},
    )
    return html
