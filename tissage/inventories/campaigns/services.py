"""Setting a campaign up without code: creating it, and its settings.

Every write is checked as a whole and done in one transaction; a refusal lists every
problem found, each tied to the form field it concerns, in words for the facilitator.
The categories and the questions have modules of their own (`categories.py`,
`questions.py`); the communes a campaign covers are read from text by `communes.py`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tissage.core.slugs import unique_slug
from tissage.projects.models import Project
from tissage.territories.models import Commune

from ..models import Campaign, CampaignField, Category
from ..models.campaigns import Licence
from . import heritage

# Words the inventory URLs use after /inventaires/: no campaign may be called so.
RESERVED_CAMPAIGN_SLUGS = {"nouveau", "confirmer", "photos"}


class SetupRefused(Exception):
    """The change cannot be made. `errors` maps a form field name (None: the whole form)
    to the messages for the person, so that a view can show each next to its field."""

    def __init__(self, errors: dict[str | None, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))

    @property
    def messages(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]


class Problems:
    """Collects every problem of a change before refusing it, so that all are shown."""

    def __init__(self) -> None:
        self.errors: dict[str | None, list[str]] = defaultdict(list)

    def add(self, field: str | None, message: str) -> None:
        self.errors[field].append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise SetupRefused(dict(self.errors))


def campaign_locked(campaign: Campaign) -> Campaign:
    """Serialise changes to one campaign's categories and questions (positions, slugs,
    keys) on PostgreSQL; SQLite locks the whole database for the write anyway."""
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def others_than[M: (Category, CampaignField)](rows: QuerySet[M], row: M | None) -> QuerySet[M]:
    """The other rows, when `row` is being changed (it must not clash with itself)."""
    return rows if row is None else rows.exclude(pk=row.pk)


def renumbered(rows: Sequence[Any], row: Any, offset: int) -> list[Any]:
    """Rows renumbered 0, 1, 2… with `row` moved up (-1) or down (+1); the positions
    stored may have gaps or ties (the heritage template, deletions): they are mended."""
    order = list(rows)
    index = next(i for i, candidate in enumerate(order) if candidate.pk == row.pk)
    target = index + offset
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    changed = []
    for position, candidate in enumerate(order):
        if candidate.position != position:
            candidate.position = position
            changed.append(candidate)
    return changed


def check_dates(starts_on: datetime.date | None, ends_on: datetime.date | None) -> str | None:
    if starts_on and ends_on and ends_on < starts_on:
        return _("The end comes before the start: check the dates.")
    return None


@transaction.atomic
def campaign_settings_update(
    *,
    campaign: Campaign,
    title: str,
    presentation: str,
    method: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    licence: str,
    requires_account: bool,
    communes: Iterable[Commune],
) -> Campaign:
    """Change what a campaign asks and where. Items already sent keep the licence they
    were given under (each item records its own)."""
    problems = Problems()
    title = title.strip()
    if not title:
        problems.add("title", _("Give the campaign a title."))
    if licence not in Licence.values:
        problems.add("licence", _("Choose one of the licences offered."))
    if message := check_dates(starts_on, ends_on):
        problems.add("ends_on", message)
    problems.raise_any()
    campaign.title = title
    campaign.presentation = presentation.strip()
    campaign.method = method.strip()
    campaign.starts_on = starts_on
    campaign.ends_on = ends_on
    campaign.licence = licence
    campaign.requires_account = requires_account
    try:
        campaign.full_clean()
    except ValidationError as error:
        raise SetupRefused({None: error.messages}) from error
    campaign.save(
        update_fields=[
            "title",
            "presentation",
            "method",
            "starts_on",
            "ends_on",
            "licence",
            "requires_account",
            "updated_at",
        ]
    )
    campaign.communes.set(list(communes))
    return campaign


@transaction.atomic
def campaign_create(
    *,
    project: Project,
    title: str,
    template: str = Campaign.Template.FREE,
    presentation: str = "",
    method: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    licence: str = Licence.ETALAB,
    requires_account: bool = False,
    communes: Iterable[Commune] = (),
    slug: str | None = None,
) -> Campaign:
    """Create a campaign; the heritage template brings its categories and fields."""
    campaign = Campaign(
        project=project,
        title=title,
        slug=slug or _campaign_slug(title),
        template=template,
        presentation=presentation,
        method=method,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
        licence=licence,
        requires_account=requires_account,
    )
    campaign.full_clean()
    campaign.save()
    campaign.communes.set(communes)
    if template == Campaign.Template.HERITAGE:
        Category.objects.bulk_create(
            Category(
                campaign=campaign,
                name=name,
                slug=slugify(name)[:80],
                merimee_denomination=denomination,
                position=position,
            )
            for position, (name, denomination) in enumerate(heritage.CATEGORIES)
        )
        CampaignField.objects.bulk_create(
            CampaignField(
                campaign=campaign,
                key=spec.key,
                label=spec.label,
                kind=spec.kind,
                help_text=spec.help_text,
                choices=spec.choices,
                merimee_field=spec.merimee_field,
                position=position,
            )
            for position, spec in enumerate(heritage.FIELDS)
        )
    return campaign


def _campaign_slug(title: str) -> str:
    slug = unique_slug(Campaign, title, fallback="inventaire")
    if slug in RESERVED_CAMPAIGN_SLUGS:
        slug = unique_slug(Campaign, f"inventaire {title}")
    return slug
