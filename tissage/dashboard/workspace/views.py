"""The staff workspace: everything that waits for the person, across modules."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tissage.accounts.access import signed_in_user
from tissage.core.access import require
from tissage.core.registry import workspace_items

from .access import is_staff_anywhere
from .queries import total_remember, work_groups


@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    require(request, is_staff_anywhere(user))
    items = workspace_items(user)
    total = total_remember(user, items)
    return render(
        request,
        "dashboard/workspace/workspace.html",
        {"groups": work_groups(items), "total": total},
    )
