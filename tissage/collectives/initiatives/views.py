"""Initiatives of a collective: the list, proposing one, its page ("j’en suis", status,
its discussion) and turning it into a project.

Reading follows `lookups.get_readable_collective`. Pages that change something send an
anonymous visitor to sign in first, before the collective is even looked up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from tissage.accounts.access import signed_in_user
from tissage.core.access import require
from tissage.core.emails import site_url
from tissage.core.feeds import atom_answer

from .. import access, lookups
from ..access import CollectiveRights
from ..models import Collective, Initiative
from . import feeds, queries, services
from .forms import InitiativeForm, InitiativeStatusForm


@require_GET
def initiative_list(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    chosen = request.GET.get("statut", "")
    if chosen not in Initiative.Status.values:
        chosen = ""
    by_status = queries.initiatives_by_status(collective, request.user)
    groups = [
        {
            "status": status,
            "label": Initiative.Status(status).label,
            "initiatives": by_status[status],
        }
        for status in queries.STATUS_ORDER
        if not chosen or status == chosen
    ]
    filters = [
        {"status": g, "label": Initiative.Status(g).label, "count": len(by_status[g])}
        for g in queries.STATUS_ORDER
    ]
    return render(
        request,
        "collectives/initiatives/list.html",
        {
            "collective": collective,
            "rights": rights,
            "tab": "initiatives",
            "groups": groups,
            "filters": filters,
            "chosen": chosen,
            "total": sum(len(items) for items in by_status.values()),
            "feeds": feeds.feed_links(collective),
        },
    )


@require_safe
def initiatives_feed(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The collective's initiatives as Atom, when anyone may read its archive."""
    collective = lookups.get_public_archive(slug)
    feed = feeds.InitiativesFeed(collective, base_url=site_url(request))
    return atom_answer(request, feed, feeds.initiatives_feed_version(collective))


@require_http_methods(["GET", "POST"])
def initiative_create(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    collective, rights = lookups.get_readable_collective(request, slug)
    require(request, rights.can_participate)
    form = InitiativeForm(request.POST or None, collective=collective)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = services.initiative_propose(
                collective=collective,
                proposer=user,
                title=data["title"],
                what=data["what"],
                where=data["where"],
                commune=data["commune"],
                needs=data["needs"],
                membership=rights.membership,
                initiative_url_base=site_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your initiative is proposed: its discussion is open on the list."),
            )
            return redirect(initiative)
    return render(
        request,
        "collectives/initiatives/form.html",
        {
            "collective": collective,
            "rights": rights,
            "tab": "initiatives",
            "form": form,
            "initiative": None,
        },
    )


def _detail_context(
    request: HttpRequest,
    collective: Collective,
    rights: CollectiveRights,
    initiative: Initiative,
    status_form: InitiativeStatusForm | None = None,
) -> dict[str, Any]:
    members = queries.initiative_members(initiative)
    user_pk = request.user.pk if request.user.is_authenticated else None
    can_edit = access.can_edit_initiative(rights, request.user, initiative)
    return {
        "collective": collective,
        "rights": rights,
        "tab": "initiatives",
        "initiative": initiative,
        "members": members,
        "joined": any(member.user_id == user_pk for member in members),
        "last_messages": queries.last_messages(initiative),
        "can_edit": can_edit,
        "can_make_project": access.can_make_project(rights, initiative),
        "status_form": status_form
        or (InitiativeStatusForm(initial={"status": initiative.status}) if can_edit else None),
    }


@require_GET
def initiative_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    collective, rights, initiative = lookups.get_initiative(request, slug, pk)
    return render(
        request,
        "collectives/initiatives/detail.html",
        _detail_context(request, collective, rights, initiative),
    )


@require_POST
def initiative_join(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    _collective, rights, initiative = lookups.get_initiative(request, slug, pk)
    require(request, rights.can_participate)
    services.initiative_join(initiative=initiative, user=user)
    messages.success(request, _("You are in! Say hello in the initiative’s discussion."))
    return redirect(initiative)


@require_POST
def initiative_leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    _collective, rights, initiative = lookups.get_initiative(request, slug, pk)
    require(request, rights.can_participate)
    services.initiative_leave(initiative=initiative, user=user)
    messages.success(request, _("You left the initiative."))
    return redirect(initiative)


@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    collective, rights, initiative = lookups.get_initiative(request, slug, pk)
    require(request, access.can_edit_initiative(rights, user, initiative))
    form = InitiativeForm(request.POST or None, collective=collective, initiative=initiative)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.initiative_update(
                initiative=initiative,
                title=data["title"],
                what=data["what"],
                where=data["where"],
                commune=data["commune"],
                needs=data["needs"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The initiative is saved."))
            return redirect(initiative)
    return render(
        request,
        "collectives/initiatives/form.html",
        {
            "collective": collective,
            "rights": rights,
            "tab": "initiatives",
            "form": form,
            "initiative": initiative,
        },
    )


@require_POST
def initiative_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    collective, rights, initiative = lookups.get_initiative(request, slug, pk)
    require(request, access.can_edit_initiative(rights, user, initiative))
    form = InitiativeStatusForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, collective, rights, initiative, status_form=form)
        return render(request, "collectives/initiatives/detail.html", context, status=400)
    services.initiative_set_status(
        initiative=initiative,
        status=form.cleaned_data["status"],
    )
    messages.success(
        request,
        _("The initiative is now: %(status)s.") % {"status": initiative.get_status_display()},
    )
    return redirect(initiative)


@require_POST
def initiative_project(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    _collective, rights, initiative = lookups.get_initiative(request, slug, pk)
    require(request, rights.can_moderate)
    if initiative.project is not None:
        # A second click, or another coordinator was quicker: the project exists.
        return redirect(initiative.project)
    if not access.can_make_project(rights, initiative):
        messages.error(
            request,
            _("Only an active initiative can become a project: change its status first."),
        )
        return redirect(initiative)
    try:
        project = services.initiative_make_project(
            initiative=initiative,
            coordinator=user,
            membership=rights.membership,
            base_url=site_url(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(initiative)
    messages.success(
        request,
        _("The initiative is now a project, with its members as the team."),
    )
    return redirect(project)
