"""The one way the staff endpoints fetch what their path names, and check the token may
use it: the web pages' own lookups (each app's `lookups.py`, with `request.user` set to the
token's owner), their answers turned into the API's, then the token's scope.

Hidden from the owner → 404 (as on the web pages); seen but not theirs to run → 403; run
by them but in another organisation than the token's → 403 too: the token does not reach
it, though its owner might with another token (tokens/access.py, `within_scope`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from tissage.actions import lookups as action_lookups
from tissage.actions.access import ActionRights
from tissage.actions.models import Action
from tissage.core.access import SignInRequired
from tissage.inventories import lookups as inventory_lookups
from tissage.inventories.access import CampaignRights
from tissage.inventories.models import Campaign, Contribution
from tissage.projects import lookups as project_lookups
from tissage.projects.models import Project

from ..errors import ApiError
from ..tokens.access import within_scope
from ..tokens.auth import request_token


@contextmanager
def _as_api_answers() -> Iterator[None]:
    """The web lookups' refusals as the API's."""
    try:
        yield
    except Http404:
        raise ApiError.not_found() from None
    except PermissionDenied as refusal:
        raise ApiError.forbidden(str(refusal)) from None
    except SignInRequired:  # TokenAuth has set a signed-in user: cannot happen
        raise ApiError.unauthorized(given=False) from None


def _require_scope(request: HttpRequest, organisation_id: int) -> None:
    token = request_token(request)
    if not within_scope(token, organisation_id):
        raise ApiError.forbidden(
            _(
                "This token is for %(organisation)s and this belongs to another "
                "organisation: use a token made for that one."
            )
            % {"organisation": token.organisation.name}
        )


def get_edited_project(request: HttpRequest, slug: str) -> Project:
    """A project to create actions in."""
    with _as_api_answers():
        project = project_lookups.get_edited_project(request, slug)
    _require_scope(request, project.organisation_id)
    return project


def get_managed_action(request: HttpRequest, slug: str) -> tuple[Action, ActionRights]:
    """An action to edit or whose registrants to read."""
    with _as_api_answers():
        action, rights = action_lookups.get_managed_action(request, slug)
    _require_scope(request, action.project.organisation_id)
    return action, rights


def get_moderated_campaign(request: HttpRequest, slug: str) -> tuple[Campaign, CampaignRights]:
    with _as_api_answers():
        campaign, rights = inventory_lookups.get_moderated_campaign(request, slug)
    _require_scope(request, campaign.project.organisation_id)
    return campaign, rights


def get_moderated_item(
    request: HttpRequest, slug: str, pk: int
) -> tuple[Campaign, CampaignRights, Contribution]:
    with _as_api_answers():
        campaign, rights, item = inventory_lookups.get_moderated_item(request, slug, pk)
    _require_scope(request, campaign.project.organisation_id)
    return campaign, rights, item
