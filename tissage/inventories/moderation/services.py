"""Moderators' writes: decisions (one by one or in bulk) and edits. Merges of duplicates
are in `merges.py`, the queue's reads in `queries.py`, the history in `history.py`.

Every status change goes through `contribution_decide`, so that the history and the
email to the contributor follow whatever the page it comes from.

`ContributionEvent.changes`, written by the edits here and by `merges.py`, is
``{key: [before, after]}`` with JSON values:
- an attribute of the item: ``title``, ``description``, ``category`` (its name),
  ``address``, ``longitude``, ``latitude``, ``commune`` (its name),
  ``obscure_location``, ``location_approximate``, ``external_ref``;
- an answer to a campaign question: ``values.<field key>``;
- a photo: ``photo.<pk>.credit`` (credit changed), ``photo.<pk>.removed``
  (``[credit, null]``), ``photos`` (number of photos, on a merge);
- a merge: ``merged_from`` on the item kept, ``merged_into`` on the duplicate, each
  ``[null, {"pk": …, "title": …}]``.
`history.history_entries` turns them into lines with human-readable labels.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.core.emails import site_url
from tissage.core.photos import photo_files_delete_on_commit
from tissage.engagement import services as engagement
from tissage.engagement.kinds import Kind
from tissage.territories.models import Commune

from ..campaigns.milestones import campaign_milestone_announce
from ..contributions.services import ContributionRefused
from ..models import Campaign, Category, Contribution, ContributionEvent, Photo
from . import emails

MODERATION_TRANSITIONS = {
    Contribution.Status.SUBMITTED: {
        Contribution.Status.VALIDATED,
        Contribution.Status.NEEDS_INFO,
        Contribution.Status.REJECTED,
    },
    Contribution.Status.NEEDS_INFO: {
        Contribution.Status.VALIDATED,
        Contribution.Status.REJECTED,
        Contribution.Status.SUBMITTED,
    },
    Contribution.Status.VALIDATED: {Contribution.Status.ARCHIVED, Contribution.Status.NEEDS_INFO},
    Contribution.Status.REJECTED: {Contribution.Status.SUBMITTED},
    Contribution.Status.ARCHIVED: {Contribution.Status.VALIDATED},
}


@transaction.atomic
def contribution_decide(
    *,
    item: Contribution,
    moderator: User,
    status: str,
    message: str = "",
    base_url: str = "",
    notify: bool = True,
) -> ContributionEvent:
    """Move an item to a new status, with the moderator's message kept in its history.

    Rejecting and asking for more information need a message: the contributor is owed
    an explanation. With `notify`, the contributor is emailed and, with an account,
    notified on the site; publishing an item may reach a milestone of its campaign
    (`campaigns.milestones`). Without (data loaded in bulk), nobody is told: a milestone
    crossed meanwhile is announced once, by the next publication or by a call to
    `campaign_milestone_announce`.
    """
    item = Contribution.objects.select_for_update().get(pk=item.pk)
    allowed = MODERATION_TRANSITIONS.get(Contribution.Status(item.status), set())
    if status not in allowed:
        raise ContributionRefused(
            _("An item “%(current)s” cannot become “%(wanted)s”.")
            % {
                "current": item.get_status_display(),
                "wanted": Contribution.Status(status).label,
            }
        )
    if status in {Contribution.Status.REJECTED, Contribution.Status.NEEDS_INFO} and not (
        message.strip()
    ):
        raise ContributionRefused(_("Write a message to the contributor to explain why."))
    previous = item.status
    item.status = status
    fields = ["status", "updated_at"]
    if status == Contribution.Status.VALIDATED and item.validated_at is None:
        item.validated_at = timezone.now()
        fields.append("validated_at")
    item.save(update_fields=fields)
    if (previous == Contribution.Status.VALIDATED) != (status == Contribution.Status.VALIDATED):
        # Published photos become public files, withdrawn ones private again.
        transaction.on_commit(Photo.objects.filter(contribution_id=item.pk).files_place)
    event = ContributionEvent.objects.create(
        contribution=item,
        kind=ContributionEvent.Kind.DECIDED,
        actor=moderator,
        actor_name=moderator.public_name,
        from_status=previous,
        to_status=status,
        message=message.strip(),
    )
    # The contributor hears of each decision, with the moderator's words.
    if notify:
        emails.decision_send(item=item, event=event, base_url=base_url or site_url())
        _decision_notify(item=item, moderator=moderator, message=message)
    if notify and status == Contribution.Status.VALIDATED and previous != status:
        campaign_milestone_announce(campaign=item.campaign)
    return event


# The decisions a contributor is notified of, as `contribution_decided` names them.
DECISIONS_NOTIFIED: dict[str, str] = {
    Contribution.Status.VALIDATED: "published",
    Contribution.Status.NEEDS_INFO: "needs_information",
    Contribution.Status.REJECTED: "refused",
}


def _decision_notify(*, item: Contribution, moderator: User, message: str) -> None:
    """The contributor's notification of the decision, if they have an account (a guest
    has the email only). `decision_send` has emailed them already: on the site only."""
    decision = DECISIONS_NOTIFIED.get(item.status)
    if decision is None or item.contributor is None:
        return
    engagement.notify(
        kind=Kind.CONTRIBUTION_DECIDED,
        url=reverse("inventories:item", kwargs={"slug": item.campaign.slug, "pk": item.pk}),
        params={
            "title": item.title,
            "campaign": item.campaign.title,
            "status": decision,
            "reason": message.strip(),
        },
        users=[item.contributor],
        actor=moderator,
        emailed=[item.contributor],
    )


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


def blank_answer(value: Any) -> bool:
    """No answer: None, an empty text or an empty list (false and 0 are answers)."""
    return value is None or value == "" or value == []


def same_answer(before: Any, after: Any) -> bool:
    """Two answers that read the same (choices in any order, blanks alike)."""
    if blank_answer(before) and blank_answer(after):
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
        if same_answer(before, after):
            continue
        changes[f"values.{key}"] = [before, None if blank_answer(after) else after]
        if blank_answer(after):
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


def photo_files_place() -> int:
    """Daily, with `tissage purge`: photos whose item changed status without a decision
    here (in the admin, say) move to the public or private side it asks for."""
    return Photo.objects.all().files_place()
