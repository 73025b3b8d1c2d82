"""The staff workspace: everything that waits for the person, across modules; and the
header's link, as a fragment for HTMX."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tissage.accounts.access import signed_in_user
from tissage.core.access import require
from tissage.core.registry import workspace_items

from .queries import header_state_fresh, staff_remember, total_remember, work_groups


@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    require(request, staff_remember(user))
    items = workspace_items(user)
    total = total_remember(user, items)
    return render(
        request,
        "dashboard/workspace/workspace.html",
        {"groups": work_groups(items), "total": total},
    )


@require_GET
def workspace_link(request: HttpRequest) -> HttpResponse:
    """The header's `<li>` with the count read now (nothing for anyone without a staff
    role): asked for by a page whose cache lacked it."""
    state = header_state_fresh(request.user)
    return render(
        request,
        "dashboard/workspace/_header_link.html",
        {"workspace": {"state": state}, "fragment": True},
    )
