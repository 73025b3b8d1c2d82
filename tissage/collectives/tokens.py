"""Signed values in list emails: one-click unsubscribe links, reply addresses and
bounce addresses (the envelope sender of a member's copies).

Nothing is stored: the signature (Django's SECRET_KEY) proves the link or address was
made by the platform.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

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


BOUNCE_SALT = "tissage.collectives.bounce"
BOUNCE_TAG = "bounce-"
# RFC 5321, 4.5.3.1.1: the part of an address before the @ has at most 64 characters.
LOCAL_PART_MAX = 64


def _bounce_signature(membership_id: int | str, email: str) -> str:
    """10 characters of base32 (50 bits), in lower case: mail servers may change the case
    of an address's local part. The member's address is signed too, so a late failure
    of an address the member has since replaced counts for nothing."""
    digest = salted_hmac(
        BOUNCE_SALT, f"{membership_id}.{email.lower()}", algorithm="sha256"
    ).digest()
    return base64.b32encode(digest).decode()[:10].lower()


def bounce_address(collective: Collective, membership: CollectiveMembership) -> str:
    """<slug>+bounce-<membership>.<signature>@<domain>: the envelope sender (MAIL FROM)
    of a member's list mail, where mail servers send its delivery failures (VERP). The
    slug is cut when it is long, so that the local part stays within 64 characters:
    the membership and its signature are what count."""
    signature = _bounce_signature(membership.pk, membership.user.email)
    tag = f"{BOUNCE_TAG}{membership.pk}.{signature}"
    slug = collective.slug[: LOCAL_PART_MAX - len(tag) - 1].rstrip("-_") or "list"
    return f"{slug}+{tag}@{settings.LIST_DOMAIN}"


def is_bounce_address(local_part: str) -> bool:
    """Whether an address of the list domain is a bounce address (well signed or not):
    mail sent there is never posted."""
    return local_part.partition("+")[2].lower().startswith(BOUNCE_TAG)


def bounce_address_read(local_part: str) -> CollectiveMembership | None:
    """The membership a well-signed bounce address names, with its user and collective;
    None for any other address, a bad signature, or a membership that no longer exists
    or whose account changed address since."""
    if not is_bounce_address(local_part):
        return None
    extension = local_part.partition("+")[2][len(BOUNCE_TAG) :]
    membership_text, _dot, signature = extension.partition(".")
    if not (membership_text.isascii() and membership_text.isdigit()) or len(membership_text) > 18:
        return None
    membership = (
        CollectiveMembership.objects.select_related("user", "collective")
        .filter(pk=int(membership_text))
        .first()
    )
    if membership is None:
        return None
    expected = _bounce_signature(membership.pk, membership.user.email)
    if not constant_time_compare(signature.lower(), expected):
        return None
    return membership
