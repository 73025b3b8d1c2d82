"""The collective itself: the list of collectives, creating one, its page, its settings
and meetings.

Who may do what is decided in `access.py` only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tissage.accounts.access import signed_in_user
from tissage.core.access import require
from tissage.core.covers import cover_save
from tissage.core.emails import site_url

from .. import access, lookups
from ..initiatives.feeds import feed_links
from ..membership.forms import JoinForm
from . import queries, services
from .forms import CollectiveForm, MeetingForm

PER_PAGE = 24


@require_GET
def collective_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.listed_collectives(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "collectives/collective/list.html",
        {
            "page_obj": page,
            "collectives": page.object_list,
            "can_create": queries.organisations_for_new_collective(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def collective_create(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = lookups.get_organisation(organisation_slug)
    require(request, access.can_create_collective(request.user, organisation))
    form = CollectiveForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            collective = services.collective_create(
                organisation=organisation,
                creator=signed_in_user(request),
                name=data["name"],
                description=data["description"],
                communes=data["communes"],
                admission=data["admission"],
                archive_visibility=data["archive_visibility"],
                hold_first_posts=data["hold_first_posts"],
                slug=data.get("slug") or None,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The collective is created. Welcome, coordinator!"))
            return redirect(collective)
    return render(
        request,
        "collectives/collective/create.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


def _errors_to_form(form: CollectiveForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def collective_settings(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_collective(request, slug)
    require(request, rights.can_moderate)
    form = CollectiveForm(
        request.POST or None,
        request.FILES or None,
        instance=collective,
        organisation=collective.organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.collective_update(
                collective=form.instance, communes=form.cleaned_data["communes"]
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            cover_save(collective, form.cleaned_data)
            messages.success(request, _("The settings are saved."))
            return redirect(collective)
    if form.errors:
        collective.refresh_from_db()  # the header shows the saved name, not the typed one
    return render(
        request,
        "collectives/collective/settings.html",
        {"collective": collective, "rights": rights, "form": form, "tab": "home"},
        status=400 if form.errors else 200,
    )


@require_GET
def collective_detail(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_collective(request, slug)
    context = {
        "collective": collective,
        "rights": rights,
        "tab": "home",
        "join_form": JoinForm(
            needs_name=request.user.is_authenticated and not request.user.display_name
        ),
        "home": queries.collective_home(collective, rights),
        "feeds": feed_links(collective),
    }
    return render(request, "collectives/collective/detail.html", context)


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_collective(request, slug)
    require(request, rights.can_moderate)
    form = MeetingForm(request.POST or None, collective=collective)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.meeting_create(
                collective=collective,
                author=signed_in_user(request),
                membership=rights.membership,
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                address=data["address"],
                commune=data["commune"],
                places=data["places"],
                base_url=site_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The meeting is published and announced on the list."))
            return redirect("actions:detail", action.slug)
    return render(
        request,
        "collectives/collective/meeting_create.html",
        {"collective": collective, "rights": rights, "form": form, "tab": "home"},
        status=400 if form.errors else 200,
    )
