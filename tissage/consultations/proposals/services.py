"""Writes about proposals and supports: a proposal sent (by a member, a guest, or a
facilitator for someone offline), a guest's confirmation, a support given, withdrawn or
confirmed; what guests never confirmed forgotten; a guest's proposals and supports
becoming an account's once the address is proven.

`Proposal.support_count` only moves with `F()` inside the transaction that adds or
removes the support, after the proposal's row is locked: two supports at the same
instant each count once, and the database's constraints (one support per person, per
address) make a duplicate impossible even if a caller forgot the lock.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.core.photos import PreparedPhoto, photo_files_delete_on_commit
from tissage.engagement.services import follow_auto
from tissage.territories.models import Commune

from ..models import Category, Consultation, Proposal, ProposalPhoto, Support
from . import emails, tokens

# A guest asking again for the link of an unconfirmed support gets it this long after the
# last one at the soonest.
RESEND_AFTER = datetime.timedelta(hours=1)
# Photos of one proposal, kept ones included.
MAX_PHOTOS = 3


class SupportRefused(Exception):
    """The support cannot be recorded; the message says why, to the person."""


@transaction.atomic
def proposal_submit(
    *,
    consultation: Consultation,
    part: str,
    title: str,
    text: str,
    category: Category | None,
    commune: Commune | None,
    point: tuple[float, float] | None,
    photos: Sequence[PreparedPhoto] = (),
    kept_key: uuid.UUID | None = None,
    submission_key: uuid.UUID | None = None,
    author: User | None = None,
    guest_name: str = "",
    guest_email: str = "",
    entered_by: User | None = None,
    on_behalf_name: str = "",
    base_url: str = "",
) -> Proposal:
    """Record a proposal with its photos.

    Three ways: a person signed in (`author`: published at once, and they follow the
    consultation); a guest (`guest_name`, `guest_email`: waits for the link emailed to
    them); a facilitator for someone offline (`entered_by`, `on_behalf_name`: published
    at once, flagged, following nothing). Without a commune, a point finds its own.
    `kept_key` names the form whose photos were kept when it came back for a correction
    (`photos_keep`): they become the proposal's, before the new ones. A second sending
    of the same form (`submission_key`) raises IntegrityError: the caller finds the
    first one's proposal (`proposal_of_submission`).
    """
    if commune is None and point is not None:
        commune = Commune.objects.containing(*point)
    proposal = Proposal(
        consultation=consultation,
        part=part,
        title=title,
        text=text,
        category=category,
        commune=commune,
        longitude=point[0] if point else None,
        latitude=point[1] if point else None,
        submission_key=submission_key,
    )
    if entered_by is not None:
        proposal.entered_by = entered_by
        proposal.author_name = on_behalf_name
        proposal.status = Proposal.Status.PUBLISHED
    elif author is not None:
        proposal.author = author
        proposal.status = Proposal.Status.PUBLISHED
    else:
        proposal.author_name = guest_name
        proposal.author_email = guest_email.lower()
        proposal.status = Proposal.Status.UNCONFIRMED
    proposal.save()
    # The photos kept from an earlier sending of this form come first (files stay put).
    kept = list(kept_photos(kept_key)) if kept_key else []
    for position, kept_photo in enumerate(kept):
        kept_photo.proposal, kept_photo.form_key, kept_photo.position = proposal, None, position
        kept_photo.save(update_fields=["proposal", "form_key", "position"])
    for position, photo in enumerate(photos, start=len(kept)):
        ProposalPhoto.objects.create(
            proposal=proposal,
            image=photo.image,
            thumbnail=photo.thumbnail,
            width=photo.width,
            height=photo.height,
            position=position,
        )
    if proposal.status == Proposal.Status.UNCONFIRMED:
        emails.proposal_confirmation_send(proposal=proposal, base_url=base_url)
    elif author is not None:
        follow_auto(user=author, target=consultation)
    return proposal


def proposal_of_submission(key: uuid.UUID | None) -> Proposal | None:
    """The proposal a form with this key made already, if any."""
    if key is None:
        return None
    return Proposal.objects.select_related("consultation").filter(submission_key=key).first()


@transaction.atomic
def proposal_confirm_email(*, proposal: Proposal) -> bool:
    """A guest opened the link of their email: their proposal is published. It becomes
    an account's when someone already proved this address. False when it was confirmed
    already (the link opened twice)."""
    proposal = (
        Proposal.objects.select_for_update().select_related("consultation").get(pk=proposal.pk)
    )
    if proposal.status != Proposal.Status.UNCONFIRMED:
        return False
    proposal.status = Proposal.Status.PUBLISHED
    fields = ["status"]
    owner = _proven_owner(proposal.author_email)
    if owner is not None and proposal.author_id is None:
        proposal.author = owner
        fields.append("author")
        follow_auto(user=owner, target=proposal.consultation)
    proposal.save(update_fields=fields)
    return True


def _proven_owner(email: str) -> User | None:
    if not email:
        return None
    return User.objects.filter(email__iexact=email, email_confirmed_at__isnull=False).first()


def _lock(proposal: Proposal) -> Proposal:
    """The proposal's row, locked until the transaction ends: supports of one proposal
    are written one after the other (on SQLite, every write transaction already is)."""
    locked = Proposal.objects.select_for_update().only("pk", "status").get(pk=proposal.pk)
    if locked.status != Proposal.Status.PUBLISHED:
        raise SupportRefused(_("This proposal cannot be supported now."))
    return locked


def _count(proposal_pk: int, change: int) -> None:
    Proposal.objects.filter(pk=proposal_pk).update(support_count=F("support_count") + change)


def support_give(*, proposal: Proposal, user: User, entered_by: User | None = None) -> bool:
    """`user` supports the proposal: True when it is a new support, False when they
    supported it already (a double tap, two tabs). Counted at once."""
    try:
        with transaction.atomic():
            _lock(proposal)
            if Support.objects.filter(proposal=proposal, user=user).exists():
                return False
            Support.objects.create(
                proposal=proposal, user=user, confirmed_at=timezone.now(), entered_by=entered_by
            )
            _count(proposal.pk, +1)
    except IntegrityError:
        # Only without the lock (a caller's own transaction on another database): the
        # constraint refused the second one.
        return False
    follow_auto(user=user, target=proposal.consultation)
    return True


@transaction.atomic
def support_record(*, proposal: Proposal, name: str, entered_by: User) -> Support:
    """A facilitator records a support given on paper (at the market, the town hall):
    the person's name only, flagged by `entered_by`, counted at once. Nothing tells two
    papers of one person apart: the facilitator vouches for them."""
    _lock(proposal)
    support = Support.objects.create(
        proposal=proposal, name=name, entered_by=entered_by, confirmed_at=timezone.now()
    )
    _count(proposal.pk, +1)
    return support


@transaction.atomic
def support_withdraw(*, proposal: Proposal, user: User) -> bool:
    """`user` takes their support back: True when there was one."""
    Proposal.objects.select_for_update().only("pk").get(pk=proposal.pk)
    support = Support.objects.filter(proposal=proposal, user=user).first()
    if support is None:
        return False
    support.delete()
    if support.confirmed_at is not None:
        _count(proposal.pk, -1)
    return True


def support_request(*, proposal: Proposal, email: str, base_url: str) -> Support:
    """A guest supports with their address: the support waits for the link emailed to
    them, and counts once they open it. Asked again before that, the email goes again
    (an hour after the last at the soonest); once confirmed, nothing changes (the caller
    tells them it is counted already)."""
    email = email.lower()
    try:
        with transaction.atomic():
            _lock(proposal)
            # The account that proved this address supports it already: counted once.
            theirs = Support.objects.filter(
                proposal=proposal, user__email__iexact=email, user__email_confirmed_at__isnull=False
            ).first()
            if theirs is not None:
                return theirs
            support, created = Support.objects.select_related(
                "proposal__consultation"
            ).get_or_create(proposal=proposal, email=email)
            resend = not created and support.confirmed_at is None
            if resend and support.created_at > timezone.now() - RESEND_AFTER:
                # Someone typing another's address again and again sends one email an
                # hour at most.
                return support
            if resend:
                # A new link: its life (and the purge's clock) starts again.
                support.created_at = timezone.now()
                support.save(update_fields=["created_at"])
            if support.confirmed_at is None:
                emails.support_confirmation_send(support=support, base_url=base_url)
    except IntegrityError:
        support = Support.objects.select_related("proposal__consultation").get(
            proposal=proposal, email=email
        )
    return support


@transaction.atomic
def support_confirm(*, support: Support) -> bool:
    """A guest opened the link of their email: their support counts. It becomes the
    account's when someone proved this address (unless that account supports already:
    then it was counted once, and this one goes). False when nothing changed."""
    _lock(support.proposal)
    support = Support.objects.select_related("proposal__consultation").get(pk=support.pk)
    if support.confirmed_at is not None:
        return False
    owner = _proven_owner(support.email)
    if owner is not None:
        if Support.objects.filter(proposal_id=support.proposal_id, user=owner).exists():
            support.delete()
            return False
        support.user = owner
        support.email = ""
        follow_auto(user=owner, target=support.proposal.consultation)
    support.confirmed_at = timezone.now()
    support.save(update_fields=["user", "email", "confirmed_at"])
    _count(support.proposal_id, +1)
    return True


def unconfirmed_proposals_purge() -> int:
    """Forget guests' proposals never confirmed once their link has expired (their name,
    address and photos are not kept for nothing). Returns how many were removed.

    Maintenance (`tissage purge`), safe to run again or at the same time."""
    cutoff = timezone.now() - datetime.timedelta(seconds=tokens.CONFIRM_MAX_AGE)
    stale = Proposal.objects.filter(status=Proposal.Status.UNCONFIRMED, created_at__lt=cutoff)
    photo_files_delete_on_commit(ProposalPhoto.objects.filter(proposal__in=stale))
    _total, per_model = stale.delete()
    return per_model.get(Proposal._meta.label, 0)


def unconfirmed_supports_purge() -> int:
    """Forget guests' supports never confirmed once their link has expired (never
    counted, so no count changes). Returns how many were removed."""
    cutoff = timezone.now() - datetime.timedelta(seconds=tokens.CONFIRM_MAX_AGE)
    _total, per_model = Support.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return per_model.get(Support._meta.label, 0)


def proposals_attach(user: User) -> int:
    """The proposals and supports a guest gave with this address become the account's
    once the address is proven theirs (`core.registry`, `address_confirmed`): proving the
    address is what the emailed links would prove, so what waited for them is published
    or counted, and their data export holds them. A support of a
    proposal the account supports already is one too many: it goes (and is uncounted).
    Returns how many rows changed hands."""
    if not user.email_confirmed_at:
        return 0
    email = user.email.lower()
    with transaction.atomic():
        proposals = Proposal.objects.filter(
            author__isnull=True, entered_by__isnull=True, author_email=email
        )
        consultations = set(proposals.values_list("consultation", flat=True))
        # Proving the address is what the emailed link would have proven: published.
        proposals.filter(status=Proposal.Status.UNCONFIRMED).update(
            status=Proposal.Status.PUBLISHED
        )
        moved = proposals.update(author=user)
        for support in Support.objects.filter(email=email, user__isnull=True).select_related(
            "proposal"
        ):
            locked = Proposal.objects.select_for_update().only("pk").get(pk=support.proposal_id)
            if Support.objects.filter(proposal=locked, user=user).exists():
                support.delete()
                if support.confirmed_at is not None:
                    _count(locked.pk, -1)
                continue
            if support.confirmed_at is None:
                # Proving the address is what the link would have proven.
                support.confirmed_at = timezone.now()
                _count(locked.pk, +1)
            support.user = user
            support.email = ""
            support.save(update_fields=["user", "email", "confirmed_at"])
            consultations.add(support.proposal.consultation_id)
            moved += 1
    for consultation in Consultation.objects.filter(pk__in=consultations):
        follow_auto(user=user, target=consultation)
    return moved


# Photos kept for a form that came back -------------------------------------------------


def kept_photos(key: uuid.UUID) -> QuerySet[ProposalPhoto]:
    """The photos kept for the proposal form of this key, in the order they came."""
    return ProposalPhoto.objects.filter(proposal__isnull=True, form_key=key).order_by("pk")


@transaction.atomic
def photos_keep(*, key: uuid.UUID, photos: Sequence[PreparedPhoto]) -> list[ProposalPhoto]:
    """The form comes back (a correction, similar proposals to look at): the photos that
    arrived with it wait for its next sending (private files, already re-encoded), as
    many as a proposal still has room for. On a weak connection, sending photos again is
    what makes people give up."""
    room = MAX_PHOTOS - kept_photos(key).count()
    return [
        ProposalPhoto.objects.create(
            proposal=None,
            form_key=key,
            image=photo.image,
            thumbnail=photo.thumbnail,
            width=photo.width,
            height=photo.height,
        )
        for photo in list(photos)[: max(room, 0)]
    ]


@transaction.atomic
def kept_photos_remove(*, key: uuid.UUID, pks: Sequence[int]) -> int:
    """The person took these kept photos off the form: forgotten, files and all."""
    photos = kept_photos(key).filter(pk__in=pks)
    photo_files_delete_on_commit(list(photos))
    removed, _per_model = photos.delete()
    return removed


@transaction.atomic
def kept_photos_purge() -> int:
    """Forget photos kept for forms never sent again, after a day (`tissage purge`)."""
    expired = ProposalPhoto.objects.filter(
        proposal__isnull=True, created_at__lt=timezone.now() - ProposalPhoto.KEPT_MAX_AGE
    )
    photo_files_delete_on_commit(list(expired))
    removed, _per_model = expired.delete()
    return removed
