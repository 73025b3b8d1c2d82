"""The one way the actions' views fetch what their URL names and check who may see it
(projects named by a URL are fetched by `tissage.projects.lookups`).

Each function fetches the object with what the pages show (`select_related`), asks
`access.py` for the rights, and answers with the rule of `core.access` (docs/permissions.md,
"Who gets which answer"): pages for a role sign anonymous visitors in first; an object
hidden from the person is a 404; a right beyond seeing it is "sign in" for an anonymous
visitor and 403 for a signed-in one.
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from tissage.core.access import LinkProblem, require, sign_in_first
from tissage.core.compiled import CompiledQuery
from tissage.projects.access import AnyUser, standing_annotations, standing_read

from . import access, tokens
from .access import ActionRights
from .models import Action, ActionReport, Need, Pledge, Registration, Role


def get_action(request: HttpRequest, slug: str) -> tuple[Action, ActionRights]:
    """The action and the person's rights on it; 404 for whoever may not see it (a draft
    of someone else's, an action of a project hidden from them)."""
    # The pages show the commune's name: its contour (tens of KB of JSON for a real
    # commune, parsed on every read) stays in the database.
    action = get_object_or_404(
        Action.objects.select_related("project__organisation", "commune")
        .defer("commune__geometry")
        .annotate(
            # The person's role and staff standing, read with the action (one query).
            **standing_annotations(request.user, "project")
        ),
        slug=slug,
    )
    rights = access.action_rights(request.user, action, standing=standing_read(action))
    if not rights.can_view:
        raise Http404
    return action, rights


def get_action_and_roles(
    request: HttpRequest, slug: str, *, with_page: bool = False
) -> tuple[Action, list[Role], ActionRights]:
    """The action page's read, in one query where a registration rush lands: the action
    (as `get_action`, its commune's contour left out), its roles in order, each with
    its places taken (`taken`: people and companions confirmed), and the person's
    rights. The query goes through the roles, each row carrying the action; an action
    without roles costs a second query.

    `with_page`: the page will be shown (a GET), so the same query reads what else it
    shows: the action's report (`action.report`) and whether it lists material needs
    (`action.has_needs`, which spares the needs' query when it does not). A POST, which
    answers with a redirect, is spared their joins.

    For anonymous visitors (a rush), the query is built and compiled once per process and
    prepared on PostgreSQL (`core.compiled`): its ORM composing cost 5–6 ms a run, its
    answer 0.4 ms."""
    if request.user.is_authenticated:
        roles: list[Role] = list(_roles_rows(slug, request.user, with_page=with_page))
    else:
        roles = _ANONYMOUS_ROLES[with_page](slug=slug)
    if not roles:
        action, rights = get_action(request, slug)
        return action, [], rights
    action = roles[0].action
    if with_page:
        action.has_needs = roles[0].has_needs  # type: ignore[attr-defined]
        if not roles[0].has_report:  # type: ignore[attr-defined]
            # `action.report` answers without a query, as after `select_related`.
            Action.report.related.set_cached_value(action, None)
    for role in roles:
        role.action = action  # one object for the page: no query, one truth
    # `action.roles.all()` answers from these rows, as after a prefetch.
    action._prefetched_objects_cache = {"roles": roles}  # type: ignore[attr-defined]
    rights = access.action_rights(request.user, action, standing=standing_read(roles[0]))
    if not rights.can_view:
        raise Http404
    return action, roles, rights


def _roles_rows(slug: str, user: AnyUser, *, with_page: bool) -> QuerySet[Role]:
    """The query of `get_action_and_roles`."""
    taken = (
        Registration.objects.filter(role=OuterRef("pk"), status=Registration.Status.CONFIRMED)
        .order_by()
        .values("role")
        .annotate(role_seats=Sum(F("companions") + 1))
        .values("role_seats")
    )
    rows = (
        Role.objects.filter(action__slug=slug)
        .select_related("action__project__organisation", "action__commune")
        .defer("action__commune__geometry")
        .annotate(
            taken=Coalesce(Subquery(taken), 0),
            **standing_annotations(user, "action__project"),
        )
        .order_by("position", "pk")
    )
    if with_page:
        rows = rows.annotate(
            has_needs=Exists(Need.objects.filter(action=OuterRef("action"))),
            has_report=Exists(ActionReport.objects.filter(action=OuterRef("action"))),
        )
    return rows


_ANONYMOUS_ROLES = {
    with_page: CompiledQuery(
        partial(_roles_rows, user=AnonymousUser(), with_page=with_page), slug=str
    )
    for with_page in (False, True)
}


def get_managed_action(request: HttpRequest, slug: str) -> tuple[Action, ActionRights]:
    """The action, for its team: a page for a role (anonymous visitors sign in first,
    then 404 when hidden from the person, 403 when seen but not theirs to manage)."""
    sign_in_first(request)
    action, rights = get_action(request, slug)
    require(request, rights.can_manage)
    return action, rights


def get_registration(action: Action, pk: int) -> Registration:
    """A registration of this action (404 for one of another action)."""
    return get_object_or_404(Registration, pk=pk, action=action)


def get_need(action: Action, pk: int) -> Need:
    """A material need of this action (404 for one of another action)."""
    return get_object_or_404(Need, pk=pk, action=action)


def get_pledge(action: Action, pk: int) -> Pledge:
    """A pledge to one of this action's needs (404 for one of another action), with what
    its confirmation email shows (its need, registration and account, and the action
    already fetched)."""
    pledge = get_object_or_404(
        Pledge.objects.select_related("need", "registration__user"), pk=pk, need__action=action
    )
    pledge.need.action = action
    return pledge


def get_linked_registration(token: str) -> Registration:
    """The registration a cancel link names. The signature is the right: no sign-in is
    asked, and the link works until the action starts. A link that does not lead to a
    registration raises `LinkProblem` (the page says why, with a 400) rather than 404."""
    try:
        pk, email = tokens.CANCEL.read(token)
    except signing.BadSignature:
        raise LinkProblem(_("This link is not valid. Copy the whole link.")) from None
    registration = (
        Registration.objects.select_related("action", "role").filter(pk=pk, email=email).first()
    )
    if registration is None:
        raise LinkProblem(_("This registration no longer exists."))
    if not registration.may_cancel_by_link():
        raise LinkProblem(_("This action has started or is over: the link is no longer valid."))
    return registration
