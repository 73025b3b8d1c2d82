"""Signed links of the notification emails: one-click unsubscribe (RFC 8058).

The token names the person and the kind they stop receiving by email, or `ALL_KINDS`
for a digest (which gathers every kind). Nothing is stored; the link keeps working as
long as the account exists."""

from __future__ import annotations

from django.core import signing

from tissage.core.tokens import SignedReference

from .kinds import KINDS

UNSUBSCRIBE = SignedReference("tissage.engagement.unsubscribe", row_key="u", check_key="k")
ALL_KINDS = "*"


def unsubscribe_make(*, user_id: int, kind: str) -> str:
    return UNSUBSCRIBE.make(user_id, kind)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(user id, kind or ALL_KINDS) of a well-signed token; raises signing.BadSignature."""
    user_id, kind = UNSUBSCRIBE.read(token)
    if kind != ALL_KINDS and kind not in KINDS:
        raise signing.BadSignature("unknown kind")
    return user_id, kind
