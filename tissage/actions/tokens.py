"""Signed cancel links in registration emails: no sign-in needed, nothing stored."""

from __future__ import annotations

from django.core import signing

from .models import Registration

CANCEL_SALT = "tissage.actions.cancel"


def make(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk, "e": registration.email}, salt=CANCEL_SALT)


def read(token: str) -> tuple[int, str]:
    """(registration id, email) of a well-signed token; raises signing.BadSignature."""
    data = signing.loads(token, salt=CANCEL_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise signing.BadSignature("malformed")
    return data["r"], str(data.get("e", ""))
