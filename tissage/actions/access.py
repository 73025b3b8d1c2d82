"""Who may do what with actions: the only place that decides it (see docs/permissions.md).

An action is seen by whoever sees its project, once published; its team (who may edit
the project) sees drafts too and manages registrations."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from tissage.accounts.models import User
from tissage.collectives.access import coordinates_meetings_of
from tissage.projects.access import project_rights

from .models import Action

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class ActionRights:
    can_view: bool
    can_register: bool
    can_manage: bool


def action_rights(user: AnyUser, action: Action) -> ActionRights:
    rights = project_rights(user, action.project)
    # A collective's coordinators run its meetings, held in the collective's project.
    manage = rights.can_edit or (
        action.kind == Action.Kind.MEETING and coordinates_meetings_of(user, action.project)
    )
    visible = rights.can_view and (action.status != Action.Status.DRAFT or manage)
    return ActionRights(
        can_view=visible,
        can_register=visible and action.registration_is_open(),
        can_manage=manage,
    )


# --- Facilitators' pages (helper "manage": create/edit actions, registrants) ---


def sees_registrant_contacts(rights: ActionRights) -> bool:
    """Registrants' email and phone: only who manages the action (to reach them)."""
    return rights.can_manage
