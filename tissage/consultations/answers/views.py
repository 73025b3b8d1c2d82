"""The pages of who runs a consultation: the list of proposals to answer, the official
answer of one (with hiding or showing it), finishing the consultation. Every page works
without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.models import User
from tissage.core.access import signs_in_back_to
from tissage.core.emails import site_url

from .. import lookups
from ..access import ConsultationRights, sees_participant_email
from ..models import Proposal
from . import queries, services
from .forms import HIDE, AnswerForm, AnswersFilterForm, FinishForm, HideForm

PAGE_SIZE = 50


@require_GET
def answers(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, _rights = lookups.get_managed_consultation(request, slug)
    counts = queries.filter_counts(consultation)
    filters = AnswersFilterForm(request.GET or None, counts=counts)
    shown = filters.shown()
    page = Paginator(queries.proposals_to_answer(consultation, shown), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consultations/answers/answers.html",
        {
            "consultation": consultation,
            "filters": filters,
            "shown": shown,
            "counts": counts,
            "page": page,
            "query": f"reponse={shown}",
            "Proposal": Proposal,
        },
    )


def _answer_page(
    request: HttpRequest,
    proposal: Proposal,
    rights: ConsultationRights,
    *,
    answer_form: AnswerForm | None = None,
    hide_form: HideForm | None = None,
) -> HttpResponse:
    hiding = proposal.status == Proposal.Status.PUBLISHED
    return render(
        request,
        "consultations/answers/answer_form.html",
        {
            "proposal": proposal,
            "consultation": proposal.consultation,
            "form": answer_form
            or AnswerForm(initial={"status": proposal.answer_status, "text": proposal.answer_text}),
            "hide_form": hide_form or HideForm(hiding=hiding),
            "hiding": hiding,
            "can_hide": proposal.status != Proposal.Status.UNCONFIRMED,
            "sees_email": sees_participant_email(rights),
        },
    )


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal, rights = lookups.get_managed_proposal(request, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = services.proposal_answer(
            proposal=proposal,
            answered_by=_user(request),
            status=form.cleaned_data["status"],
            text=form.cleaned_data["text"],
            base_url=site_url(request),
        )
        messages.success(
            request,
            _("The answer is published; its author and supporters are told.")
            if changed
            else _("Nothing changed in the answer."),
        )
        return redirect("consultations:answers", slug=proposal.consultation.slug)
    return _answer_page(request, proposal, rights, answer_form=form if form.is_bound else None)


@require_POST
@signs_in_back_to("consultations:answer", "pk")
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal, rights = lookups.get_managed_proposal(request, pk)
    form = HideForm(request.POST, hiding=proposal.status == Proposal.Status.PUBLISHED)
    if proposal.status == Proposal.Status.UNCONFIRMED or not form.is_valid():
        return _answer_page(request, proposal, rights, hide_form=form)
    try:
        if form.cleaned_data["action"] == HIDE:
            services.proposal_hide(
                proposal=proposal,
                moderator=_user(request),
                reason=form.cleaned_data["reason"],
                base_url=site_url(request),
            )
            messages.success(request, _("The proposal is hidden; its author is told why."))
        else:
            services.proposal_show(proposal=proposal)
            messages.success(request, _("The proposal is shown again."))
    except services.AnswerRefused:
        # Sent twice, or done meanwhile in another tab: what was asked is done already.
        messages.info(
            request,
            _("The proposal is hidden already.")
            if form.cleaned_data["action"] == HIDE
            else _("The proposal is shown already."),
        )
    return redirect("consultations:answer", pk=proposal.pk)


@require_http_methods(["GET", "POST"])
def finish(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, _rights = lookups.get_managed_consultation(request, slug)
    context: dict[str, Any] = {"consultation": consultation}
    if not consultation.can_finish():
        # Nothing to fill in yet: the page says from when it can be finished.
        status = 400 if request.method == "POST" else 200
        return render(request, "consultations/answers/finish.html", context, status=status)
    unanswered = consultation.proposals.published().unanswered().count()
    form = FinishForm(
        request.POST or None,
        unanswered=unanswered,
        initial={"statement": consultation.closing_statement},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_finish(
                consultation=consultation,
                statement=form.cleaned_data["statement"],
                unanswered_confirmed=unanswered,
            )
        except services.AnswerRefused:
            # Answered meanwhile, between the count above and the lock: confirm again.
            return redirect("consultations:finish", slug=consultation.slug)
        messages.success(request, _("The consultation is finished; its statement is published."))
        return redirect(consultation)
    context.update(form=form, unanswered=unanswered)
    return render(request, "consultations/answers/finish.html", context)


def _user(request: HttpRequest) -> User:
    # The lookups let only signed-in people this far.
    assert isinstance(request.user, User)
    return request.user
