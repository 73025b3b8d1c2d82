"""Who is asking: the signed-in person, typed, for views that need one."""

from __future__ import annotations

from django.http import HttpRequest

from tissage.core.access import SignInRequired

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose `user` is a signed-in `User` (for views behind `signed_in_user`)."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in person; an anonymous visitor is sent to sign in first."""
    if isinstance(request.user, User) and request.user.is_authenticated:
        return request.user
    raise SignInRequired
