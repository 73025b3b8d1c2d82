from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tissage.projects.access import projects_visible_to

from . import access
from .forms import OrganisationForm
from .models import Organisation, OrganisationMembership


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    projects = projects_visible_to(request.user).filter(organisation=organisation).for_listing()
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
            "projects": projects,
            "staff": staff,
            "communes": organisation.communes.only("name", "insee_code"),
            "can_manage": access.can_manage_organisation(request.user, organisation),
            "can_create_project": access.is_organisation_staff(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not access.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The organisation is saved."))
        return redirect(organisation)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})
