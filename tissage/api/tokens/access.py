"""Who may hold a personal API token, and what a token may reach: the only place that
decides it (docs/permissions.md, "API").

A token belongs to a person and one organisation where that person is staff (facilitator
or admin, or a superuser): the organisations' own rule, asked again on every request, so
that someone who leaves the staff makes their tokens useless at once. What the token may
then do is what its owner may do on the web pages (the apps' `access.py`), limited to the
objects of its organisation."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from tissage.accounts.models import User
from tissage.organisations.access import is_organisation_staff, organisations_staffed_by
from tissage.organisations.models import Organisation

from ..models import ApiToken

AnyUser = User | AnonymousUser


def token_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations a person may make a token for."""
    return organisations_staffed_by(user)


def may_hold_tokens(user: AnyUser) -> bool:
    """Whether the person has the token pages (staff of at least one organisation)."""
    return token_organisations(user).exists()


def has_token_pages(user: AnyUser) -> bool:
    """Whether the person has the token pages: staff of an organisation, or someone who
    still holds tokens (to see that they stopped, and revoke them)."""
    if not user.is_authenticated:
        return False
    return may_hold_tokens(user) or ApiToken.objects.filter(user=user).exists()


def may_hold_token(user: AnyUser, organisation: Organisation) -> bool:
    return is_organisation_staff(user, organisation)


def token_in_force(token: ApiToken) -> bool:
    """The owner is still staff of the token's organisation (asked on every request)."""
    return is_organisation_staff(token.user, token.organisation)


def within_scope(token: ApiToken, organisation_id: int) -> bool:
    """An object of this organisation may be written with the token: a token of one
    organisation never touches another's, even when its owner is staff of both."""
    return token.organisation_id == organisation_id
