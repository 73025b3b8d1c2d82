"""The consultations' part of site search (core.search): published consultations of the
projects the visitor may see, and their published proposals (ideas and remarks on the
map). Never a draft consultation, never a hidden proposal or one waiting for its
author's email."""

from __future__ import annotations

from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tissage.core.search import SearchGroup, SearchHit, SearchTerms, matching, search_group

from .access import AnyUser, consultations_listed_for, proposals_listed_for
from .models import Consultation, Proposal

# Indexed by migration 0003 (core.search.search_index_operations): the same columns.
CONSULTATION_COLUMNS = ("title", "text")
PROPOSAL_COLUMNS = ("title", "text")


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


def consultations_search(terms: SearchTerms, user: AnyUser) -> SearchGroup | None:
    rows = matching(consultations_listed_for(user), CONSULTATION_COLUMNS, terms).only(
        "title", "slug", "published", "opens_on", "closes_on", "finished_at"
    )
    return search_group(
        kind="consultations", label=_("Consultations"), rows=rows, hit=_consultation_hit
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


def proposals_search(terms: SearchTerms, user: AnyUser) -> SearchGroup | None:
    rows = (
        matching(proposals_listed_for(user), PROPOSAL_COLUMNS, terms)
        .select_related("consultation")
        .only("title", "part", "consultation__title")
    )
    return search_group(kind="proposals", label=_("Proposals"), rows=rows, hit=_proposal_hit)
