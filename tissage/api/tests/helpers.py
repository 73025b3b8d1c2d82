"""Builders shared by the API's tests: tokens, and requests made with them."""

from __future__ import annotations

from typing import Any

from tissage.accounts.models import User
from tissage.api.models import ApiToken
from tissage.api.tokens.services import SECRET_PREFIX, secret_hash, token_create
from tissage.core.tests.factories import OrganisationFactory, OrganisationMembershipFactory
from tissage.organisations.models import Organisation


def a_token(user: User, organisation: Organisation, name: str = "Site de la mairie") -> str:
    """The secret of a new token, made by the service (the person must be staff)."""
    _token, secret = token_create(user=user, organisation=organisation, name=name)
    return secret


def a_stale_token(user: User, organisation: Organisation) -> str:
    """A token whose owner is not (or no longer) on the organisation's staff: made
    directly, as if they had left the staff since (the service would refuse it)."""
    secret = f"{SECRET_PREFIX}stale-{user.pk}-{organisation.pk}"
    ApiToken.objects.create(
        user=user,
        organisation=organisation,
        name="Ancien",
        prefix=secret[:10],
        secret_hash=secret_hash(secret),
    )
    return secret


def another_organisations_token(user: User) -> str:
    """A token of `user` for a new organisation they are staff of."""
    other = OrganisationFactory()
    OrganisationMembershipFactory(organisation=other, user=user)
    return a_token(user, other)


def bearer(secret: str | None, **headers: Any) -> dict[str, Any]:
    """Django test client keyword arguments for a request with this token."""
    if secret is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return headers


def call(client, method: str, url: str, secret: str | None, body: Any = None, **headers: Any):  # type: ignore[no-untyped-def]
    """A JSON request to the API with this token."""
    kwargs = bearer(secret, **headers)
    if body is not None:
        return getattr(client, method)(url, body, content_type="application/json", **kwargs)
    return getattr(client, method)(url, **kwargs)
