"""The collectives' part of site search (core.search): collectives (their page is
public), and the initiatives and wiki pages of those the visitor may read."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tissage.core.search import SearchHit, SearchKind

from .access import AnyUser, collectives_readable_by
from .models import Collective, Initiative, WikiRevision

# Indexed (migrations 0009 and 0011): collectives on name and description, initiatives
# on title, what, where and needs, wiki revisions on title and body.


def _collectives(user: AnyUser) -> models.QuerySet[Collective]:
    return Collective.objects.all()


def _initiatives(user: AnyUser) -> models.QuerySet[Initiative]:
    return Initiative.objects.filter(collective__in=collectives_readable_by(user))


def _wiki(user: AnyUser) -> models.QuerySet[WikiRevision]:
    """Wiki pages by their current revision (the text people read)."""
    return WikiRevision.objects.filter(
        page__current=models.F("pk"), page__collective__in=collectives_readable_by(user)
    )


collectives_kind = SearchKind(
    kind="collectives",
    label=_("Collectives"),
    model=Collective,
    visible=_collectives,
    hit=lambda collective: SearchHit(title=collective.name, url=collective.get_absolute_url()),
    shown=("name", "slug"),
)

initiatives_kind = SearchKind(
    kind="initiatives",
    label=_("Initiatives"),
    model=Initiative,
    visible=_initiatives,
    hit=lambda initiative: SearchHit(
        title=initiative.title,
        url=initiative.get_absolute_url(),
        detail=initiative.collective.name,
    ),
    shown=("title", "collective__name", "collective__slug"),
    related=("collective",),
)

wiki_kind = SearchKind(
    kind="wiki",
    label=_("Wiki pages"),
    model=WikiRevision,
    visible=_wiki,
    hit=lambda revision: SearchHit(
        title=revision.title,
        url=revision.page.get_absolute_url(),
        detail=revision.page.collective.name,
    ),
    shown=("title", "page__slug", "page__collective__name", "page__collective__slug"),
    related=("page__collective",),
)
