"""The token pages' lookups: pages for staff (anonymous visitors sign in first; a person
who is staff of no organisation gets 403), and one's own tokens only (another's: 404)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from tissage.accounts.access import signed_in_user
from tissage.accounts.models import User
from tissage.core.access import require, sign_in_first

from ..models import ApiToken
from . import access


def get_token_holder(request: HttpRequest) -> User:
    """The person, when they have the token pages."""
    sign_in_first(request)
    user = signed_in_user(request)
    require(request, access.has_token_pages(user))
    return user


def get_own_token(request: HttpRequest, pk: int) -> ApiToken:
    """One of the person's tokens. Revoking one stays possible after leaving the staff."""
    sign_in_first(request)
    return get_object_or_404(
        ApiToken.objects.select_related("organisation"), pk=pk, user=signed_in_user(request)
    )
