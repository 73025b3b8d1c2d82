"""The action page with its registration form, and the cancel link of the emails."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tissage.actions import lookups
from tissage.actions.models import Registration
from tissage.actions.needs import views as views_more
from tissage.core.emails import site_url

from . import queries, services
from .forms import RegistrationForm


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    action, rights = lookups.visible_action(request, slug)
    places = queries.places_left(action)
    user = request.user if request.user.is_authenticated else None
    form = RegistrationForm(
        request.POST or None, action=action, places=places, signed_in=user is not None
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
    return render(
        request,
        "actions/registration/detail.html",
        {
            "action": action,
            "rights": rights,
            "roles": [(role, places.get(role.pk, 0)) for role in action.roles.all()],
            "form": form,
            **views_more.needs_part(request, action),
        },
    )


def _tell(request: HttpRequest, registered: services.Registered) -> None:
    registration = registered.registration
    if not registered.created:
        messages.info(
            request,
            _("%(email)s is already registered for this action: nothing changed.")
            % {"email": registration.email},
        )
    elif registration.status == Registration.Status.CONFIRMED:
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
    try:
        registration = lookups.registration_of_link(token)
    except lookups.LinkProblem as problem:
        return render(request, "actions/link_problem.html", {"message": str(problem)}, status=400)
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
