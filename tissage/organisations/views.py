from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.access import signed_in_user
from tissage.core.emails import site_url
from tissage.core.forms import TeamMemberAddForm, TeamMemberRoleForm

from . import access, lookups, services
from .forms import OrganisationForm
from .models import Organisation, OrganisationMembership

PAGE_SIZE = 24


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.with_published_projects()
    page = Paginator(organisations, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(request, "organisations/list.html", {"page": page})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = lookups.get_organisation(slug)
    projects = Paginator(
        organisation.projects.visible_to(request.user).for_listing(),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    projects.object_list = list(projects.object_list)  # read once: cards and pagination
    staff = (
        OrganisationMembership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "joined_at")
    )
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "page": projects,
            "staff": staff,
            "communes": organisation.communes.only("name", "insee_code"),
            "collectives": organisation.collectives.only("name", "slug").order_by("name"),
            "can_manage": access.can_manage_organisation(request.user, organisation),
            "can_create_project": access.is_organisation_staff(request.user, organisation),
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = lookups.get_managed_organisation(request, slug)
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The organisation is saved."))
        return redirect(organisation)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = lookups.get_managed_organisation(request, slug)
    form = TeamMemberAddForm(
        request.POST or None,
        roles=OrganisationMembership.Role,
        initial_role=OrganisationMembership.Role.FACILITATOR,
    )
    if request.method == "POST" and form.is_valid():
        membership = services.organisation_member_add(
            organisation=organisation,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            added_by=signed_in_user(request),
            base_url=site_url(request),
        )
        messages.success(
            request,
            _("%(email)s is now in the team; an email tells them how to sign in.")
            % {"email": membership.user.email},
        )
        return redirect("organisations:team", organisation.slug)
    members = (
        OrganisationMembership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__email")
    )
    rows = [
        (m, reverse("organisations:team_member", args=[organisation.slug, m.pk])) for m in members
    ]
    return render(
        request,
        "organisations/team.html",
        {
            "organisation": organisation,
            "members": members,
            "rows": rows,
            "form": form,
            "show_emails": True,
            "back_url": organisation.get_absolute_url(),
            "back_label": organisation.name,
        },
    )


@require_POST
def team_member(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organisation = lookups.get_managed_organisation(request, slug)
    membership = get_object_or_404(
        OrganisationMembership.objects.select_related("user"),
        pk=membership_id,
        organisation=organisation,
    )
    try:
        if request.POST.get("action") == "remove":
            services.organisation_member_remove(membership=membership)
            messages.success(request, _("The person has left the team."))
        else:
            form = TeamMemberRoleForm(request.POST, roles=OrganisationMembership.Role)
            if not form.is_valid():
                raise services.TeamError(_("Choose a role in the list."))
            services.organisation_member_change_role(
                membership=membership, role=form.cleaned_data["role"]
            )
            messages.success(request, _("The role is changed."))
    except services.TeamError as error:
        messages.error(request, str(error))
    return redirect("organisations:team", organisation.slug)
