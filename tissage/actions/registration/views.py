"""The action page with its registration form, the cancel link of the emails, a person's
own registrations ("my actions"), and the facilitators' list of registrants. Each view
starts with `lookups`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.access import signed_in_user
from tissage.actions import access, lookups, tokens
from tissage.actions.models import Action, Registration, Role
from tissage.actions.needs import views as needs_views
from tissage.core import kept_pages
from tissage.core.access import signs_in_back_to
from tissage.core.emails import site_url
from tissage.core.ratelimit import guest_form_limit

from . import queries, services
from .forms import (
    AssistedRegistrationForm,
    MessageForm,
    RegistrationChangeForm,
    RegistrationForm,
    role_label,
)

DETAIL_TEMPLATE = "actions/registration/detail.html"


@require_http_methods(["GET", "POST"])
@guest_form_limit("action-registration")
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    action, roles, rights = lookups.get_action_and_roles(
        request, slug, with_page=request.method != "POST"
    )
    places = queries.places_left_by_role(action, roles)
    user = request.user if request.user.is_authenticated else None
    # The page an anonymous visitor gets is kept, the places left as holes (a registration
    # rush changes them with every registration): `core.kept_pages`. Only while
    # registration is open, where rushes happen: that bounds what is kept (about 25 KB a
    # page) to the actions to come, not every page a crawler reads; and an action with
    # its report (after the day) is never kept.
    keep = kept_pages.may_keep(request) and rights.can_register and not _has_report(action)
    form = RegistrationForm(
        request.POST or None,
        action=action,
        roles=roles,
        places=places,
        signed_in=user is not None,
        label_holes=keep,
    )
    if request.method == "POST":
        if not rights.can_register:
            form.add_error(None, _("Registration for this action is closed."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                registered = services.registration_create(
                    action=action,
                    role=data["role"],
                    name=user.public_name if user else data["name"],
                    email=user.email if user else data["email"],
                    phone=data["phone"],
                    companions=data["companions"],
                    user=user,
                    base_url=site_url(request),
                )
            except services.RegistrationRefused as error:
                form.add_error(None, str(error))
            else:
                _tell(request, registered)
                return redirect("actions:detail", slug=action.slug)
    mine = queries.my_registration(action, user) if user else None
    context: dict[str, Any] = {
        "action": action,
        "rights": rights,
        "roles": [
            (role, kept_pages.hole(f"left-{role.pk}") if keep else places_left_html(places, role))
            for role in roles
        ],
        "full": all(places.get(role.pk, 0) <= 0 for role in roles),
        "form": form,
        # A registered person sees their registration instead of the form.
        "mine": mine,
        "position": queries.waiting_position(mine)
        if mine and mine.status == Registration.Status.WAITING
        else None,
        "cancel_token": tokens.CANCEL.make(mine.pk, mine.email)
        if mine and mine.may_cancel_by_link()
        else None,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        **needs_views.needs_part(request, action),
    }
    if not keep:
        return render(request, DETAIL_TEMPLATE, context)
    return _kept_detail(request, context, places)


def _kept_detail(
    request: HttpRequest, context: dict[str, Any], places: dict[int, int]
) -> HttpResponse:
    """The action page as every anonymous visitor gets it, kept (`core.kept_pages`): its
    key holds every row it shows and whether each role is full; each role's places left,
    in the list and in the form, are holes filled for this request."""
    action, roles = context["action"], [role for role, _left in context["roles"]]
    project = action.project
    state = (
        kept_pages.row_state(action),
        kept_pages.row_state(project),
        kept_pages.row_state(project.organisation),
        kept_pages.row_state(action.commune),
        # Whether each role is full changes the page around the numbers (the button, the
        # "Full." notice); the numbers themselves are holes.
        tuple((kept_pages.row_state(role), places.get(role.pk, 0) <= 0) for role in roles),
        context["rights"],
        tuple((kept_pages.row_state(line.need), line.pledged) for line, _form in context["needs"]),
        context["pledges_open"],
        context["tile_url"],
        context["tile_attribution"],
    )
    holes = {}
    for role in roles:
        holes[kept_pages.hole(f"left-{role.pk}")] = places_left_html(places, role)
        holes[kept_pages.hole(f"label-{role.pk}")] = conditional_escape(
            role_label(role, places=places, waiting_list=action.waiting_list)
        )
    return kept_pages.kept_page(request, DETAIL_TEMPLATE, context, state=state, holes=holes)


def _has_report(action: Action) -> bool:
    """Whether the action has its report (read with the action: no query)."""
    try:
        return action.report is not None
    except ObjectDoesNotExist:
        return False


def places_left_html(places: dict[int, int], role: Role) -> SafeString:
    """What the action page says of a role's places left, as HTML: "Full", or how many."""
    left = places.get(role.pk, 0)
    if left <= 0:
        return format_html('<span class="badge">{}</span>', _("Full"))
    return conditional_escape(
        ngettext("%(counter)s place left", "%(counter)s places left", left) % {"counter": left}
    )


def _tell(request: HttpRequest, registered: services.Registered) -> None:
    """What the page says after the form: the same whether the address was registered
    already or not, so that nobody learns who takes part by typing their address (the
    address itself is sent its registration again: `registration_create`)."""
    registration = registered.registration
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(
            request,
            _(
                "You are registered. A confirmation with the calendar file is on its way "
                "to %(email)s."
            )
            % {"email": registration.email},
        )
    else:
        messages.success(
            request,
            _(
                "The places are taken: you are on the waiting list. If a place frees up, "
                "you will get it and an email at %(email)s."
            )
            % {"email": registration.email},
        )


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST cancels: mail scanners follow links, people press buttons."""
    registration = lookups.get_linked_registration(token)
    action = registration.action
    if request.method == "POST":
        # Cancelling twice (a second click, another tab) changes nothing and says the same.
        services.registration_cancel(registration=registration, base_url=site_url(request))
        messages.success(request, _("Your registration is cancelled. Thank you for saying so."))
        return redirect("actions:detail", slug=action.slug)
    return render(
        request,
        "actions/registration/cancel.html",
        {"registration": registration, "action": action},
    )


def _registrants_page(
    request: HttpRequest,
    action: Action,
    rights: access.ActionRights,
    add_form: AssistedRegistrationForm,
    *,
    status: int = 200,
) -> HttpResponse:
    registrants = queries.registrants_list(action)
    return render(
        request,
        "actions/registration/registrants.html",
        {
            "action": action,
            "roles": registrants.roles,
            "tables": registrants.tables,
            "waiting": registrants.waiting,
            "cancelled_count": registrants.cancelled_count,
            "confirmed_people": registrants.confirmed_people,
            "confirmed_count": registrants.confirmed_count,
            "places_left_total": registrants.places_left_total,
            "sees_contacts": access.sees_registrant_contacts(rights),
            "add_form": add_form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def registrants(request: HttpRequest, slug: str) -> HttpResponse:
    """The list; its form registers someone on their behalf."""
    action, rights = lookups.get_managed_action(request, slug)
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
@signs_in_back_to("actions:registrants", "slug")
def registrant_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Move to another role, promote from the waiting list, or cancel; then back."""
    action, _rights = lookups.get_managed_action(request, slug)
    registration = lookups.get_registration(action, pk)
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
                promoted = services.registrant_cancel(registration=registration, base_url=base_url)
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
    action, _rights = lookups.get_managed_action(request, slug)
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
    return render(
        request,
        "actions/registration/message.html",
        {"action": action, "form": form, "counts": queries.registration_counts(action)},
    )


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    now = timezone.now()
    mine = queries.my_actions(user, now)
    upcoming = [
        (
            registration,
            tokens.CANCEL.make(registration.pk, registration.email)
            if registration.may_cancel_by_link(now)
            else None,
        )
        for registration in mine.upcoming
    ]
    return render(
        request,
        "actions/registration/mine.html",
        {"upcoming": upcoming, "past": mine.past, "total_hours": mine.total_hours},
    )
