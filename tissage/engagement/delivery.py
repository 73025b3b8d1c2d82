"""Emails of notifications: at once, and the daily and weekly digests."""

from __future__ import annotations

from .models import Event


def emails_at_once(event: Event) -> None:
    """Email `event` to those of its recipients who want this kind at once, each once."""
    # To be written: one email per notification with delivery "immediate" and no
    # emailed_at, RFC 8058 headers, then emailed_at set.
