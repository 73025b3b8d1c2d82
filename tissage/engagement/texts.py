"""The words of a notification, in the language of whoever reads it."""

from __future__ import annotations

import datetime
from typing import Any

from django.template import Context
from django.template.loader import get_template

from .models import Event

# Params that hold a moment as ISO text (JSON has no dates): the templates receive them
# as datetimes, shown with Django's date filters in the reader's language and time zone.
MOMENTS = ("starts_at",)


def _context(params: dict[str, Any]) -> dict[str, Any]:
    context = dict(params)
    for name in MOMENTS:
        value = context.get(name)
        if isinstance(value, str):
            try:
                context[name] = datetime.datetime.fromisoformat(value)
            except ValueError:
                context[name] = None  # the template then says it without a date
    return context


def event_text(event: Event) -> str:
    """One sentence saying what happened, rendered from the kind's template
    `engagement/kinds/<kind>.txt` with the event's `params` in the active language.

    Plain text, never escaped here ("Jardins & Cie" stays that): a page or an HTML email
    escapes it where it prints it, a text email prints it as it is."""
    template = get_template(f"engagement/kinds/{event.kind}.txt")
    text = template.template.render(Context(_context(event.params), autoescape=False))  # type: ignore[attr-defined]
    return " ".join(text.split())
