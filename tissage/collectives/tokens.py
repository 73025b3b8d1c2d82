"""Signed values in list emails: one-click unsubscribe links and reply addresses.

Nothing is stored: the signature (Django's SECRET_KEY) proves the link or address was
made by the platform.
"""

from __future__ import annotations

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


def reply_address(collective: Collective, thread_id: int) -> str:
    """<slug>+<thread>.<signature>@<domain>: mail sent there is a reply in that thread,
    even from a client that drops In-Reply-To and References. Needs the mail server's
    recipient delimiter to be "+" (Postfix: recipient_delimiter = +)."""
    signer = signing.Signer(salt=REPLY_SALT)
    signature = signer.signature(f"{collective.slug}.{thread_id}")[:12]
    return f"{collective.slug}+{thread_id}.{signature}@{settings.LIST_DOMAIN}"


def reply_address_read(local_part: str) -> tuple[str, int | None]:
    """(collective slug, thread id or None) from an address's local part. A bad signature
    gives no thread: the mail is then routed by its headers, like any other."""
    slug, _plus, extension = local_part.partition("+")
    thread_text, _dot, signature = extension.partition(".")
    if not thread_text.isdigit():
        return slug, None
    signer = signing.Signer(salt=REPLY_SALT)
    expected = signer.signature(f"{slug}.{thread_text}")[:12]
    if not signature or not constant_time_compare(signature, expected):
        return slug, None
    return slug, int(thread_text)
