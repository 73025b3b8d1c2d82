"""Who may do what with actions: the only place that decides it (see docs/permissions.md).

An action is seen by whoever sees its project, once published; its team (who may edit
the project) sees drafts too and manages registrations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from tissage.accounts.models import User
from tissage.projects.access import Standing, project_rights, projects_run_by
from tissage.projects.models import Project

from .models import Action, ActionQuerySet

AnyUser = User | AnonymousUser
MeetingManagersRule = Callable[[AnyUser, Project], bool]

# Apps built on this one may let more people run a project's meetings than its team: a
# collective's coordinators run the meetings held in the collective's project. Each
# registers its rule once, from its AppConfig.ready() (collectives/apps.py), so that this
# app never imports them.
_meeting_managers_rules: list[MeetingManagersRule] = []


def meeting_managers_rule_register(rule: MeetingManagersRule) -> None:
    """Add a rule `(user, project) -> bool` saying who else manages its meetings."""
    if rule not in _meeting_managers_rules:
        _meeting_managers_rules.append(rule)


def _manages_meetings_of(user: AnyUser, project: Project) -> bool:
    return any(rule(user, project) for rule in _meeting_managers_rules)


@dataclass(frozen=True)
class ActionRights:
    can_view: bool
    can_register: bool
    can_manage: bool


def action_rights(
    user: AnyUser, action: Action, *, standing: Standing | None = None
) -> ActionRights:
    """`standing`: the person's standing with the project, when it was read with the
    action (`lookups.get_action`), which then costs no other query."""
    rights = project_rights(user, action.project, standing=standing)
    # Meetings may have more managers than the team (see `meeting_managers_rule_register`).
    manage = rights.can_edit or (
        action.kind == Action.Kind.MEETING and _manages_meetings_of(user, action.project)
    )
    visible = rights.can_view and (action.status != Action.Status.DRAFT or manage)
    return ActionRights(
        can_view=visible,
        can_register=visible and action.registration_is_open(),
        can_manage=manage,
    )


def actions_managed_by(user: AnyUser) -> ActionQuerySet:
    """Actions of the projects this person runs: `action_rights(...).can_manage` over many
    actions, for their team. (Collective coordinators also manage their meetings, a rule
    told per project; lists over many actions leave it to the collective's own pages.)"""
    return Action.objects.filter(project__in=projects_run_by(user))


# --- Facilitators' pages (manage/, and the registrants' list in registration/) ---


def sees_registrant_contacts(rights: ActionRights) -> bool:
    """Registrants' email and phone: only who manages the action (to reach them)."""
    return rights.can_manage
