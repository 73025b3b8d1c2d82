"""Writes about contributions: an item sent with its photos and the first line of its
history, a guest's confirmation, a contributor's answer; and forgetting what guests never
confirmed."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.core.emails import site_url
from tissage.core.photos import PreparedPhoto, photo_files_delete_on_commit
from tissage.engagement.services import follow_auto
from tissage.territories.models import Commune

from .. import tokens
from ..models import Campaign, Category, Contribution, ContributionEvent, Photo
from . import emails
from .staging import staged_photos_used

DUPLICATE_DISTANCE_METRES = 50


class ContributionRefused(Exception):
    """The contribution cannot be recorded; the message says why, to the person."""


@dataclass(frozen=True)
class PhotoInput:
    photo: PreparedPhoto
    credit: str


def possible_duplicates(
    *,
    campaign: Campaign,
    category: Category,
    lon: float,
    lat: float,
    moderator: bool = True,
    viewer: User | None = None,
) -> list[tuple[Contribution, float]]:
    """Items of the same category within 50 m: “there is already a wash-house here”.

    A moderator sees every item under moderation or published, hidden places included.
    Anyone else sees what the map shows them — published items whose exact place is
    public — and their own items not published yet (`viewer`): otherwise typing
    coordinates and reading the warning would reveal, to the metre, items no moderator
    has looked at, or places their contributors asked to hide.
    """
    candidates = Contribution.objects.filter(
        campaign=campaign, category=category, merged_into__isnull=True
    ).exclude(status__in=[Contribution.Status.REJECTED, Contribution.Status.AWAITING_EMAIL])
    if not moderator:
        seen = Q(status=Contribution.Status.VALIDATED, obscure_location=False)
        if viewer is not None and viewer.is_authenticated:
            seen |= Q(contributor=viewer)
        candidates = candidates.filter(seen)
    return candidates.near(lon, lat, DUPLICATE_DISTANCE_METRES)


@transaction.atomic
def contribution_submit(
    *,
    campaign: Campaign,
    category: Category,
    title: str,
    lon: float,
    lat: float,
    photos: Sequence[PhotoInput],
    description: str = "",
    values: dict[str, Any] | None = None,
    address: str = "",
    obscure_location: bool = False,
    show_contributor: bool = True,
    contributor: User | None = None,
    guest_name: str = "",
    guest_email: str = "",
    entered_by: User | None = None,
    location_approximate: bool = False,
    base_url: str = "",
    submission_key: uuid.UUID | None = None,
) -> Contribution:
    """Record a contribution and its photos in one go, with the first line of its history.

    A guest's contribution waits for their email confirmation; an assisted entry
    (`entered_by`) is recorded under the real contributor's name when given. A form sent
    again with the same `submission_key` returns the item it made (nothing new, no
    second email); two sent at the same instant meet the key's unique constraint, and
    the view then finds the first (`contribution_of_submission`).
    """
    if submission_key is not None and (done := contribution_of_submission(submission_key)):
        return done
    if category.campaign_id != campaign.pk:
        raise ContributionRefused(_("This category does not belong to the campaign."))
    if not 1 <= len(photos) <= 5:
        raise ContributionRefused(_("Add between one and five photos."))
    if contributor is None and entered_by is None:
        if campaign.requires_account:
            raise ContributionRefused(_("Sign in to contribute to this campaign."))
        if not (guest_name.strip() and guest_email.strip()):
            raise ContributionRefused(_("Give your name and your email address."))
    commune = Commune.objects.containing(lon, lat)
    campaign_communes = set(campaign.communes.values_list("pk", flat=True))
    if campaign_communes and (commune is None or commune.pk not in campaign_communes):
        raise ContributionRefused(
            _("This place is outside the communes of the campaign. Check the location.")
        )
    guest = contributor is None and entered_by is None
    item = Contribution(
        campaign=campaign,
        category=category,
        title=title,
        description=description,
        values=values or {},
        longitude=lon,
        latitude=lat,
        commune=commune,
        address=address,
        location_approximate=location_approximate,
        obscure_location=obscure_location,
        show_contributor=show_contributor,
        contributor=contributor,
        contributor_name=guest_name.strip(),
        contributor_email=guest_email.strip().lower(),
        entered_by=entered_by,
        licence=campaign.licence,
        consent_at=timezone.now(),
        status=Contribution.Status.AWAITING_EMAIL if guest else Contribution.Status.SUBMITTED,
        submission_key=submission_key,
    )
    try:
        # The key's uniqueness is the database's to tell (IntegrityError, which the view
        # turns into the first sending's item): checked here, a sending that comes second
        # by a hair would be refused with "already exists" instead.
        item.full_clean(exclude=["submission_key"])
    except ValidationError as error:
        raise ContributionRefused(" ".join(error.messages)) from error
    item.save()
    for position, entry in enumerate(photos):
        Photo.objects.create(
            contribution=item,
            image=entry.photo.image,
            thumbnail=entry.photo.thumbnail,
            width=entry.photo.width,
            height=entry.photo.height,
            credit=entry.credit.strip() or item.public_contributor,
            position=position,
        )
    if submission_key is not None:
        staged_photos_used(campaign=campaign, key=submission_key)
    actor = entered_by or contributor
    ContributionEvent.objects.create(
        contribution=item,
        kind=ContributionEvent.Kind.SUBMITTED,
        actor=actor,
        actor_name=actor.public_name if actor else item.contributor_name,
        to_status=item.status,
        message=_("Entered on behalf of the contributor.") if entered_by else "",
    )
    if guest:
        emails.guest_confirmation_send(item=item, base_url=base_url or site_url())
    elif contributor is not None and entered_by is None:
        # Who contributes follows the campaign (not someone a facilitator entered for).
        follow_auto(user=contributor, target=campaign)
    return item


@transaction.atomic
def unconfirmed_contributions_purge() -> int:
    """Forget guests' contributions never confirmed once their link has expired: their
    name, email and photos are not kept for nothing. Returns how many were removed.

    Maintenance, run on a schedule (`tissage purge`), never on a visitor's request; safe
    to run again or at the same time: what is gone is gone, the next run finds nothing.
    """
    cutoff = timezone.now() - datetime.timedelta(seconds=tokens.CONFIRM_MAX_AGE)
    stale = Contribution.objects.filter(
        status=Contribution.Status.AWAITING_EMAIL, created_at__lt=cutoff
    )
    photo_files_delete_on_commit(Photo.objects.filter(contribution__in=stale))
    _total, per_model = stale.delete()
    return per_model.get(Contribution._meta.label, 0)


@transaction.atomic
def contribution_confirm_email(*, item: Contribution) -> bool:
    """A guest confirmed their address: the item goes to the moderators' queue.

    Returns False when it was already confirmed (the link is opened twice)."""
    item = Contribution.objects.select_for_update().get(pk=item.pk)
    if item.status != Contribution.Status.AWAITING_EMAIL:
        return False
    item.status = Contribution.Status.SUBMITTED
    fields = ["status", "updated_at"]
    if item.contributor_id is None:
        # An account already proved this address: the item is theirs too.
        owner = User.objects.filter(
            email=item.contributor_email, email_confirmed_at__isnull=False
        ).first()
        if owner is not None:
            item.contributor = owner
            fields.append("contributor")
            follow_auto(user=owner, target=item.campaign)
    item.save(update_fields=fields)
    ContributionEvent.objects.create(
        contribution=item,
        kind=ContributionEvent.Kind.EMAIL_CONFIRMED,
        actor_name=item.contributor_name,
        from_status=Contribution.Status.AWAITING_EMAIL,
        to_status=Contribution.Status.SUBMITTED,
    )
    return True


@transaction.atomic
def contribution_answer(
    *,
    item: Contribution,
    message: str,
    changes: dict[str, Any],
    photos: Sequence[PhotoInput] = (),
    actor: User | None = None,
) -> ContributionEvent:
    """The contributor answers “needs more information”: their message, their edits,
    maybe more photos; the item goes back to the queue, all of it in the history."""
    item = Contribution.objects.select_for_update().get(pk=item.pk)
    if item.status != Contribution.Status.NEEDS_INFO:
        raise ContributionRefused(_("This contribution is not waiting for an answer any more."))
    if not message.strip():
        raise ContributionRefused(_("Write an answer to the team."))
    existing = item.photos.count()
    if existing + len(photos) > 5:
        raise ContributionRefused(
            _("An item has at most five photos; it has %(count)s already.") % {"count": existing}
        )
    recorded: dict[str, list[Any]] = {}
    for name, value in changes.items():
        before = getattr(item, name)
        if before != value:
            recorded[name] = [before, value]
            setattr(item, name, value)
    previous = item.status
    item.status = Contribution.Status.SUBMITTED
    try:
        item.full_clean()
    except ValidationError as error:
        raise ContributionRefused(" ".join(error.messages)) from error
    item.save(update_fields=[*recorded, "status", "updated_at"])
    for position, entry in enumerate(photos, start=existing):
        Photo.objects.create(
            contribution=item,
            image=entry.photo.image,
            thumbnail=entry.photo.thumbnail,
            width=entry.photo.width,
            height=entry.photo.height,
            credit=entry.credit.strip() or item.public_contributor,
            position=position,
        )
    if photos:
        recorded["photos"] = [existing, existing + len(photos)]
    name = actor.public_name if actor else item.contributor_name
    return ContributionEvent.objects.create(
        contribution=item,
        kind=ContributionEvent.Kind.ANSWERED,
        actor=actor,
        actor_name=name,
        from_status=previous,
        to_status=item.status,
        message=message.strip(),
        changes=recorded,
    )


def contributions_attach(user: User) -> int:
    """Items a guest sent with this address become the account's once the address is
    proven theirs (`core.registry`, `address_confirmed`): they find them in their space,
    see them before validation, answer the moderators, and get them in their data
    export. The name they gave stays the item's credit."""
    if not user.email_confirmed_at:
        return 0
    theirs = Contribution.objects.filter(
        contributor__isnull=True, contributor_email=user.email.lower()
    )
    # Their campaigns are followed as if they had contributed signed in.
    for campaign in Campaign.objects.filter(pk__in=theirs.values("campaign")):
        follow_auto(user=user, target=campaign)
    return theirs.update(contributor=user)


def contribution_of_submission(submission_key: uuid.UUID) -> Contribution | None:
    """The item a contribution form with this key already made, if any."""
    return (
        Contribution.objects.select_related("campaign")
        .filter(submission_key=submission_key)
        .first()
    )
