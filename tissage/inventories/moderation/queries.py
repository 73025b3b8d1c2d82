"""What moderators read: the queue, and the possible duplicates of items."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch, Q, QuerySet

from tissage.territories.geography import Box, distance_metres

from ..contributions.services import DUPLICATE_DISTANCE_METRES, possible_duplicates
from ..models import Campaign, Contribution, Photo

Status = Contribution.Status

# Same exclusions as `contributions.services.possible_duplicates`, plus merged items
# (already dealt with).
_NOT_DUPLICATES = (Status.REJECTED, Status.AWAITING_EMAIL)


def queue_items(
    campaign: Campaign,
    *,
    status: str = "",
    category: str = "",
    commune: str = "",
    approximate: bool = False,
    search: str = "",
) -> QuerySet[Contribution]:
    """Items of the campaign waiting for moderation (or of `status`, or "all"), oldest
    first, merged duplicates left out; with what a queue row shows."""
    items = Contribution.objects.filter(campaign=campaign, merged_into__isnull=True)
    if status == "all":
        pass
    elif status:
        items = items.filter(status=status)
    else:
        items = items.to_moderate()
    if category:
        items = items.filter(category__slug=category)
    if commune:
        items = items.filter(commune__insee_code=commune)
    if approximate:
        items = items.filter(location_approximate=True)
    if search:
        items = items.filter(title__icontains=search)
    return (
        items.select_related("category", "commune", "contributor", "entered_by")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("position", "pk")))
        .order_by("created_at", "pk")
    )


def items_with_duplicates(items: Sequence[Contribution]) -> set[int]:
    """Ids of those `items` that have another item of the same category within 50 m
    (what `contributions.services.possible_duplicates` would find), in one query for the
    whole page."""
    if not items:
        return set()
    around = Q()
    for item in items:
        min_lon, min_lat, max_lon, max_lat = Box.around(
            item.longitude, item.latitude, DUPLICATE_DISTANCE_METRES
        )
        around |= Q(
            category_id=item.category_id,
            longitude__gte=min_lon,
            longitude__lte=max_lon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )
    candidates = list(
        Contribution.objects.filter(campaign_id=items[0].campaign_id, merged_into__isnull=True)
        .exclude(status__in=_NOT_DUPLICATES)
        .filter(around)
        .values_list("pk", "category_id", "longitude", "latitude")
    )
    flagged = set()
    for item in items:
        for pk, category_id, lon, lat in candidates:
            if (
                pk != item.pk
                and category_id == item.category_id
                and distance_metres(item.longitude, item.latitude, lon, lat)
                <= DUPLICATE_DISTANCE_METRES
            ):
                flagged.add(item.pk)
                break
    return flagged


def nearby_duplicates(item: Contribution) -> list[tuple[Contribution, float]]:
    """Other items of the same category within 50 m, nearest first: candidates to merge."""
    return [
        (other, distance)
        for other, distance in possible_duplicates(
            campaign=item.campaign,
            category=item.category,
            lon=item.longitude,
            lat=item.latitude,
        )
        if other.pk != item.pk and other.merged_into_id is None
    ]
