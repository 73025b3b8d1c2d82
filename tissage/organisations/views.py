from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tissage.projects.access import projects_visible_to

from . import access
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
    organisation = get_object_or_404(Organisation, slug=slug)
    projects = Paginator(
        projects_visible_to(request.user).filter(organisation=organisation).for_listing(),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
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
