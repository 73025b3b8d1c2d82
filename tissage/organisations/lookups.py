"""Finding the organisation a URL names, for the person asking. Every view starts here.

Organisations are public; managing one needs its admin role (`access.py`). The answer to
someone without the right follows the one rule of docs/permissions.md ("Who gets which
answer"): pages for a role only ask anonymous visitors to sign in first (the views'
`login_required`), then 403.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from tissage.core.access import require, sign_in_first

from . import access
from .models import Organisation


def get_organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


def get_managed_organisation(request: HttpRequest, slug: str) -> Organisation:
    """The organisation, for its administrators (edit, team): a page for a role."""
    sign_in_first(request)
    organisation = get_organisation(slug)
    require(request, access.can_manage_organisation(request.user, organisation))
    return organisation


def get_staffed_organisation(request: HttpRequest, slug: str) -> Organisation:
    """The organisation, for its staff (facilitators and admins: create projects…)."""
    sign_in_first(request)
    organisation = get_organisation(slug)
    require(request, access.is_organisation_staff(request.user, organisation))
    return organisation
