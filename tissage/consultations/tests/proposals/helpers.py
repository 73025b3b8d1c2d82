"""What the proposals' tests share."""

from __future__ import annotations

import re

from django.core.mail import EmailMessage


def link_path(message: EmailMessage, kind: str) -> str:
    """The path of the confirmation link of `kind` (proposition, soutien) in an email."""
    match = re.search(rf"https?://[^/\s]+(/\S*/confirmer/{kind}/\S+/)", str(message.body))
    assert match, message.body
    return match.group(1)
