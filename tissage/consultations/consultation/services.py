"""Writes on consultations themselves."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from tissage.accounts.models import User
from tissage.core.slugs import unique_slug
from tissage.projects.models import Project

from ..models import Category, Consultation

# The fixed words of the app's URLs, never a consultation's slug.
RESERVED_CONSULTATION_SLUGS = {
    "nouvelle",
    "propositions",
    "commentaires",
    "questionnaires",
    "code",
    "confirmer",
    "soutiens",
    "carte",
    "reponses",
}


@transaction.atomic
def consultation_create(
    *,
    project: Project,
    title: str,
    text: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    answers_until: datetime.date | None = None,
    proposals_enabled: bool = True,
    map_enabled: bool = False,
    requires_account: bool = False,
    published: bool = False,
    categories: Iterable[str] = (),
    map_categories: Iterable[str] = (),
    created_by: User | None = None,
    slug: str | None = None,
) -> Consultation:
    consultation = Consultation.objects.create(
        project=project,
        slug=slug or unique_slug(Consultation, title, reserved=RESERVED_CONSULTATION_SLUGS),
        title=title,
        text=text,
        opens_on=opens_on,
        closes_on=closes_on,
        answers_until=answers_until,
        proposals_enabled=proposals_enabled,
        map_enabled=map_enabled,
        requires_account=requires_account,
        published=published,
        created_by=created_by,
    )
    Category.objects.bulk_create(
        [
            Category(consultation=consultation, part=Category.Part.IDEAS, name=name, position=i)
            for i, name in enumerate(categories)
        ]
        + [
            Category(consultation=consultation, part=Category.Part.MAP, name=name, position=i)
            for i, name in enumerate(map_categories)
        ]
    )
    return consultation


def category_add(*, consultation: Consultation, part: str, name: str) -> Category:
    """A new category, last of its part."""
    position = Category.objects.filter(consultation=consultation, part=part).count()
    return Category.objects.create(
        consultation=consultation, part=part, name=name, position=position
    )
