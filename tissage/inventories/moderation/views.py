"""Moderation pages of a campaign: the queue with bulk decisions, and each item's page
(decision, edit, history, merge of duplicates). For moderators only (`can_moderate`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.access import signed_in_user
from tissage.core.access import signs_in_back_to
from tissage.core.emails import site_url

from .. import access, lookups
from ..contributions.services import ContributionRefused
from ..models import Campaign, Contribution, Photo
from . import history, merges, queries, services
from .forms import (
    BULK_ACTIONS,
    BulkDecisionForm,
    DecisionForm,
    EditForms,
    MergeForm,
    QueueFilterForm,
)

QUEUE_PAGE_SIZE = 50


def _moderate_url(campaign: Campaign, item: Contribution) -> str:
    return reverse("inventories:moderate", args=[campaign.slug, item.pk])


# --- The queue ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    item: Contribution
    thumbnail: Photo | None
    contributor: str
    email: str
    possible_duplicate: bool
    # Ticked in the form sent back with an error: ticked again.
    checked: bool


@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, rights = lookups.get_moderated_campaign(request, slug)
    filters = QueueFilterForm(request.GET, campaign=campaign)
    bulk = BulkDecisionForm(request.POST if request.method == "POST" else None, campaign=campaign)
    if request.method == "POST" and bulk.is_valid():
        outcome = services.contribution_bulk_decide(
            items=bulk.cleaned_data["items"],
            moderator=signed_in_user(request),
            status=bulk.status,
            message=bulk.cleaned_data["message"],
            base_url=site_url(request),
        )
        _report(request, outcome, bulk.cleaned_data["action"])
        # Back to the same filters and page, rebuilt from validated values only.
        url = reverse("inventories:queue", args=[campaign.slug])
        return redirect(url + filters.query_string(request.GET.get("page")))

    items = queries.queue_items(campaign, **filters.filters())
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows_items = list(page.object_list)
    flagged = queries.items_with_duplicates(rows_items)
    sees_email = access.sees_contributor_email(rights)
    ticked = set(request.POST.getlist("items"))
    rows = [
        QueueRow(
            item=item,
            thumbnail=next(iter(item.photos.all()), None),
            contributor=history.contributor_label(item),
            email=history.contributor_email(item) if sees_email else "",
            possible_duplicate=item.pk in flagged,
            checked=str(item.pk) in ticked,
        )
        for item in rows_items
    ]
    return render(
        request,
        "inventories/moderation/queue.html",
        {
            "campaign": campaign,
            "filters": filters,
            "bulk": bulk,
            "page": page,
            "rows": rows,
            "actions": bulk.fields["action"].choices,  # type: ignore[attr-defined]
        },
    )


def _report(request: HttpRequest, outcome: services.BulkOutcome, action: str) -> None:
    count = len(outcome.done)
    done = {
        "validate": ngettext("%(count)d item validated", "%(count)d items validated", count),
        "needs_info": ngettext(
            "%(count)d item sent back for more information",
            "%(count)d items sent back for more information",
            count,
        ),
        "reject": ngettext("%(count)d item rejected", "%(count)d items rejected", count),
        "archive": ngettext("%(count)d item archived", "%(count)d items archived", count),
    }[action] % {"count": count}
    if not outcome.skipped:
        messages.success(request, _("%(done)s.") % {"done": done})
        return
    wanted = Contribution.Status(BULK_ACTIONS[action]).label
    names = ", ".join(
        _("“%(title)s” (%(status)s)") % {"title": item.title, "status": item.get_status_display()}
        for item, _why in outcome.skipped
    )
    skipped = ngettext(
        "%(count)d skipped: %(names)s",
        "%(count)d skipped: %(names)s",
        len(outcome.skipped),
    ) % {"count": len(outcome.skipped), "names": names}
    messages.warning(
        request,
        _(
            "%(done)s, %(skipped)s. Each item is decided on its own: these could not "
            "become “%(wanted)s” from their status, the others are done."
        )
        % {"done": done, "skipped": skipped, "wanted": wanted},
    )


# --- One item -------------------------------------------------------------------------


def _item_page(
    request: HttpRequest,
    campaign: Campaign,
    rights: access.CampaignRights,
    item: Contribution,
    *,
    decision: DecisionForm | None = None,
    edit: EditForms | None = None,
    merge: MergeForm | None = None,
) -> HttpResponse:
    photos = list(item.photos.order_by("position", "pk"))
    questions = list(campaign.fields.all())
    by_key = {q.key: q for q in questions}
    events = list(item.events.order_by("created_at", "pk"))
    return render(
        request,
        "inventories/moderation/item.html",
        {
            "campaign": campaign,
            "item": item,
            "photos": photos,
            "answers": history.answers_shown(item, questions),
            "contributor": history.contributor_label(item),
            "contributor_email": (
                history.contributor_email(item) if access.sees_contributor_email(rights) else ""
            ),
            "history": history.history_entries(item, events, by_key),
            "provenance": history.provenance(item, events),
            "nearby": queries.nearby_duplicates(item) if item.merged_into_id is None else [],
            "merged_items": list(item.merged_items.order_by("pk").only("pk", "title")),
            "decision": decision or DecisionForm(item=item),
            "edit": edit or EditForms(item=item, questions=questions, photos=photos),
            "merge": merge or MergeForm(campaign=campaign),
            "merge_url": reverse("inventories:moderate_merge", args=[campaign.slug, item.pk]),
        },
    )


@require_GET
# The decision, the edit and the merge answer POSTs (or a preview with its query) that
# make no sense to open again after signing in: back to the item's moderation page.
@signs_in_back_to("inventories:moderate", "slug", "pk")
def moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _item_page(request, *lookups.get_moderated_item(request, slug, pk))


def _merged_item_page(request: HttpRequest, campaign: Campaign, item: Contribution) -> HttpResponse:
    """A merged duplicate is neither decided nor edited: its page says which item to
    moderate instead."""
    messages.error(
        request,
        _("This item was merged into no. %(pk)s: moderate that one instead.")
        % {"pk": item.merged_into_id},
    )
    return redirect(_moderate_url(campaign, item))


@require_POST
@signs_in_back_to("inventories:moderate", "slug", "pk")
def decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign, rights, item = lookups.get_moderated_item(request, slug, pk)
    if item.merged_into_id is not None:
        return _merged_item_page(request, campaign, item)
    form = DecisionForm(request.POST, item=item)
    if form.is_valid():
        try:
            services.contribution_decide(
                item=item,
                moderator=signed_in_user(request),
                status=form.cleaned_data["status"],
                message=form.cleaned_data["message"],
                base_url=site_url(request),
            )
        except ContributionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("The item is now “%(status)s”.")
                % {"status": Contribution.Status(form.cleaned_data["status"]).label},
            )
            return redirect(_moderate_url(campaign, item))
    return _item_page(request, campaign, rights, item, decision=form)


@require_POST
@signs_in_back_to("inventories:moderate", "slug", "pk")
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign, rights, item = lookups.get_moderated_item(request, slug, pk)
    if item.merged_into_id is not None:
        return _merged_item_page(request, campaign, item)
    forms = EditForms(
        request.POST,
        item=item,
        questions=list(campaign.fields.all()),
        photos=list(item.photos.order_by("position", "pk")),
    )
    if forms.is_valid():
        try:
            event = services.contribution_edit(
                item=item, editor=signed_in_user(request), **forms.changes()
            )
        except ContributionRefused as refusal:
            forms.refusal = str(refusal)
        else:
            if event is None:
                messages.info(request, _("Nothing was changed: the item is as it was."))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Saved: %(count)d change, kept in the history below.",
                        "Saved: %(count)d changes, kept in the history below.",
                        len(event.changes),
                    )
                    % {"count": len(event.changes)},
                )
            return redirect(_moderate_url(campaign, item))
    item.refresh_from_db()
    return _item_page(request, campaign, rights, item, edit=forms)


@require_http_methods(["GET", "POST"])
@signs_in_back_to("inventories:moderate", "slug", "pk")
def merge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what the merge will do, with a button to confirm; POST: do it."""
    campaign, _rights, item = lookups.get_moderated_item(request, slug, pk)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = MergeForm(data, campaign=campaign)
    plan = None
    if form.is_valid():
        keep, duplicate = form.pair(item)
        try:
            if request.method == "POST":
                plan = merges.contribution_merge(
                    keep=keep, duplicate=duplicate, moderator=signed_in_user(request)
                )
            else:
                plan = merges.merge_plan(keep=keep, duplicate=duplicate)
        except ContributionRefused as refusal:
            form.add_error(None, str(refusal))
            plan = None
        else:
            if request.method == "POST":
                messages.success(request, _merged_message(plan))
                return redirect(_moderate_url(campaign, plan.keep))
    return render(
        request,
        "inventories/moderation/merge.html",
        {
            "campaign": campaign,
            "item": item,
            "form": form,
            "plan": plan,
            "filled": (
                history.describe_changes(
                    plan.filled,
                    campaign=campaign,
                    questions={q.key: q for q in campaign.fields.all()},
                )
                if plan
                else []
            ),
        },
    )


def _merged_message(plan: merges.MergePlan) -> str:
    text = _("“%(duplicate)s” is merged into “%(keep)s”; its address now leads here.") % {
        "duplicate": plan.duplicate.title,
        "keep": plan.keep.title,
    }
    if plan.photos_moved:
        text += " " + ngettext(
            "%(moved)d photo moved: the item now has %(total)d.",
            "%(moved)d photos moved: the item now has %(total)d.",
            plan.photos_moved,
        ) % {"moved": plan.photos_moved, "total": plan.photos_after}
        if plan.photos_after > 5:
            text += " " + _("Remove the photos that are not needed below.")
    return text
