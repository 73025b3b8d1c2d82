"""Who is calling: the client's address as the app may believe it, and a keyed hash of it."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address the nearest of `settings.PROXY_COUNT` proxies saw. Each proxy appends
    the address it received from to X-Forwarded-For, so with N proxies the client is the
    N-th entry from the end; what stands before it was written by the client and proves
    nothing. Without a proxy, X-Forwarded-For is the client's own words: ignored."""
    proxies = settings.PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")


def address_fingerprint(address: str, *, purpose: str) -> str:
    """A keyed hash of an address for one purpose: enough to count, useless to anyone else."""
    message = f"{purpose}:{address}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]
