"""The list's incoming mail (helper "mailin" fills this in).

`receive(raw)` keeps every email as an InboundMail, then posts it, holds it for a
coordinator or ignores it (auto-replies, bounces, loops).
"""

from __future__ import annotations

from tissage.accounts.models import User

from .models import InboundMail, Message


def receive(raw: bytes) -> InboundMail:
    raise NotImplementedError


def held_mail_approve(*, mail: InboundMail, moderator: User) -> Message:
    """Post a held email (from a non-member, say) on the list, under the sender's name."""
    raise NotImplementedError


def held_mail_discard(*, mail: InboundMail, moderator: User) -> None:
    raise NotImplementedError
