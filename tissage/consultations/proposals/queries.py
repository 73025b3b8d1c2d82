"""What the proposals' pages read: the list in its three orders, similar titles, a
proposal's page, the consultation page's part."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from tissage.core.unions import union_all
from tissage.territories.models import Commune

from ..access import AnyUser, ConsultationRights
from ..models import Category, Consultation, Proposal, ProposalWord, Support
from ..models.proposals import SHUFFLE_KEYS, title_words

# The orders of the list, as the address names them.
SORT_SUPPORTED = "soutiens"
SORT_RECENT = "recentes"
SORT_RANDOM = "hasard"
SORTS = (SORT_RANDOM, SORT_SUPPORTED, SORT_RECENT)

# The visitor's seed: where their random order starts in the shuffled circle, and which
# way it goes round (`Shuffled`).
SEED_LIMIT = SHUFFLE_KEYS
SEED_COOKIE = "tissage_ordre"
# A visitor keeps their order a day: paging through the list, then coming back.
SEED_MAX_AGE = 24 * 3600

SIMILAR_MAX = 5
# Similar titles are ranked among, for each word, this many newest published proposals
# that hold it: what a request reads is bounded whatever the consultation's size.
SIMILAR_PER_WORD = 40
# Words of a title searched at most (the first ones).
SIMILAR_WORDS = 8


def seed_read(text: str | None) -> int | None:
    """The visitor's seed from its cookie, or None when absent or not one of ours."""
    if not text or not text.isdigit() or len(text) > 10:
        return None
    seed = int(text)
    return seed if 1 <= seed < SEED_LIMIT else None


def seed_new() -> int:
    return secrets.randbelow(SEED_LIMIT - 1) + 1


class Shuffled:
    """The visitor's random order: the proposals round a circle shuffled once (each
    proposal's `shuffle_key`, drawn at its creation), from the visitor's starting point
    (their seed) and in their direction (its last bit). Every proposal comes once, and
    none is always first or last.

    A page is read through `proposal_by_shuffle` from the start, as the other orders
    read theirs: it costs the same whatever the number of proposals, where sorting every
    proposal by a key computed from the seed grew with them (issue #20). What it gives
    up: two visitors see the same neighbours, from another start or the other way round.

    For Django's paginator: `count()`, and a slice is a list of the page's proposals
    (one query, two when the page runs past the top of the circle, three beyond it)."""

    ordered = True

    def __init__(self, proposals: Any, seed: int) -> None:
        self.proposals = proposals
        self.start = seed
        self.forwards = bool(seed & 1)

    def _arcs(self) -> tuple[Any, Any]:
        """From the start to the top of the circle, then from its bottom to the start."""
        if self.forwards:
            order = ("shuffle_key", "pk")
            return (
                self.proposals.filter(shuffle_key__gte=self.start).order_by(*order),
                self.proposals.filter(shuffle_key__lt=self.start).order_by(*order),
            )
        order = ("-shuffle_key", "-pk")
        return (
            self.proposals.filter(shuffle_key__lte=self.start).order_by(*order),
            self.proposals.filter(shuffle_key__gt=self.start).order_by(*order),
        )

    def count(self) -> int:
        return int(self.proposals.count())

    def __getitem__(self, page: slice) -> list[Any]:
        first, then = self._arcs()
        low, high = page.start or 0, page.stop
        found = list(first[low:high])
        if high is not None and len(found) == high - low:
            return found
        # The first arc ends on this page (or before it): how long it is.
        length = low + len(found) if found else first.count()
        rest = (
            then[max(low - length, 0) :]
            if high is None
            else then[max(low - length, 0) : high - length]
        )
        return found + list(rest)

    def __iter__(self) -> Iterator[Any]:
        first, then = self._arcs()
        yield from first
        yield from then


def in_order(proposals: Any, sort: str, seed: int) -> Any:
    """The proposals in the order asked: most supported, most recent, or the visitor's
    own round the shuffled circle (`Shuffled`; ties broken by key: pages never
    overlap)."""
    if sort == SORT_SUPPORTED:
        return proposals.order_by("-support_count", "-pk")
    if sort == SORT_RECENT:
        return proposals.order_by("-created_at", "-pk")
    return Shuffled(proposals, seed)


def proposal_list(
    consultation: Consultation,
    *,
    sort: str,
    seed: int,
    category: Category | None = None,
    commune: Commune | None = None,
) -> Any:
    """The published ideas of the consultation, filtered and in order, for cards."""
    proposals = consultation.proposals.published().ideas().for_cards()
    if category is not None:
        proposals = proposals.filter(category=category)
    if commune is not None:
        proposals = proposals.filter(commune=commune)
    return in_order(proposals, sort, seed)


@dataclass(frozen=True)
class Similar:
    pk: int
    title: str
    support_count: int
    common: int


def similar_proposals(
    consultation: Consultation, title: str, *, exclude: int | None = None
) -> list[Similar]:
    """Up to five published proposals of the consultation whose titles share words with
    `title` (case and accents ignored, common words left out), most words in common
    first, then most supported.

    One query: for each of the first words, the newest published proposals that hold it
    (at most `SIMILAR_PER_WORD`, read from the words' index `proposal_word_newest`, each
    checked published on its row), put together with `UNION ALL`. A proposal found under
    several words comes once per word: that is how many it shares. The candidates of a
    common word are its newest proposals, not its most supported: reading those would
    sort every proposal that holds it."""
    words = title_words(title)[:SIMILAR_WORDS]
    if not words:
        return []
    per_word = [
        ProposalWord.objects.filter(
            consultation=consultation, word=word, proposal__status=Proposal.Status.PUBLISHED
        )
        .order_by("-proposal_id")
        .values_list("proposal_id", "proposal__title", "proposal__support_count")[:SIMILAR_PER_WORD]
        for word in words
    ]
    rows = union_all(per_word)
    common: Counter[int] = Counter()
    found: dict[int, Similar] = {}
    for pk, found_title, count in rows:
        if pk == exclude:
            continue
        common[pk] += 1
        found[pk] = Similar(pk, found_title, count, 0)
    ranked = sorted(
        (replace(similar, common=common[pk]) for pk, similar in found.items()),
        key=lambda similar: (-similar.common, -similar.support_count, -similar.pk),
    )
    return ranked[:SIMILAR_MAX]


def supported_by(user: AnyUser, proposal: Proposal) -> bool:
    if not user.is_authenticated:
        return False
    return Support.objects.filter(proposal=proposal, user=user).exists()


def proposal_page(proposal: Proposal, user: AnyUser, rights: ConsultationRights) -> dict[str, Any]:
    """What the proposal's page shows besides the proposal (read by the lookup)."""
    return {
        "photos": list(proposal.photos.all()),
        "supported": supported_by(user, proposal),
    }


def top_proposals(consultation: Consultation) -> list[Proposal]:
    """The three most supported ideas, for the consultation page."""
    return list(
        consultation.proposals.published().ideas().for_cards().order_by("-support_count", "-pk")[:3]
    )
