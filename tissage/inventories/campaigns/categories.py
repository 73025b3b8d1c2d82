"""A campaign's categories: added, renamed, moved and deleted without orphaning items.

A category's short name (slug) is used in the addresses of filtered lists: it follows
the name until items use the category, then stays. A category that items use cannot be
deleted (the count is given); the facilitator can rename it instead.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Campaign, Category
from .services import Problems, SetupRefused, campaign_locked, others_than, renumbered


def _category_slug(campaign: Campaign, name: str, *, instead_of: Category | None = None) -> str:
    base = slugify(name)[:70] or "categorie"
    taken = set(
        others_than(Category.objects.filter(campaign=campaign), instead_of).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_category(
    campaign: Campaign,
    *,
    name: str,
    description: str,
    merimee_denomination: str,
    instead_of: Category | None = None,
) -> None:
    problems = Problems()
    if not name:
        problems.add("name", _("Give the category a name."))
    elif len(name) > 120:
        problems.add("name", _("Keep the name under 120 characters."))
    elif others_than(
        Category.objects.filter(campaign=campaign, name__iexact=name), instead_of
    ).exists():
        problems.add(
            "name", _("There is already a category “%(name)s” in this campaign.") % {"name": name}
        )
    if len(description) > 300:
        problems.add("description", _("Keep the description under 300 characters."))
    if len(merimee_denomination) > 120:
        problems.add(
            "merimee_denomination", _("Keep the Mérimée denomination under 120 characters.")
        )
    problems.raise_any()


@transaction.atomic
def category_add(
    *, campaign: Campaign, name: str, description: str = "", merimee_denomination: str = ""
) -> Category:
    campaign = campaign_locked(campaign)
    name, description = name.strip(), description.strip()
    merimee_denomination = merimee_denomination.strip()
    _check_category(
        campaign, name=name, description=description, merimee_denomination=merimee_denomination
    )
    last = max(campaign.categories.values_list("position", flat=True), default=-1)
    return Category.objects.create(
        campaign=campaign,
        name=name,
        slug=_category_slug(campaign, name),
        description=description,
        merimee_denomination=merimee_denomination,
        position=last + 1,
    )


@transaction.atomic
def category_update(
    *, category: Category, name: str, description: str, merimee_denomination: str
) -> Category:
    """Rename or describe a category. Its slug follows the name until items use it; then
    it stays, so that links to the filtered list keep working."""
    campaign = campaign_locked(category.campaign)
    name, description = name.strip(), description.strip()
    merimee_denomination = merimee_denomination.strip()
    _check_category(
        campaign,
        name=name,
        description=description,
        merimee_denomination=merimee_denomination,
        instead_of=category,
    )
    category.name = name
    category.description = description
    category.merimee_denomination = merimee_denomination
    if not category.items.exists():
        category.slug = _category_slug(campaign, name, instead_of=category)
    category.save(update_fields=["name", "slug", "description", "merimee_denomination"])
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    campaign_locked(category.campaign)
    used = category.items.count()
    if used:
        raise SetupRefused(
            {
                None: [
                    ngettext(
                        "“%(name)s” cannot be deleted: %(count)d item belongs to it. "
                        "Rename the category instead, or move the item to another one first.",
                        "“%(name)s” cannot be deleted: %(count)d items belong to it. "
                        "Rename the category instead, or move the items to another one first.",
                        used,
                    )
                    % {"name": category.name, "count": used}
                ]
            }
        )
    category.delete()


@transaction.atomic
def category_move(*, category: Category, offset: int) -> None:
    """Move a category one place up (-1) or down (+1) in the list contributors see."""
    campaign = campaign_locked(category.campaign)
    changed = renumbered(list(campaign.categories.all()), category, offset)
    Category.objects.bulk_update(changed, ["position"])
