"""Moderating a campaign: the queue, decisions in bulk, edits, merges of duplicates, and
the history as moderators read it.

Every status change goes through `services.contribution_decide`, so that the history
and the email to the contributor follow whatever the page it comes from.

`ContributionEvent.changes` written here is ``{key: [before, after]}`` with JSON values:
- an attribute of the item: ``title``, ``description``, ``category`` (its name),
  ``address``, ``longitude``, ``latitude``, ``commune`` (its name),
  ``obscure_location``, ``location_approximate``, ``external_ref``;
- an answer to a campaign question: ``values.<field key>``;
- a photo: ``photo.<pk>.credit`` (credit changed), ``photo.<pk>.removed``
  (``[credit, null]``), ``photos`` (number of photos, on a merge);
- a merge: ``merged_from`` on the item kept, ``merged_into`` on the duplicate, each
  ``[null, {"pk": …, "title": …}]``.
`history_entries` turns them into lines with human-readable labels.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.territories.models import Commune

from ..contributions.services import (
    DUPLICATE_DISTANCE_METRES,
    ContributionRefused,
    contribution_decide,
    possible_duplicates,
)
from ..models import Campaign, CampaignField, Category, Contribution, ContributionEvent, Photo
from ..models.contributions import METRES_PER_DEGREE_LAT, distance_metres
from ..photos import photo_files_delete_on_commit

Status = Contribution.Status

# The queue's default: what waits for a moderator.
TO_MODERATE = (Status.SUBMITTED, Status.NEEDS_INFO)
# Same exclusions as `services.possible_duplicates`, plus merged items (already dealt with).
_NOT_DUPLICATES = (Status.REJECTED, Status.AWAITING_EMAIL)


# --- The queue ------------------------------------------------------------------------


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
        items = items.filter(status__in=TO_MODERATE)
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


def _box_around(lon: float, lat: float, metres: float) -> tuple[float, float, float, float]:
    d_lat = metres / METRES_PER_DEGREE_LAT
    d_lon = metres / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    return lon - d_lon, lat - d_lat, lon + d_lon, lat + d_lat


def items_with_duplicates(items: Sequence[Contribution]) -> set[int]:
    """Ids of those `items` that have another item of the same category within 50 m
    (what `services.possible_duplicates` would find), in one query for the whole page."""
    if not items:
        return set()
    around = Q()
    for item in items:
        min_lon, min_lat, max_lon, max_lat = _box_around(
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


# --- Decisions in bulk ----------------------------------------------------------------


@dataclass
class BulkOutcome:
    done: list[Contribution] = field(default_factory=list)
    # (item, why): the items whose change was not possible, left as they were.
    skipped: list[tuple[Contribution, str]] = field(default_factory=list)


def contribution_bulk_decide(
    *,
    items: Iterable[Contribution],
    moderator: User,
    status: str,
    message: str = "",
    base_url: str = "",
) -> BulkOutcome:
    """The same decision for several items, each one on its own.

    Deliberately not one transaction: each item is its own decision (its own history
    line and email), so one item that cannot take the change does not hold back the
    others; it is reported instead.
    """
    outcome = BulkOutcome()
    for item in items:
        try:
            contribution_decide(
                item=item, moderator=moderator, status=status, message=message, base_url=base_url
            )
        except ContributionRefused as refusal:
            outcome.skipped.append((item, str(refusal)))
        else:
            outcome.done.append(item)
    return outcome


# --- Edits ----------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _same_answer(before: Any, after: Any) -> bool:
    if _blank(before) and _blank(after):
        return True
    if isinstance(before, list) and isinstance(after, list):
        return sorted(map(str, before)) == sorted(map(str, after))
    return bool(before == after)


def _commune_for(campaign: Campaign, lon: float, lat: float) -> Commune | None:
    """The commune of the point, refused outside the campaign's communes (as on submit)."""
    commune = Commune.objects.containing(lon, lat)
    campaign_communes = set(campaign.communes.values_list("pk", flat=True))
    if campaign_communes and (commune is None or commune.pk not in campaign_communes):
        raise ContributionRefused(
            _("This place is outside the communes of the campaign. Check the location.")
        )
    return commune


@transaction.atomic
def contribution_edit(
    *,
    item: Contribution,
    editor: User,
    title: str | None = None,
    description: str | None = None,
    category: Category | None = None,
    values: Mapping[str, Any] | None = None,
    address: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    obscure_location: bool | None = None,
    location_approximate: bool | None = None,
    photo_credits: Mapping[int, str] | None = None,
    photos_to_delete: Collection[int] = (),
) -> ContributionEvent | None:
    """A moderator's edit of an item: what is given (not None) replaces what was there.

    `values` holds answers as stored (`CampaignField.to_json`), by field key; answers not
    given stay. Moving the point finds the commune again (refused outside the campaign's
    communes) and marks the location as placed. One EDITED event records exactly what
    changed, ``{field: [before, after]}``; nothing changed → no event, None returned.
    """
    # of=("self",): the nullable joins of a select_related cannot be locked on PostgreSQL.
    item = Contribution.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if item.merged_into_id is not None:
        raise ContributionRefused(
            _("This item was merged into another one: edit that one instead.")
        )
    changes: dict[str, list[Any]] = {}
    fields: list[str] = []

    def change(name: str, after: Any) -> None:
        before = getattr(item, name)
        if before != after:
            changes[name] = [before, after]
            setattr(item, name, after)
            fields.append(name)

    if title is not None:
        if not title.strip():
            raise ContributionRefused(_("Give the item a title."))
        change("title", title.strip())
    if description is not None:
        change("description", description.strip())
    if address is not None:
        change("address", address.strip())
    if category is not None and category.pk != item.category_id:
        if category.campaign_id != item.campaign_id:
            raise ContributionRefused(_("This category does not belong to the campaign."))
        changes["category"] = [item.category.name, category.name]
        item.category = category
        fields.append("category")
    if values:
        _edit_values(item, values, changes, fields)

    if lon is not None and lat is not None and (lon, lat) != (item.longitude, item.latitude):
        commune = _commune_for(item.campaign, lon, lat)
        change("longitude", lon)
        change("latitude", lat)
        if commune != item.commune:
            changes["commune"] = [
                item.commune.name if item.commune else None,
                commune.name if commune else None,
            ]
            item.commune = commune
            fields.append("commune")
        # The moderator has set the point: it no longer waits to be placed.
        change("location_approximate", False)
    elif location_approximate is not None:
        change("location_approximate", location_approximate)
    if obscure_location is not None:
        change("obscure_location", obscure_location)

    removed, recredited = _edit_photos(item, photo_credits or {}, photos_to_delete, changes)

    if not changes:
        return None
    if fields:
        try:
            item.clean_fields(
                exclude=[f.name for f in Contribution._meta.concrete_fields if f.name not in fields]
            )
        except ValidationError as error:
            raise ContributionRefused(" ".join(error.messages)) from error
        item.save(update_fields=[*fields, "updated_at"])
    if recredited:
        Photo.objects.bulk_update(recredited, ["credit"])
    if removed:
        Photo.objects.filter(pk__in=[photo.pk for photo in removed]).delete()
        photo_files_delete_on_commit(removed)
    return ContributionEvent.objects.create(
        contribution=item,
        kind=ContributionEvent.Kind.EDITED,
        actor=editor,
        actor_name=editor.public_name,
        changes=changes,
    )


def _edit_values(
    item: Contribution,
    values: Mapping[str, Any],
    changes: dict[str, list[Any]],
    fields: list[str],
) -> None:
    known = set(item.campaign.fields.values_list("key", flat=True))
    unknown = set(values) - known
    if unknown:
        raise ContributionRefused(
            _("These questions are not asked by the campaign: %(keys)s.")
            % {"keys": ", ".join(sorted(unknown))}
        )
    # Answers to questions that are not in `values` (or no longer asked) are kept.
    merged = dict(item.values)
    for key, after in values.items():
        before = merged.get(key)
        if _same_answer(before, after):
            continue
        changes[f"values.{key}"] = [before, None if _blank(after) else after]
        if _blank(after):
            merged.pop(key, None)
        else:
            merged[key] = after
    if merged != item.values:
        item.values = merged
        fields.append("values")


def _edit_photos(
    item: Contribution,
    credits: Mapping[int, str],
    to_delete: Collection[int],
    changes: dict[str, list[Any]],
) -> tuple[list[Photo], list[Photo]]:
    if not credits and not to_delete:
        return [], []
    photos = {photo.pk: photo for photo in item.photos.all()}
    unknown = (set(credits) | set(to_delete)) - set(photos)
    if unknown:
        raise ContributionRefused(_("This photo is not one of the item's photos."))
    if set(photos) <= set(to_delete):
        raise ContributionRefused(
            _("Keep at least one photo: an item always has one. Add another before removing it.")
        )
    removed = [photos[pk] for pk in sorted(to_delete)]
    for photo in removed:
        changes[f"photo.{photo.pk}.removed"] = [photo.credit, None]
    recredited = []
    for pk, credit in credits.items():
        if pk in to_delete:
            continue
        credit = credit.strip()
        if not credit:
            raise ContributionRefused(_("Give the author of each photo: they are credited."))
        if len(credit) > 120:
            raise ContributionRefused(_("The author of a photo fits in 120 characters."))
        photo = photos[pk]
        if credit != photo.credit:
            changes[f"photo.{pk}.credit"] = [photo.credit, credit]
            photo.credit = credit
            recredited.append(photo)
    return removed, recredited


# --- Merging duplicates ---------------------------------------------------------------

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
        if _blank(before) and not _blank(offered):
            filled[name] = [before, offered]
    values = dict(keep.values)
    for key, offered in duplicate.values.items():
        if _blank(values.get(key)) and not _blank(offered):
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


# --- History as moderators read it ---------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str
    # For merges: the moderation page of the other item.
    link: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    event: ContributionEvent
    kind: str
    who: str
    # "submitted → validated", or the status it came in with when worth saying.
    status_change: str
    lines: list[ChangeLine]


def shown_value(value: Any) -> str:
    if _blank(value):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict) and "pk" in value:
        return _("no. %(pk)s “%(title)s”") % {"pk": value["pk"], "title": value.get("title", "")}
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _status_label(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


def change_label(key: str, questions: Mapping[str, CampaignField]) -> str:
    if key.startswith("values."):
        question = questions.get(key.removeprefix("values."))
        return question.label if question else key.removeprefix("values.")
    if key.startswith("photo."):
        return _("Photo removed") if key.endswith(".removed") else _("Photo credit")
    labels = {
        "photos": _("Number of photos"),
        "merged_from": _("Merged with"),
        "merged_into": _("Merged into"),
        "commune": _("Commune"),
        "category": _("Category"),
    }
    if key in labels:
        return labels[key]
    try:
        model_field = Contribution._meta.get_field(key)
    except FieldDoesNotExist:  # a key written by an older version
        return key
    return capfirst(str(getattr(model_field, "verbose_name", key)))


def describe_changes(
    changes: Mapping[str, Any], *, campaign: Campaign, questions: Mapping[str, CampaignField]
) -> list[ChangeLine]:
    lines = []
    for key, pair in changes.items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        if key == "values" and isinstance(before, dict) and isinstance(after, dict):
            # All the answers at once (a contributor's answer): one line per answer changed.
            lines += describe_changes(
                {
                    f"values.{k}": [before.get(k), after.get(k)]
                    for k in {**before, **after}
                    if not _same_answer(before.get(k), after.get(k))
                },
                campaign=campaign,
                questions=questions,
            )
            continue
        link = ""
        if key in {"merged_from", "merged_into"} and isinstance(after, dict) and "pk" in after:
            link = reverse("inventories:moderate", args=[campaign.slug, after["pk"]])
        lines.append(
            ChangeLine(change_label(key, questions), shown_value(before), shown_value(after), link)
        )
    return lines


def _status_change(event: ContributionEvent) -> str:
    if event.from_status and event.to_status:
        return f"{capfirst(_status_label(event.from_status))} → {_status_label(event.to_status)}"
    if event.to_status and event.to_status != event.kind:
        return capfirst(_status_label(event.to_status))
    return ""


def history_entries(
    item: Contribution,
    events: Iterable[ContributionEvent],
    questions: Mapping[str, CampaignField],
) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            event=event,
            kind=event.get_kind_display(),
            who=event.actor_name or _("someone not named"),
            status_change=_status_change(event),
            lines=describe_changes(
                event.changes or {}, campaign=item.campaign, questions=questions
            ),
        )
        for event in events
    ]


def contributor_label(item: Contribution) -> str:
    """Who found the item, for staff (their display name, whatever the public sees)."""
    if item.contributor_id and item.contributor is not None:
        return item.contributor.public_name
    if item.contributor_name:
        return item.contributor_name
    return _("someone not named")


def contributor_email(item: Contribution) -> str:
    if item.contributor_id and item.contributor is not None:
        return item.contributor.email
    return item.contributor_email


def provenance(item: Contribution, events: Iterable[ContributionEvent]) -> str:
    """The item's story in one line, e.g. “Spotted by Jeanne (inhabitant) → completed
    by Paul (team)”: from *repéré* by an inhabitant to completed by staff."""
    steps: list[str] = []
    for event in events:
        name = event.actor_name or _("someone not named")
        match event.kind:
            case ContributionEvent.Kind.SUBMITTED:
                steps.append(
                    _("spotted by %(name)s (inhabitant)") % {"name": contributor_label(item)}
                )
                if item.entered_by_id:
                    steps.append(_("entered by %(name)s (team)") % {"name": name})
            case ContributionEvent.Kind.IMPORTED:
                steps.append(_("imported by %(name)s (team)") % {"name": name})
            case ContributionEvent.Kind.ANSWERED:
                steps.append(_("completed by %(name)s (contributor)") % {"name": name})
            case ContributionEvent.Kind.EDITED | ContributionEvent.Kind.MERGED:
                steps.append(_("completed by %(name)s (team)") % {"name": name})
            case ContributionEvent.Kind.DECIDED if event.to_status == Status.VALIDATED:
                steps.append(_("validated by %(name)s (team)") % {"name": name})
        if len(steps) >= 2 and steps[-1] == steps[-2]:
            steps.pop()
    return capfirst(" → ".join(steps))
