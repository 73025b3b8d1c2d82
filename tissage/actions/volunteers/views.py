"""Forces vives: one's availability, and the facilitators' list of volunteers for an
action. Each view starts with `lookups` (who may do what: `access.action_rights`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.access import signed_in_user
from tissage.accounts.models import User
from tissage.actions import lookups
from tissage.actions.models import VolunteerProfile
from tissage.core.access import signs_in_back_to
from tissage.core.emails import site_url

from . import queries
from .forms import AvailabilityForm, InviteForm, VolunteerFilterForm
from .services import InvitationError, volunteer_invite, volunteer_profile_save


@require_http_methods(["GET", "POST"])
def availability(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    profile = VolunteerProfile.objects.filter(user=user).first()
    if request.method == "POST":
        form = AvailabilityForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            volunteer_profile_save(
                user=user,
                opted_in=data["opted_in"],
                skills=data["skills"],
                communes=data["communes"],
                note=data["note"],
            )
            messages.success(
                request,
                _("Saved. Facilitators may now invite you.")
                if data["opted_in"]
                else _("Saved. Facilitators do not see you in their lists."),
            )
            return redirect("actions:availability")
    else:
        form = AvailabilityForm(initial=AvailabilityForm.initial_for(profile))
    return render(request, "actions/volunteers/availability.html", {"form": form})


@require_GET
def volunteers(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    profiles = list(VolunteerProfile.objects.available())
    form = VolunteerFilterForm(
        request.GET or None, skills=queries.skill_choices(profiles), commune=action.commune
    )
    profiles = queries.matching(
        profiles, skill=form.skill(), commune=action.commune if form.near_commune() else None
    )
    invited = queries.invited_user_ids(action)
    return render(
        request,
        "actions/volunteers/list.html",
        {
            "action": action,
            "form": form,
            "rows": [(profile, profile.user_id in invited) for profile in profiles],
            "can_invite": action.registration_is_open(),
        },
    )


@require_POST
@signs_in_back_to("actions:volunteers", "slug")
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    form = InviteForm(request.POST)
    person = None
    if form.is_valid():
        person = User.objects.filter(pk=form.cleaned_data["user"], is_active=True).first()
    if person is None:
        messages.error(request, _("This person was not found: reload the list and try again."))
    else:
        try:
            volunteer_invite(
                action=action,
                user=person,
                invited_by=signed_in_user(request),
                base_url=site_url(request),
            )
        except InvitationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s was invited by email. They will register themselves if they can.")
                % {"name": person.public_name},
            )
    return redirect(reverse("actions:volunteers", kwargs={"slug": action.slug}) + _filters(request))


def _filters(request: HttpRequest) -> str:
    # Back to the list with the filters the facilitator had chosen (sent with the form),
    # keeping only the known ones.
    kept = {key: request.POST[key] for key in ("competence", "lieu") if request.POST.get(key)}
    return f"?{urlencode(kept)}" if kept else ""
