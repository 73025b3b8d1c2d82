"""The one rule for answering a visitor who may not see or do something (written out in
docs/permissions.md, "Who gets which answer"), applied by each app's `lookups.py`:

1. A page for a role (manage, moderate, settings, a team, staff exports, writing in a
   collective): an anonymous visitor signs in first, before anything is looked up
   (`sign_in_first`), so the answer is the same whether the address names something or
   not.
2. What the person may not see (a draft outside its team, an unpublished item, a held
   message, a members-only archive for a signed-in outsider) is a 404, as if it did not
   exist; the 404 page offers anonymous visitors to sign in and come back.
3. What they see but may not do: an anonymous visitor signs in, a signed-in person gets
   403 (`require`). Where signing in could not help (a closed campaign), 403 for all.
4. A signed link from an email is its own right; one that cannot be used is a 400 page
   saying why (`LinkProblem`).

`SignInRequired` and `LinkProblem` are answered by `core.middleware.SignInRequiredMiddleware`,
so no view returns "an object or a response".
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


def sign_in_first(request: HttpRequest) -> None:
    """Pages for a role (manage, moderate, settings…): an anonymous visitor signs in
    before anything is looked up, so the answer is the same whether the address names
    something, something hidden, or nothing."""
    if not request.user.is_authenticated:
        raise SignInRequired


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
