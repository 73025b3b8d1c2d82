"""Facilitators' pages about the action itself: create and edit actions (or weekly
series), cancel an action. Each view starts with `lookups`."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from tissage.accounts.access import signed_in_user
from tissage.actions import lookups
from tissage.actions.models import Action
from tissage.actions.registration.queries import live_registrations
from tissage.core.covers import cover_save
from tissage.core.emails import site_url
from tissage.projects import lookups as project_lookups

from . import services
from .forms import ActionForm, CancelActionForm


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, project_slug: str) -> HttpResponse:
    project = project_lookups.get_edited_project(request, project_slug)
    form = ActionForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = form.changes()
        starts_at, ends_at = fields.pop("starts_at"), fields.pop("ends_at")
        title = fields.pop("title")
        roles = form.new_roles()
        try:
            if data.get("repeat_weeks"):
                series = services.series_create(
                    project=project,
                    title=title,
                    first_starts_at=starts_at,
                    duration=ends_at - starts_at,
                    count=data["repeat_weeks"],
                    every=datetime.timedelta(weeks=1),
                    roles=roles,
                    creator=signed_in_user(request),
                    **fields,
                )
                first = series.actions.order_by("starts_at").first()
                assert first is not None
                messages.success(
                    request,
                    _("%(count)s dates created. Check the first one, then publish them.")
                    % {"count": data["repeat_weeks"]}
                    if first.status == Action.Status.DRAFT
                    else _("%(count)s dates created and published.")
                    % {"count": data["repeat_weeks"]},
                )
                return redirect("actions:detail", slug=first.slug)
            action = services.action_create(
                project=project,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                roles=roles,
                creator=signed_in_user(request),
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The action is saved as a draft: publish it when it is ready.")
                if action.status == Action.Status.DRAFT
                else _("The action is published: people can register."),
            )
            return redirect("actions:detail", slug=action.slug)
    return render(
        request, "actions/manage/form.html", {"form": form, "project": project, "action": None}
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    form = ActionForm(
        request.POST or None, request.FILES or None, project=action.project, action=action
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.action_update(
                action=action,
                changes=form.changes(),
                scope=form.cleaned_data.get("scope") or services.Scope.THIS,
                editor=signed_in_user(request),
                base_url=site_url(request),
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if cover_save(action, form.cleaned_data):
                changed = changed or [action]
            if not changed:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request,
                    ngettext(
                        "The changes are saved.",
                        "The changes are saved on %(count)s dates.",
                        len(changed),
                    )
                    % {"count": len(changed)},
                )
            return redirect("actions:detail", slug=action.slug)
    return render(
        request,
        "actions/manage/form.html",
        {"form": form, "project": action.project, "action": action},
    )


@require_http_methods(["GET", "POST"])
def cancel_action(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    form = CancelActionForm(request.POST or None)
    try:
        # A cancelled action has nothing left to ask about.
        services.action_cancel_check(action)
        if request.method == "POST" and form.is_valid():
            count = services.action_cancel(
                action=action,
                note=form.cleaned_data["note"],
                editor=signed_in_user(request),
                base_url=site_url(request),
            )
            messages.success(
                request,
                ngettext(
                    "The action is cancelled; %(count)s registrant is told by email.",
                    "The action is cancelled; %(count)s registrants are told by email.",
                    count,
                )
                % {"count": count},
            )
            return redirect("actions:detail", slug=action.slug)
    except services.ActionAlreadyCancelled as refusal:
        messages.info(request, str(refusal))
        return redirect("actions:detail", slug=action.slug)
    return render(
        request,
        "actions/manage/cancel_action.html",
        {"action": action, "form": form, "live_count": live_registrations(action).count()},
    )
