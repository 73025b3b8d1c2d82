"""Facilitators' pages: create and edit actions (or weekly series), cancel an action,
and manage its registrants. Access is decided in `access.py` only."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tissage.accounts.access import signed_in_user
from tissage.actions import access, lookups
from tissage.actions.models import Action, Registration
from tissage.actions.registration import queries, services
from tissage.core.emails import site_url

from . import services as manage
from .forms import (
    ActionForm,
    AssistedRegistrationForm,
    CancelActionForm,
    MessageForm,
    RegistrationChangeForm,
)
from .services import RoleInput


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, project_slug: str) -> HttpResponse:
    project = lookups.managed_project(request, project_slug)
    form = ActionForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = form.changes()
        starts_at, ends_at = fields.pop("starts_at"), fields.pop("ends_at")
        title = fields.pop("title")
        roles = [RoleInput(row.name, row.places) for row in data["roles"] if row.name]
        if not roles:
            roles = [RoleInput(_("Participant"), data["default_places"])]
        try:
            if data.get("repeat_weeks"):
                series = manage.series_create(
                    project=project,
                    title=title,
                    first_starts_at=starts_at,
                    duration=ends_at - starts_at,
                    count=data["repeat_weeks"],
                    every=datetime.timedelta(weeks=1),
                    roles=roles,
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
            action = manage.action_create(
                project=project,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                roles=roles,
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
    action, _rights = lookups.managed_action(request, slug)
    form = ActionForm(request.POST or None, project=action.project, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            changed = manage.action_update(
                action=action,
                changes=form.changes(),
                scope=form.cleaned_data.get("scope") or manage.Scope.THIS,
                editor=signed_in_user(request),
                base_url=site_url(request),
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
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
    action, _rights = lookups.managed_action(request, slug)
    live = Registration.objects.filter(action=action).exclude(status=Registration.Status.CANCELLED)
    form = CancelActionForm(request.POST or None)
    if action.status == Action.Status.CANCELLED:
        messages.info(request, _("This action is already cancelled."))
        return redirect("actions:detail", slug=action.slug)
    if request.method == "POST" and form.is_valid():
        count = manage.action_cancel(
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
    return render(
        request,
        "actions/manage/cancel_action.html",
        {"action": action, "form": form, "live_count": live.count()},
    )


def _registrants_page(
    request: HttpRequest,
    action: Action,
    rights: access.ActionRights,
    add_form: AssistedRegistrationForm,
    *,
    status: int = 200,
) -> HttpResponse:
    roles = list(action.roles.all())
    registrations = list(
        Registration.objects.filter(action=action)
        .select_related("entered_by")
        .order_by("created_at", "pk")
    )
    places = queries.places_left_in(action, roles, registrations)
    by_role = {role.pk: [] for role in roles}  # type: dict[int, list[Registration]]
    for registration in registrations:
        if registration.status == Registration.Status.CONFIRMED:
            by_role[registration.role_id].append(registration)
    role_of = {role.pk: role for role in roles}
    waiting = [r for r in registrations if r.status == Registration.Status.WAITING]
    for registration in registrations:
        registration.role = role_of[registration.role_id]  # no query per row
    confirmed = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
    return render(
        request,
        "actions/registration/registrants.html",
        {
            "action": action,
            "tables": [(role, by_role[role.pk], places.get(role.pk, 0)) for role in roles],
            "roles": roles,
            "waiting": waiting,
            "cancelled_count": sum(
                r.status == Registration.Status.CANCELLED for r in registrations
            ),
            "confirmed_people": sum(r.seats for r in confirmed),
            "confirmed_count": len(confirmed),
            "waiting_people": sum(r.seats for r in waiting),
            "places_left_total": sum(places.values())
            if action.capacity is None
            else max(action.capacity - sum(r.seats for r in confirmed), 0),
            "sees_contacts": access.sees_registrant_contacts(rights),
            "add_form": add_form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def registrants(request: HttpRequest, slug: str) -> HttpResponse:
    """The list; its form registers someone on their behalf."""
    action, rights = lookups.managed_action(request, slug)
    form = AssistedRegistrationForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registered = services.registration_assisted(
                action=action,
                role=data["role"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                companions=data["companions"],
                entered_by=signed_in_user(request),
                base_url=site_url(request),
            )
        except services.RegistrationRefused as error:
            form.add_error(None, str(error))
        else:
            registration = registered.registration
            if not registered.created:
                messages.info(
                    request,
                    _("%(email)s is already registered for this action: nothing changed.")
                    % {"email": registration.email},
                )
            elif registration.status == Registration.Status.CONFIRMED:
                messages.success(
                    request, _("%(name)s is registered.") % {"name": registration.name}
                )
            else:
                messages.success(
                    request,
                    _("The role is full: %(name)s is on the waiting list.")
                    % {"name": registration.name},
                )
            return redirect("actions:registrants", slug=action.slug)
    return _registrants_page(request, action, rights, form, status=400 if form.is_bound else 200)


@require_POST
def registrant_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Move to another role, promote from the waiting list, or cancel; then back."""
    action, _rights = lookups.managed_action(request, slug)
    registration = lookups.registration_of(action, pk)
    form = RegistrationChangeForm(request.POST, action=action)
    back = redirect("actions:registrants", slug=action.slug)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back
    base_url = site_url(request)
    name = registration.name
    try:
        match form.cleaned_data["do"]:
            case "move":
                moved = services.registration_move(
                    registration=registration, role=form.cleaned_data["role"], base_url=base_url
                )
                messages.success(
                    request,
                    _("%(name)s now has the role “%(role)s”.")
                    % {"name": name, "role": moved.role.name},
                )
            case "promote":
                services.registration_promote(registration=registration, base_url=base_url)
                messages.success(
                    request, _("%(name)s has a place now and is told by email.") % {"name": name}
                )
            case "cancel":
                if registration.status == Registration.Status.CANCELLED:
                    raise services.ManageRefused(
                        _("This registration is cancelled: nothing was changed.")
                    )
                promoted = services.registration_cancel(
                    registration=registration, base_url=base_url
                )
                messages.success(
                    request,
                    _("The registration of %(name)s is cancelled.") % {"name": name}
                    + (
                        " "
                        + ngettext(
                            "%(count)s person of the waiting list has the place.",
                            "%(count)s people of the waiting list have a place.",
                            len(promoted),
                        )
                        % {"count": len(promoted)}
                        if promoted
                        else ""
                    ),
                )
    except services.ManageRefused as error:
        messages.error(request, str(error))
    return back


@require_http_methods(["GET", "POST"])
def registrants_message(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.managed_action(request, slug)
    form = MessageForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        count = services.registrants_message(
            action=action,
            subject=data["subject"],
            text=data["text"],
            role=data["role"],
            include_waiting=data["include_waiting"],
            sender=signed_in_user(request),
            base_url=site_url(request),
        )
        if count:
            messages.success(
                request,
                ngettext(
                    "The message is on its way to %(count)s person.",
                    "The message is on its way to %(count)s people.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("Nobody to write to: no registrant has an email address."))
        return redirect("actions:registrants", slug=action.slug)
    counts = Registration.objects.filter(action=action).aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
    )
    return render(
        request,
        "actions/registration/message.html",
        {"action": action, "form": form, "counts": counts},
    )
