"""Merging duplicates: what a merge will do (shown before), then doing it at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tissage.accounts.models import User

from ..contributions.services import ContributionRefused
from ..models import Contribution, ContributionEvent, Photo
from .services import blank_answer

Status = Contribution.Status

# Attributes of the kept item filled from the duplicate when empty. The title is always
# the kept item's; its description too, unless it has none.
_FILLED_ATTRIBUTES = ("description", "address", "external_ref")


@dataclass
class MergePlan:
    """What merging `duplicate` into `keep` does, shown before and applied after."""

    keep: Contribution
    duplicate: Contribution
    # Attribute or ``values.<key>`` → [before, after], as in the history.
    filled: dict[str, list[Any]]
    values: dict[str, Any]
    photos_moved: int
    photos_after: int
    # The kept item's location was to be placed: it takes the duplicate's point.
    takes_point: bool


def merge_check(*, keep: Contribution, duplicate: Contribution) -> None:
    """Raise ContributionRefused, saying why, if these two items cannot be merged."""
    if keep.pk == duplicate.pk:
        raise ContributionRefused(_("An item cannot be merged with itself. Choose another one."))
    if keep.campaign_id != duplicate.campaign_id:
        raise ContributionRefused(_("Only items of the same campaign can be merged."))
    if duplicate.merged_into_id is not None:
        raise ContributionRefused(
            _("“%(title)s” (no. %(pk)s) is already merged into another item.")
            % {"title": duplicate.title, "pk": duplicate.pk}
        )
    if keep.merged_into_id is not None:
        raise ContributionRefused(
            _("“%(title)s” (no. %(pk)s) was merged into another item: merge into that one instead.")
            % {"title": keep.title, "pk": keep.pk}
        )


def merge_plan(*, keep: Contribution, duplicate: Contribution) -> MergePlan:
    """Work out a merge without writing anything (raises ContributionRefused like
    `merge_check`). Empty fields of `keep` are filled from `duplicate`; where both
    answered a question, `keep`'s answer wins."""
    merge_check(keep=keep, duplicate=duplicate)
    filled: dict[str, list[Any]] = {}
    for name in _FILLED_ATTRIBUTES:
        before, offered = getattr(keep, name), getattr(duplicate, name)
        if blank_answer(before) and not blank_answer(offered):
            filled[name] = [before, offered]
    values = dict(keep.values)
    for key, offered in duplicate.values.items():
        if blank_answer(values.get(key)) and not blank_answer(offered):
            filled[f"values.{key}"] = [values.get(key), offered]
            values[key] = offered
    takes_point = keep.location_approximate and not duplicate.location_approximate
    if takes_point:
        filled["longitude"] = [keep.longitude, duplicate.longitude]
        filled["latitude"] = [keep.latitude, duplicate.latitude]
        filled["location_approximate"] = [True, False]
        if duplicate.commune_id != keep.commune_id:
            filled["commune"] = [
                keep.commune.name if keep.commune else None,
                duplicate.commune.name if duplicate.commune else None,
            ]
        if duplicate.obscure_location and not keep.obscure_location:
            # The duplicate's contributor asked to hide this very point.
            filled["obscure_location"] = [False, True]
    photos_before = keep.photos.count()
    photos_moved = duplicate.photos.count()
    return MergePlan(
        keep=keep,
        duplicate=duplicate,
        filled=filled,
        values=values,
        photos_moved=photos_moved,
        photos_after=photos_before + photos_moved,
        takes_point=takes_point,
    )


def _reference(item: Contribution) -> dict[str, Any]:
    return {"pk": item.pk, "title": item.title}


@transaction.atomic
def contribution_merge(
    *, keep: Contribution, duplicate: Contribution, moderator: User
) -> MergePlan:
    """Merge `duplicate` into `keep`, at once or not at all.

    All the duplicate's photos move to `keep`, after its own: the limit of five photos is
    for contributors, and a merge must not lose anyone's photo (moderators remove the ones
    not needed afterwards). The duplicate is archived with `merged_into` set, so that its
    permalink leads to `keep`; items merged into it earlier now point to `keep` too. A
    MERGED event on each item says what happened.
    """
    if keep.pk == duplicate.pk:
        merge_check(keep=keep, duplicate=duplicate)
    locked = {
        item.pk: item
        for item in Contribution.objects.select_for_update(of=("self",)).filter(
            pk__in=[keep.pk, duplicate.pk]
        )
    }
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    plan = merge_plan(keep=keep, duplicate=duplicate)

    previous_status = duplicate.status
    duplicate.merged_into = keep
    duplicate.status = Status.ARCHIVED
    duplicate_fields = ["merged_into", "status", "updated_at"]
    if "external_ref" in plan.filled:
        # The reference in the source moves with the record (one item per reference).
        duplicate.external_ref = ""
        duplicate_fields.append("external_ref")
    duplicate.save(update_fields=duplicate_fields)

    keep_fields = ["updated_at"]
    for name in (*_FILLED_ATTRIBUTES, "longitude", "latitude"):
        if name in plan.filled:
            setattr(keep, name, plan.filled[name][1])
            keep_fields.append(name)
    if plan.takes_point:
        keep.location_approximate = False
        keep.commune_id = duplicate.commune_id
        keep.obscure_location = keep.obscure_location or duplicate.obscure_location
        keep_fields += ["location_approximate", "commune", "obscure_location"]
    if plan.values != keep.values:
        keep.values = plan.values
        keep_fields.append("values")
    keep.save(update_fields=keep_fields)

    photos = list(duplicate.photos.order_by("position", "pk"))
    if photos:
        start = max(keep.photos.values_list("position", flat=True), default=-1) + 1
        for offset, photo in enumerate(photos):
            photo.contribution = keep
            photo.position = start + offset
        Photo.objects.bulk_update(photos, ["contribution", "position"])
        # They now follow the kept item's status (public if it is published).
        transaction.on_commit(Photo.objects.filter(contribution_id=keep.pk).files_place)
    Contribution.objects.filter(merged_into=duplicate).update(merged_into=keep)

    keep_changes: dict[str, list[Any]] = {"merged_from": [None, _reference(duplicate)]}
    if plan.photos_moved:
        keep_changes["photos"] = [plan.photos_after - plan.photos_moved, plan.photos_after]
    keep_changes.update(plan.filled)
    ContributionEvent.objects.create(
        contribution=keep,
        kind=ContributionEvent.Kind.MERGED,
        actor=moderator,
        actor_name=moderator.public_name,
        changes=keep_changes,
    )
    ContributionEvent.objects.create(
        contribution=duplicate,
        kind=ContributionEvent.Kind.MERGED,
        actor=moderator,
        actor_name=moderator.public_name,
        from_status=previous_status,
        to_status=Status.ARCHIVED,
        changes={"merged_into": [None, _reference(keep)]},
    )
    return plan
