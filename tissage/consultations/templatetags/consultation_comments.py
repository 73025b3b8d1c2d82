"""The comments of a proposal, on its page: `{% comments_thread proposal %}`, for the
request's user (and the page's `rights` when it has them), in a fixed number of
queries."""

from __future__ import annotations

from typing import Any

from django import template

from .. import access
from ..comments import queries
from ..comments.forms import CommentForm
from ..models import Proposal

register = template.Library()


@register.inclusion_tag("consultations/comments/_thread_body.html", takes_context=True)
def comments_thread(context: template.Context, proposal: Proposal) -> dict[str, Any]:
    request = context["request"]
    rights = context.get("rights")
    if not isinstance(rights, access.ConsultationRights):
        rights = access.consultation_rights(request.user, proposal.consultation)
    return {
        "proposal": proposal,
        "thread": queries.thread(proposal, request.user, rights),
        # Its own ids: the proposal page may hold other forms with a `text` field.
        "form": CommentForm(proposal=proposal, auto_id="comment_%s"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
