"""The one rule for answering a visitor who may not do something.

- The object itself is hidden from them (a draft, a private page): 404, signed in or
  not, so that its existence does not leak. Each app's `lookups.py` raises it.
- They may see the object but the page needs a right they do not have: an anonymous
  visitor is sent to sign in (and comes back here after), a signed-in person gets 403.

Views and lookups call `require(request, allowed)`; `SignInRequired` is turned into the
sign-in redirect by `core.middleware.SignInRequiredMiddleware`, so no view returns
"an object or a response". Written down in docs/permissions.md.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


class SignInRequired(Exception):
    """The visitor must sign in first; the middleware answers with the sign-in page."""


def require(request: HttpRequest, allowed: bool) -> None:
    """Go on when `allowed`; otherwise sign in first (anonymous) or 403 (signed in)."""
    if allowed:
        return
    if not request.user.is_authenticated:
        raise SignInRequired
    raise PermissionDenied
