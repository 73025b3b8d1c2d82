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

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class SignInRequired(Exception):
    """The visitor must sign in first; the middleware answers with the sign-in page."""


class LinkProblem(Exception):
    """A signed link from an email cannot be used (cut, forged, expired, its row gone).

    Raised by the apps' lookups with a message for the person saying why; the middleware
    answers with the page of link problems (400), not a bare 404: the person followed a
    link we sent."""


def require(request: HttpRequest, allowed: bool) -> None:
    """Go on when `allowed`; otherwise sign in first (anonymous) or 403 (signed in)."""
    if allowed:
        return
    if not request.user.is_authenticated:
        raise SignInRequired
    raise PermissionDenied


View = TypeVar("View", bound=Callable[..., HttpResponse])


def signs_in_back_to(url_name: str, *url_kwargs: str) -> Callable[[View], View]:
    """For views whose address makes no sense to open again after signing in (forms that
    answer POST only, or a preview): an anonymous visitor signs in, then comes back to the
    page named `url_name` — the page that holds the form — reversed with the view's own
    `url_kwargs` (`@signs_in_back_to("inventories:moderate", "slug", "pk")`)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except SignInRequired:
                page = reverse(url_name, kwargs={name: kwargs[name] for name in url_kwargs})
                return redirect_to_login(page)

        return cast(View, wrapped)

    return decorator
