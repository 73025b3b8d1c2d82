"""Material needs (the facilitators' list) and pledges (anyone who sees the action).

Each view starts with `lookups`: access is decided in `access.py` only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tissage.accounts.models import User
from tissage.actions import lookups
from tissage.actions.models import Action, Need
from tissage.core.access import signs_in_back_to
from tissage.core.emails import site_url

from . import services
from .forms import NeedForm, PledgeForm


def _pledge_form(request: HttpRequest, need: Need, data: Any = None) -> PledgeForm:
    user = request.user
    return PledgeForm(
        data,
        # Several forms on one page: ids must stay unique for the labels.
        auto_id=f"id_pledge_{need.pk}_%s",
        initial={"name": user.public_name} if isinstance(user, User) else None,
    )


def needs_part(request: HttpRequest, action: Action) -> dict[str, Any]:
    """What the action page needs for its "Material" section (one query), to merge into
    its context: `needs` (lines with a pledge form each) and `pledges_open`. No query
    when the action was read knowing it has no needs (`lookups.get_action_and_roles`)."""
    lines = services.need_lines(action) if getattr(action, "has_needs", True) else []
    return {
        "needs": [(line, _pledge_form(request, line.need)) for line in lines],
        "pledges_open": services.pledges_open(action),
    }


@require_http_methods(["GET", "POST"])
def needs(request: HttpRequest, slug: str) -> HttpResponse:
    """The facilitators' list of needs: add one (POST here), change or remove one."""
    action, _rights = lookups.get_managed_action(request, slug)
    form = NeedForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        services.need_save(action=action, **form.cleaned_data)
        messages.success(request, _("The need is added."))
        return redirect("actions:needs", slug=action.slug)
    return _needs_page(request, action, new_form=form)


def _needs_page(
    request: HttpRequest,
    action: Action,
    *,
    new_form: NeedForm | None = None,
    bound: NeedForm | None = None,
) -> HttpResponse:
    rows = []
    for line in services.need_lines(action, with_pledges=True):
        need = line.need
        form = (
            bound
            if bound is not None and bound.prefix == f"need-{need.pk}"
            else NeedForm(
                prefix=f"need-{need.pk}", initial={"label": need.label, "quantity": need.quantity}
            )
        )
        rows.append((line, form))
    return render(
        request,
        "actions/needs/needs.html",
        {
            "action": action,
            "rows": rows,
            "form": new_form or NeedForm(prefix="new"),
            "pledges_open": services.pledges_open(action),
        },
    )


@require_POST
@signs_in_back_to("actions:needs", "slug")
def need_edit(request: HttpRequest, slug: str, need_pk: int) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    need = lookups.get_need(action, need_pk)
    form = NeedForm(request.POST, prefix=f"need-{need.pk}")
    if not form.is_valid():
        return _needs_page(request, action, bound=form)
    services.need_save(action=action, need=need, **form.cleaned_data)
    messages.success(request, _("The need is changed."))
    return redirect("actions:needs", slug=action.slug)


@require_POST
@signs_in_back_to("actions:needs", "slug")
def need_delete(request: HttpRequest, slug: str, need_pk: int) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    services.need_delete(need=lookups.get_need(action, need_pk))
    messages.success(request, _("The need is removed, with its pledges."))
    return redirect("actions:needs", slug=action.slug)


@require_POST
@signs_in_back_to("actions:needs", "slug")
def pledge_confirm(request: HttpRequest, slug: str, pledge_pk: int) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    pledge = lookups.get_pledge(action, pledge_pk)
    try:
        confirmed = services.pledge_confirm(pledge=pledge, base_url=site_url(request))
    except services.PledgeRefused as error:
        messages.error(request, " ".join(error.messages))
    else:
        if not confirmed:
            message = _("The pledge of %(name)s was already confirmed.")
        elif pledge.email:
            message = _("The pledge of %(name)s is confirmed; they are told by email.")
        else:
            message = _("The pledge of %(name)s is confirmed.")
        messages.success(request, message % {"name": pledge.name})
    return redirect(reverse("actions:needs", args=[action.slug]) + f"#need-{pledge.need_id}")


@require_POST
def pledge(request: HttpRequest, slug: str, need_pk: int) -> HttpResponse:
    action, _rights = lookups.get_action(request, slug)
    need = lookups.get_need(action, need_pk)
    form = _pledge_form(request, need, request.POST)
    if form.is_valid():
        user = request.user if isinstance(request.user, User) else None
        try:
            services.pledge_add(need=need, user=user, **form.cleaned_data)
        except services.PledgeRefused as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Thank you: the organisers know you bring %(quantity)s × %(label)s.")
                % {"quantity": form.cleaned_data["quantity"], "label": need.label},
            )
            return redirect(reverse("actions:detail", args=[action.slug]) + "#material-title")
    line = next(line for line in services.need_lines(action) if line.need.pk == need.pk)
    return render(
        request, "actions/needs/pledge.html", {"action": action, "line": line, "form": form}
    )
