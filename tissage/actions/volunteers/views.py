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
from tissage.actions.models import VolunteerInvitation, VolunteerProfile
from tissage.core.emails import site_url

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


def _skill_choices(profiles: list[VolunteerProfile]) -> list[tuple[str, str]]:
    """The common skills, then the others people wrote, once each."""
    choices = [(str(value), str(label)) for value, label in VolunteerProfile.Skill.choices]
    known = {value.casefold() for value, _label in choices}
    for profile in profiles:
        for skill in profile.skills:
            if skill.casefold() not in known:
                known.add(skill.casefold())
                choices.append((skill, skill))
    return choices


@require_GET
def volunteers(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    profiles = list(VolunteerProfile.objects.available())
    form = VolunteerFilterForm(
        request.GET or None, skills=_skill_choices(profiles), commune=action.commune
    )
    # Skills are a JSON list: filtered here rather than in SQL, which SQLite cannot do.
    if skill := form.skill().casefold():
        profiles = [p for p in profiles if skill in {s.casefold() for s in p.skills}]
    if form.near_commune() and action.commune is not None:
        profiles = [p for p in profiles if any(c.pk == action.commune_id for c in p.communes.all())]
    invited = set(
        VolunteerInvitation.objects.filter(action=action).values_list("user_id", flat=True)
    )
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
