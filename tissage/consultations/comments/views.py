"""Comments on proposals and remarks: writing one (or a reply), reporting one, and the
moderation of who runs the consultation (hide, or keep and close the reports).

Each form has a page of its own (GET), so that it works without JavaScript, errors
stand next to the fields, and signing in comes back to it; the proposal page shows the
same forms inline (`{% comments_thread %}`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tissage.accounts.access import signed_in_user

from .. import lookups
from . import queries, services
from .forms import CommentForm, ModerationForm, ReportForm


@require_http_methods(["GET", "POST"])
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Comment on a proposal (or reply to one of its comments, `parent`)."""
    proposal, rights = lookups.get_proposal_to_comment(request, pk)
    if request.method == "POST":
        form = CommentForm(request.POST, proposal=proposal)
        if form.is_valid():
            posted = services.comment_post(
                proposal=proposal,
                author=signed_in_user(request),
                text=form.cleaned_data["text"],
                parent=form.cleaned_data["parent"],
            )
            messages.success(request, _("Your comment is published."))
            return redirect(services.comment_url(posted))
        status = 400
    else:
        form = CommentForm(initial={"parent": request.GET.get("parent")}, proposal=proposal)
        status = 200
    parent = queries.reply_parent(
        proposal, form.data.get("parent") if form.is_bound else request.GET.get("parent")
    )
    return render(
        request,
        "consultations/comments/comment.html",
        {"proposal": proposal, "rights": rights, "form": form, "parent": parent},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a comment to who runs the consultation: once per person."""
    found, rights = lookups.get_comment_to_report(request, pk)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.comment_report(
            comment=found, reporter=signed_in_user(request), reason=form.cleaned_data["reason"]
        ):
            messages.success(
                request, _("Thank you: who runs the consultation will look at this comment.")
            )
        else:
            messages.info(
                request,
                _("You have already reported this comment: it will be looked at."),
            )
        return redirect(services.comment_url(found))
    return render(
        request,
        "consultations/comments/report.html",
        {"reported": found, "proposal": found.proposal, "rights": rights, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """Who runs the consultation hides a comment (GET asks to confirm)."""
    found, rights = lookups.get_managed_comment(request, pk)
    if request.method == "POST":
        services.comment_hide(comment=found)
        messages.success(request, _("The comment is hidden; its reports are closed."))
        return redirect(services.comment_url(found))
    return render(
        request,
        "consultations/comments/hide.html",
        {"hidden": found, "proposal": found.proposal, "rights": rights},
    )


@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    """The reported comments first, with their reports, to hide or keep; then the latest
    comments, to hide one nobody reported."""
    consultation, rights = lookups.get_managed_consultation(request, slug)
    status = 200
    if request.method == "POST":
        form = ModerationForm(request.POST, consultation=consultation)
        if form.is_valid():
            decided = form.cleaned_data["comment"]
            if form.cleaned_data["decision"] == "hide":
                services.comment_hide(comment=decided)
                messages.success(request, _("The comment is hidden; its reports are closed."))
            else:
                services.comment_keep(comment=decided)
                messages.success(request, _("The comment stays; its reports are closed."))
            return redirect(request.path)
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        status = 400
    return render(
        request,
        "consultations/comments/moderation.html",
        {"consultation": consultation, "rights": rights, **queries.moderation_page(consultation)},
        status=status,
    )
