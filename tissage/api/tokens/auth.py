"""`Authorization: Bearer <token>` on the staff endpoints: who is asking, and whether the
token still works.

Each request finds the token by its hash (tokens/services.py), asks the organisations'
rule again whether its owner is still staff of its organisation (never cached: leaving
the staff stops the token at once), counts a write against the token's hourly limit, and
sets `request.user` to the owner, so that the apps' own access rules apply unchanged. A
session cookie plays no part: without a token, the answer is 401 whoever is signed in."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja.security import HttpBearer

from tissage.core.ratelimit import rate_hit

from ..errors import ApiError
from ..models import ApiToken
from . import access, services

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> ApiToken:
        # Ninja's own answer to a missing header is a bare 401: ours says what to do.
        scheme, _space, secret = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise ApiError.unauthorized(given=False)
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = services.token_find(token)
        if found is None:
            raise ApiError.unauthorized(given=True)
        if not access.token_in_force(found):
            raise ApiError.forbidden(
                _(
                    "You are no longer on the staff of %(organisation)s: this token no "
                    "longer allows anything."
                )
                % {"organisation": found.organisation.name}
            )
        if request.method not in SAFE_METHODS:
            hit = rate_hit(key=f"api-write:{found.pk}", limit=settings.API_WRITE_RATE_LIMIT)
            if not hit.allowed:
                minutes = max(1, round(hit.retry_after / 60))
                raise ApiError(
                    429,
                    ngettext(
                        "This token made too many changes in the last hour (%(limit)s at "
                        "most): nothing was saved. Try again in %(minutes)s minute.",
                        "This token made too many changes in the last hour (%(limit)s at "
                        "most): nothing was saved. Try again in %(minutes)s minutes.",
                        minutes,
                    )
                    % {"limit": settings.API_WRITE_RATE_LIMIT, "minutes": minutes},
                    headers={"Retry-After": str(hit.retry_after)},
                )
        services.token_used(found)
        request.user = found.user
        return found


def request_token(request: HttpRequest) -> ApiToken:
    """The token `TokenAuth` found for this request."""
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken), "a staff endpoint without TokenAuth"
    return token
