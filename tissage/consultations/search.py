"""The consultations' part of site search (core.search): published consultations of the
projects the visitor may see, and their published proposals (ideas and remarks on the
map). Never a draft consultation, never a hidden proposal or one waiting for its
author's email."""

from __future__ import annotations

from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tissage.core.search import SearchHit, SearchKind

from .access import consultations_listed_for, proposals_listed_for
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


consultations_kind = SearchKind(
    kind="consultations",
    label=gettext_lazy("Consultations"),
    model=Consultation,
    visible=consultations_listed_for,
    hit=_consultation_hit,
    shown=("title", "slug", "published", "opens_on", "closes_on", "finished_at"),
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


proposals_kind = SearchKind(
    kind="proposals",
    label=gettext_lazy("Proposals"),
    model=Proposal,
    visible=proposals_listed_for,
    hit=_proposal_hit,
    shown=("title", "part", "consultation__title"),
    related=("consultation",),
)
