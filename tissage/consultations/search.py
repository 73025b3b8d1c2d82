"""The consultations' part of site search (core.search): published consultations of the
projects the visitor may see, and their published proposals (ideas and remarks on the
map). Never a draft consultation, never a hidden proposal or one waiting for its
author's email."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tissage.core.search import SearchHit, SearchKind

from .access import AnyUser, consultations_listed_for, proposals_listed_for
from .models import Consultation, Proposal

# Indexed on title and text, both models (migrations 0003 and 0005).


def _consultation_hit(consultation: Consultation) -> SearchHit:
    """The detail line says where it stands: its state and its dates."""
    dates = _("from %(start)s to %(end)s") % {
        "start": formats.date_format(consultation.opens_on, "DATE_FORMAT"),
        "end": formats.date_format(consultation.closes_on, "DATE_FORMAT"),
    }
    return SearchHit(
        title=consultation.title,
        url=consultation.get_absolute_url(),
        detail=f"{capfirst(consultation.state_label())} · {dates}",
    )


def _consultations(user: AnyUser) -> QuerySet[Consultation]:
    return consultations_listed_for(user).only(
        "title", "slug", "published", "opens_on", "closes_on", "finished_at"
    )


consultations_kind = SearchKind(
    kind="consultations",
    label=gettext_lazy("Consultations"),
    model=Consultation,
    visible=_consultations,
    hit=_consultation_hit,
)


def _proposal_hit(proposal: Proposal) -> SearchHit:
    """The detail line names the consultation (and says a remark is on the map)."""
    consultation = proposal.consultation.title
    detail = (
        _("Remark on the map · %(consultation)s") % {"consultation": consultation}
        if proposal.part == Proposal.Part.MAP
        else consultation
    )
    return SearchHit(title=proposal.title, url=proposal.get_absolute_url(), detail=detail)


def _proposals(user: AnyUser) -> QuerySet[Proposal]:
    return (
        proposals_listed_for(user)
        .select_related("consultation")
        .only("title", "part", "consultation__title")
    )


proposals_kind = SearchKind(
    kind="proposals",
    label=gettext_lazy("Proposals"),
    model=Proposal,
    visible=_proposals,
    hit=_proposal_hit,
)
