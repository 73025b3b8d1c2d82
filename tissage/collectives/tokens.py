"""Signed values in list emails: one-click unsubscribe links and reply addresses.

Nothing is stored: the signature (Django's SECRET_KEY) proves the link or address was
made by the platform.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare

from tissage.core.tokens import SignedReference

from .models import Collective, CollectiveMembership

REPLY_SALT = "tissage.collectives.reply"

# One-click unsubscribe links (`core.tokens`): the membership and its account.
UNSUBSCRIBE = SignedReference("tissage.collectives.unsubscribe", row_key="m", check_key="u")


def unsubscribe_make(membership: CollectiveMembership) -> str:
    return UNSUBSCRIBE.make(membership.pk, membership.user_id)


def unsubscribe_read(token: str) -> tuple[int, int]:
    """(membership id, user id) of a well-signed token; raises signing.BadSignature."""
    membership_id, user_id = UNSUBSCRIBE.read(token)
    if not user_id.isdigit():
        raise signing.BadSignature("malformed")
    return membership_id, int(user_id)


@dataclass(frozen=True)
class ReplyAddress:
    """What a list address names: the collective's slug and, for a well-signed reply
    address, the thread and the member it was made for."""

    slug: str
    thread_id: int | None = None
    user_id: int | None = None


def _reply_signature(slug: str, thread_id: int | str, user_id: int | str) -> str:
    signer = signing.Signer(salt=REPLY_SALT)
    return signer.signature(f"{slug}.{thread_id}.{user_id}")[:12]


def reply_address(collective: Collective, thread_id: int, user_id: int) -> str:
    """<slug>+<thread>.<member>.<signature>@<domain>: the Reply-To of one member's copies
    of a thread. Mail sent there is a reply in that thread, even from a client that drops
    In-Reply-To and References, and is posted only if it comes from that member (issue
    #11, point 2). Needs the mail server's recipient delimiter to be "+" (Postfix:
    recipient_delimiter = +)."""
    signature = _reply_signature(collective.slug, thread_id, user_id)
    return f"{collective.slug}+{thread_id}.{user_id}.{signature}@{settings.LIST_DOMAIN}"


def reply_address_read(local_part: str) -> ReplyAddress:
    """What an address's local part names. A bad signature (or an address of the older
    form <slug>+<thread>.<signature>, which named no member) gives no thread and no
    member: the mail is then routed by its headers, like any other."""
    slug, _plus, extension = local_part.partition("+")
    parts = extension.split(".")
    if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts[:2]):
        return ReplyAddress(slug)
    thread_text, user_text, signature = parts
    expected = _reply_signature(slug, thread_text, user_text)
    if not signature or not constant_time_compare(signature, expected):
        return ReplyAddress(slug)
    return ReplyAddress(slug, int(thread_text), int(user_text))
