"""What the proposals' pages read: the list in its three orders, similar titles, a
proposal's page, the consultation page's part."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db.models import BigIntegerField, F, Q, Value
from django.db.models.functions import Cast

from tissage.territories.models import Commune

from ..access import AnyUser, ConsultationRights
from ..models import Category, Consultation, Proposal, Support
from ..models.proposals import title_words

# The orders of the list, as the address names them.
SORT_SUPPORTED = "soutiens"
SORT_RECENT = "recentes"
SORT_RANDOM = "hasard"
SORTS = (SORT_RANDOM, SORT_SUPPORTED, SORT_RECENT)

# The random order: proposal k comes at x² mod P, where x = (k × a + b) mod P, P a
# prime above any key the table will hold and (a, b) drawn from the visitor's seed. The
# affine step alone would keep neighbours in a visible stride; squaring mixes them. Ties
# (x and P - x) are broken by the key. Stable for one seed, different for another, and
# computed alike by SQLite and PostgreSQL in 64-bit integers (every product stays below
# 2^62 for keys below 2^31).
RANDOM_PRIME = 2_147_483_647
SEED_COOKIE = "tissage_ordre"
# A visitor keeps their order a day: paging through the list, then coming back.
SEED_MAX_AGE = 24 * 3600

SIMILAR_MAX = 5
# Similar titles are ranked among this many candidates at most (the most supported).
SIMILAR_CANDIDATES = 100
# Words of a title searched at most (the first ones).
SIMILAR_WORDS = 8


def seed_read(text: str | None) -> int | None:
    """The visitor's seed from its cookie, or None when absent or not one of ours."""
    if not text or not text.isdigit() or len(text) > 10:
        return None
    seed = int(text)
    return seed if 1 <= seed < RANDOM_PRIME else None


def seed_new() -> int:
    return secrets.randbelow(RANDOM_PRIME - 1) + 1


def in_order(proposals: Any, sort: str, seed: int) -> Any:
    """The proposals in the order asked: most supported, most recent, or the visitor's
    shuffle (ties broken by key: pages never overlap)."""
    if sort == SORT_SUPPORTED:
        return proposals.order_by("-support_count", "-pk")
    if sort == SORT_RECENT:
        return proposals.order_by("-created_at", "-pk")
    a, b = seed, (seed * 48271 + 11) % RANDOM_PRIME
    # The `%` operator of both databases, not Mod(): SQLite's MOD() is a Python function
    # Django registers, called once a row (three times slower on 10,000 proposals).
    mixed = (Cast(F("pk"), BigIntegerField()) * Value(a) + Value(b)) % Value(RANDOM_PRIME)
    shuffle = (mixed * mixed) % Value(RANDOM_PRIME)
    return proposals.alias(shuffle=shuffle).order_by("shuffle", "pk")


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
    first, then most supported. One query on the stored words (`Proposal.title_key`)."""
    words = title_words(title)[:SIMILAR_WORDS]
    if not words:
        return []
    match = Q()
    for word in words:
        match |= Q(title_key__contains=f" {word} ")
    candidates = (
        consultation.proposals.published()
        .filter(match)
        .order_by("-support_count", "-pk")
        .values_list("pk", "title", "title_key", "support_count")[:SIMILAR_CANDIDATES]
    )
    wanted = set(words)
    found = [
        Similar(pk, found_title, count, len(wanted & set(key.split())))
        for pk, found_title, key, count in candidates
        if pk != exclude
    ]
    found.sort(key=lambda similar: (-similar.common, -similar.support_count, -similar.pk))
    return found[:SIMILAR_MAX]


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
