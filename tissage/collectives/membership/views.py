"""Who is in a collective, on the web: joining and leaving, the members page (requests,
roles, removing a member) and how a member receives the list (and resuming it once it
was suspended because their copies bounced).

Who may do what is decided in `access.py` only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.access import signed_in_user
from tissage.core.access import require, signs_in_back_to
from tissage.core.emails import site_url

from .. import lookups
from ..models import CollectiveMembership
from . import queries, services
from .forms import DeliveryForm, JoinForm, MemberActionForm

Status = CollectiveMembership.Status
Role = CollectiveMembership.Role


@require_POST
@signs_in_back_to("collectives:detail", "slug")
def join(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_collective(request, slug)
    user = signed_in_user(request)
    if rights.membership is not None:
        # A double click, or the page was open in two tabs.
        return redirect(collective)
    form = JoinForm(request.POST, needs_name=not user.display_name)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(collective)
    membership, _created = services.membership_join(
        collective=collective,
        user=user,
        message=form.cleaned_data["message"],
        display_name=form.cleaned_data.get("display_name", ""),
        base_url=site_url(request),
    )
    if membership.status == Status.ACTIVE:
        messages.success(
            request,
            _("Welcome to %(collective)s! An email explains how the list works.")
            % {"collective": collective.name},
        )
    else:
        messages.success(
            request,
            _("Your request is sent. The coordinators will answer soon; you will get an email."),
        )
    return redirect(collective)


@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_collective(request, slug)
    require(request, rights.membership is not None)
    assert rights.membership is not None
    pending = rights.is_pending
    try:
        services.membership_remove(membership=rights.membership)
    except services.MembershipRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(collective)
    if pending:
        messages.success(request, _("Your request is withdrawn."))
    else:
        messages.success(
            request,
            _("You left %(collective)s. You will no longer receive its messages.")
            % {"collective": collective.name},
        )
    return redirect(collective)


@require_GET
def members(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_collective(request, slug)
    require(request, rights.can_participate or rights.can_moderate)
    lists = queries.member_lists(collective, rights)
    context = {
        "collective": collective,
        "rights": rights,
        "tab": "members",
        "coordinators": lists.coordinators,
        "members": lists.members,
        "pending": lists.pending,
        "actions": MemberActionForm,
    }
    return render(request, "collectives/membership/members.html", context)


@require_POST
def member(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    collective, rights = lookups.get_collective(request, slug)
    require(request, rights.can_moderate)
    membership = lookups.get_membership(collective, membership_id)
    form = MemberActionForm(request.POST)
    members_url = reverse("collectives:members", args=[collective.slug])
    if not form.is_valid():
        messages.error(request, _("Choose one of the buttons offered."))
        return redirect(members_url)
    action = form.cleaned_data["action"]
    name = membership.user.public_name
    base_url = site_url(request)
    try:
        if action in (form.APPROVE, form.REFUSE):
            if action == form.APPROVE:
                services.request_approve(membership=membership, base_url=base_url)
                messages.success(request, _("%(name)s is now a member.") % {"name": name})
            else:
                services.request_refuse(membership=membership, base_url=base_url)
                messages.success(request, _("The request of %(name)s is refused.") % {"name": name})
        elif action == form.REMOVE:
            services.membership_remove(membership=membership)
            messages.success(request, _("%(name)s is no longer a member.") % {"name": name})
        else:
            role = Role.COORDINATOR if action == form.COORDINATOR else Role.MEMBER
            services.membership_set_role(membership=membership, role=role)
            messages.success(
                request,
                _("%(name)s is now %(role)s.") % {"name": name, "role": Role(role).label},
            )
    except services.MembershipRefused as refusal:
        messages.error(request, str(refusal))
    return redirect(members_url)


@require_http_methods(["GET", "POST"])
def delivery(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_collective(request, slug)
    require(request, rights.can_participate)
    membership = rights.membership
    assert membership is not None
    form = DeliveryForm(request.POST or None, initial={"delivery": membership.delivery})
    if request.method == "POST" and form.is_valid():
        services.delivery_set(membership=membership, delivery=form.cleaned_data["delivery"])
        messages.success(request, _("Your choice is saved."))
        return redirect(collective)
    context = {
        "collective": collective,
        "rights": rights,
        "form": form,
        "tab": "home",
        # The notice of a suspended delivery is this page's own, not the banner's.
        "delivery_page": True,
        "last_bounce": queries.last_bounce(membership),
    }
    return render(
        request,
        "collectives/membership/delivery.html",
        context,
        status=400 if form.errors else 200,
    )


@require_POST
def delivery_resume(request: HttpRequest, slug: str) -> HttpResponse:
    """The member's own button: the list emails them again (issue #12, item 4)."""
    collective, rights = lookups.get_collective(request, slug)
    require(request, rights.can_participate)
    membership = rights.membership
    assert membership is not None
    services.delivery_resume(membership=membership)
    messages.success(
        request,
        _("The list will email you again at %(email)s.") % {"email": membership.user.email},
    )
    return redirect("collectives:delivery", collective.slug)
