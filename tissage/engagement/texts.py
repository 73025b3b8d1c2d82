"""The words of a notification, in the language of whoever reads it."""

from __future__ import annotations

from django.template.loader import render_to_string

from .models import Event


def event_text(event: Event) -> str:
    """One sentence saying what happened, rendered from the kind's template
    `engagement/kinds/<kind>.txt` with the event's `params` in the active language."""
    return " ".join(
        render_to_string(f"engagement/kinds/{event.kind}.txt", dict(event.params)).split()
    )
