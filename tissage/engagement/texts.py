"""The words of a notification, in the language of whoever reads it."""

from __future__ import annotations

from django.template import Context
from django.template.loader import get_template

from .models import Event


def event_text(event: Event) -> str:
    """One sentence saying what happened, rendered from the kind's template
    `engagement/kinds/<kind>.txt` with the event's `params` in the active language.

    Plain text, never escaped here ("Jardins & Cie" stays that): a page or an HTML email
    escapes it where it prints it, a text email prints it as it is."""
    template = get_template(f"engagement/kinds/{event.kind}.txt")
    text = template.template.render(Context(dict(event.params), autoescape=False))  # type: ignore[attr-defined]
    return " ".join(text.split())
