"""Signed links in emails for people without an account: confirm an email address,
answer a moderator's question. Nothing is stored; the signature is the proof."""

from __future__ import annotations

from django.core import signing

from .models import Contribution

GUEST_CONFIRM_SALT = "tissage.inventories.guest-confirm"
GUEST_ANSWER_SALT = "tissage.inventories.guest-answer"
CONFIRM_MAX_AGE = 7 * 24 * 3600
ANSWER_MAX_AGE = 30 * 24 * 3600


def make(item: Contribution, salt: str) -> str:
    return signing.dumps({"i": item.pk, "e": item.contributor_email}, salt=salt, compress=True)


def read(token: str, salt: str, max_age: int) -> tuple[int, str]:
    """(item id, email) of a valid token; raises signing.BadSignature otherwise
    (SignatureExpired is a subclass)."""
    data = signing.loads(token, salt=salt, max_age=max_age)
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise signing.BadSignature("malformed")
    return data["i"], str(data.get("e", ""))
