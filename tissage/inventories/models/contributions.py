"""Contributions (inventory items), their photos and their history (events)."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tissage.accounts.models import public_name_of
from tissage.core.files import PRIVATE, RandomName, StorageUnavailable, file_move, is_private
from tissage.core.indexes import NullsOrderIndex, Unindexed
from tissage.territories.geography import Box, distance_metres
from tissage.territories.models import Commune

from ..contributions.periods import century_of
from .campaigns import Campaign, Category, Licence

logger = logging.getLogger(__name__)

# An obscured point is rounded to 2 decimals (`public_longitude`): at most 0.005° from the
# exact one.
OBSCURING_MARGIN = 0.006


# What a card shows (title, category, commune, first photo), and what orders the list.
CARD_COLUMNS = (
    "campaign",
    "title",
    "status",
    "validated_at",
    "category__name",
    "commune__name",
)


def _newest_first(*keys: str, name: str) -> NullsOrderIndex:
    """An index of items by `keys` and status, newest published first (undated last), as
    `newest_published_first` orders them: a list walks it and stops at its page."""
    return NullsOrderIndex(
        *(models.F(key) for key in keys),
        models.F("status"),
        models.F("validated_at").desc(nulls_last=True),
        models.F("id").desc(),
        name=name,
    )


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def published(self) -> ContributionQuerySet:
        return self.filter(status=Contribution.Status.VALIDATED)

    def to_moderate(self) -> ContributionQuerySet:
        """What waits for a moderator: submitted, or needing more information."""
        return self.filter(
            status__in=[Contribution.Status.SUBMITTED, Contribution.Status.NEEDS_INFO]
        )

    def newest_published_first(self) -> ContributionQuerySet:
        """Newest published first; items published without a date (imported ones) last on
        both databases (PostgreSQL puts NULLs first in a descending order)."""
        return self.order_by(models.F("validated_at").desc(nulls_last=True), "-pk")

    def for_cards(self) -> ContributionQuerySet:
        """What a list of items shows: category, commune and the first photo (its id and
        thumbnail read in the same query, `Contribution.first_photo`: a prefetch of the
        photos cost 1.8 ms of a list of 24, where the query itself takes 0.1 ms)."""
        # Commune outlines are heavy and a card shows only the name.
        first = Photo.objects.filter(contribution=models.OuterRef("pk")).order_by("position", "pk")
        return (
            self.select_related("category", "commune")
            .only(*CARD_COLUMNS)
            .annotate(
                first_photo_id=models.Subquery(first.values("pk")[:1]),
                first_photo_thumbnail=models.Subquery(first.values("thumbnail")[:1]),
            )
        )

    def filtered(
        self,
        campaign: Campaign,
        *,
        category: str = "",
        commune: str = "",
        period: str = "",
        in_id_order: bool = False,
    ) -> ContributionQuerySet:
        """The public filters of the map and the list: category slug, commune INSEE code,
        and period (words of the campaign's period field, e.g. “XIXe”).

        `in_id_order`: the items will be read in id order and the filters leave many of
        them (a dense box of the open API, `map.cells.box_is_dense`): the category and
        the commune are then written so that SQLite walks no index on them
        (`Unindexed`). With statistics its planner read every item of the category
        through its index and sorted them (the lavoirs of half the Gard at 100,000
        items: 45 ms p95), where the id order finds a page of them at once."""
        items = self.filter(campaign=campaign)
        column = Unindexed if in_id_order else F
        # The category's and the commune's ids read first, each one row (a slug is unique
        # in its campaign, an INSEE code in the table), rather than a join on the slug or
        # the code: the list then walks `contribution_category_new_idx` or
        # `contribution_commune_new_idx` in the order it shows, where both databases
        # sorted every item of the category (7 ms for 6,000 on SQLite) or the commune.
        if category:
            chosen = Category.objects.filter(campaign=campaign, slug=category).order_by()
            items = items.filter(
                Exact(column("category_id"), models.Subquery(chosen.values("pk")[:1]))
            )
        if commune:
            place = Commune.objects.filter(insee_code=commune).order_by()
            items = items.filter(
                Exact(column("commune_id"), models.Subquery(place.values("pk")[:1]))
            )
        if period:
            if (century := century_of(period)) is not None:
                items = items.filter(century=century)
            elif key := campaign.period_field_key():
                items = items.filter(**{f"values__{key}__icontains": period})
        return items

    def in_box(
        self, min_lon: float, min_lat: float, max_lon: float, max_lat: float
    ) -> ContributionQuerySet:
        return self.filter(
            longitude__gte=min_lon,
            longitude__lte=max_lon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )

    def public_in_box(self, box: Box, *, dense: bool = False) -> ContributionQuerySet:
        """Items whose public point is in the box: the rule of the map and the open API,
        so that a box ending between an item's exact and public points tells nothing
        about the exact one.

        The exact point, widened by the obscuring margin, lets the database walk the map
        index by longitude; the public point decides.

        `dense`: the box holds so many of the items that a list in id order fills its
        page sooner by reading the items in that order than by reading the whole box
        and sorting it (`map.cells.box_is_dense` tells). The same terms are then written
        so that SQLite walks no index on the point (`Unindexed`): its planner, blind to
        how many items a range holds, would otherwise always read the box.
        The map's few points of a named commune are read this way too, through the
        commune's index (`map.data.map_features`).
        """
        column = Unindexed if dense else F
        ranges = [
            ("longitude", box.min_lon - OBSCURING_MARGIN, box.max_lon + OBSCURING_MARGIN),
            ("latitude", box.min_lat - OBSCURING_MARGIN, box.max_lat + OBSCURING_MARGIN),
            ("public_longitude", box.min_lon, box.max_lon),
            ("public_latitude", box.min_lat, box.max_lat),
        ]
        return self.filter(
            *(
                term
                for field, low, high in ranges
                for term in (
                    GreaterThanOrEqual(column(field), low),
                    LessThanOrEqual(column(field), high),
                )
            )
        )

    def near(self, lon: float, lat: float, metres: float) -> list[tuple[Contribution, float]]:
        """Items within `metres` of the point, nearest first, with their distance."""
        found = []
        for item in self.in_box(*Box.around(lon, lat, metres)):
            distance = distance_metres(lon, lat, item.longitude, item.latitude)
            if distance <= metres:
                found.append((item, distance))
        return sorted(found, key=lambda pair: pair[1])


class Contribution(models.Model):
    """An item of the inventory (a *fiche*): from *repéré* by an inhabitant to validated."""

    class Status(models.TextChoices):
        AWAITING_EMAIL = "awaiting_email", _("waiting for email confirmation")
        SUBMITTED = "submitted", _("submitted")
        NEEDS_INFO = "needs_info", _("needs more information")
        VALIDATED = "validated", _("validated")
        REJECTED = "rejected", _("rejected")
        ARCHIVED = "archived", pgettext_lazy("inventory item", "archived")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    # RESTRICT, not PROTECT: a used category cannot be deleted on its own, but deleting
    # the campaign (or its project) takes its categories and items together.
    # No index of its own: `contribution_category_new_idx` begins with the category and
    # serves every lookup by it. With both, PostgreSQL's planner could take the plain one
    # for a category's list and sort all its items (6 ms at 2,700 items, issue #20).
    category = models.ForeignKey(
        Category, on_delete=models.RESTRICT, related_name="items", db_index=False
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    values = models.JSONField(_("answers to the campaign's questions"), default=dict, blank=True)
    longitude = models.FloatField(_("longitude"))
    latitude = models.FloatField(_("latitude"))
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("address or place name"), max_length=300, blank=True)
    # Given without JavaScript as a commune and an address only: the point is the
    # commune's centre until a moderator places it.
    location_approximate = models.BooleanField(_("location to be placed precisely"), default=False)
    obscure_location = models.BooleanField(
        _("do not show the exact location publicly"), default=False
    )
    # The point as the public sees it (about 1 km precision when obscured), kept by the
    # database itself so that no write path can forget it; the map aggregates on it.
    public_longitude = models.GeneratedField(
        expression=models.Case(
            models.When(obscure_location=True, then=Round(models.F("longitude"), 2)),
            default=models.F("longitude"),
        ),
        output_field=models.FloatField(),
        db_persist=True,
    )
    public_latitude = models.GeneratedField(
        expression=models.Case(
            models.When(obscure_location=True, then=Round(models.F("latitude"), 2)),
            default=models.F("latitude"),
        ),
        output_field=models.FloatField(),
        db_persist=True,
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.SUBMITTED)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence)
    # Who found it. A guest has no account: a name and an email kept for staff only.
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    contributor_name = models.CharField(_("contributor's name"), max_length=120, blank=True)
    contributor_email = models.EmailField(_("contributor's email"), blank=True)
    show_contributor = models.BooleanField(_("show my name with the item"), default=True)
    # Assisted entry: the facilitator who typed it in for someone offline.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("licence accepted"))
    # The form's own key: the same form sent twice (a double tap, a reload on a slow
    # network) finds the item it made instead of making a second one.
    # (Unique through a partial index, below: a plain unique column would make SQLite
    # rebuild the table and lose the map cells' triggers.)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    # The century the period question names (XIXe → 19), kept in step with `values` by
    # `save()` so that the period filter reads an index, not every item's answers.
    century = models.PositiveSmallIntegerField(_("century"), null=True, blank=True)
    # Identifier in the source it was imported from (e.g. the Mérimée REF), if any.
    external_ref = models.CharField(_("reference in the source"), max_length=80, blank=True)
    # A duplicate merged into another item: archived, and its permalink leads there.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_items"
    )

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Signing in attaches the items a guest sent with the address
            # (`contributions_attach`, at every sign-in): found without reading them all.
            models.Index(
                fields=["contributor_email"],
                condition=models.Q(contributor__isnull=True),
                name="guest_items_by_email",
            ),
            models.Index(fields=["campaign", "status", "created_at"]),
            # The items feed's version: the latest change among the published items, the
            # top of this index rather than a scan of them all.
            models.Index(
                fields=["campaign", "status", "updated_at"], name="contribution_changed_idx"
            ),
            # The campaign page, the item list and the feed: the latest published items
            # (`newest_published_first`) walked in order, never a sort of them all.
            _newest_first("campaign", name="contribution_newest_idx"),
            # The same for the item list filtered by a period that names a century. The
            # century before the status: with `(campaign, status, …)` first, SQLite took
            # it for the unfiltered list too (it covers its columns) and sorted them all.
            _newest_first("campaign", "century", name="contribution_century_new_idx"),
            # The same for the item list of a commune, and of a category (`filtered`).
            _newest_first("campaign", "commune", name="contribution_commune_new_idx"),
            _newest_first("category", name="contribution_category_new_idx"),
            # Covers the map's count and grouping: no row of the table is read.
            models.Index(
                fields=["campaign", "status", "century", "public_longitude", "public_latitude"],
                name="contribution_century_idx",
            ),
            # The map's points with a commune and a category: that commune's items of
            # that category, not every item of the view checked for both (at 100,000
            # items on PostgreSQL, 5 ms for the commune's 2,000 items each joined to its
            # category; 0.2 ms). SQLite's planner cannot weigh a range and keeps the map
            # index below.
            models.Index(
                fields=["campaign", "commune", "category", "status", "century"],
                name="contribution_commune_idx",
            ),
            models.Index(
                fields=[
                    "campaign",
                    "status",
                    "longitude",
                    "latitude",
                    "public_longitude",
                    "public_latitude",
                ],
                name="contribution_map_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    longitude__gte=-180, longitude__lte=180, latitude__gte=-90, latitude__lte=90
                ),
                name="contribution_point_is_wgs84",
            ),
            models.UniqueConstraint(
                fields=["campaign", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="one_item_per_external_ref",
            ),
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=models.Q(submission_key__isnull=False),
                name="one_item_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "values" in update_fields:
            self.century = self.century_from_values()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "century"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("inventories:item", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    def century_from_values(self, period_key: str | None = "") -> int | None:
        """The century of the answer to the campaign's period question.

        `period_key` may be given when known (bulk writes); "" means look it up."""
        if period_key == "":
            period_key = self.campaign.period_field_key()
        return century_of(self.values.get(period_key)) if period_key else None

    @property
    def first_photo(self) -> Photo | None:
        """Its first photo: from what `for_cards` read with the item (its id and
        thumbnail only), else from the prefetched photos when there are."""
        read = self.__dict__
        if "first_photo_id" in read:
            if read["first_photo_id"] is None:
                return None
            return Photo(
                pk=read["first_photo_id"],
                contribution=self,
                thumbnail=read["first_photo_thumbnail"],
            )
        photos = list(self.photos.all())
        return photos[0] if photos else None

    def public_point(self) -> tuple[float, float]:
        """(lon, lat) as the public sees it: rounded to about 1 km when obscured."""
        if self.obscure_location:
            return (round(self.longitude, 2), round(self.latitude, 2))
        return (self.longitude, self.latitude)

    @property
    def public_contributor(self) -> str:
        contributor = self.contributor if self.contributor_id else None
        entered_by = self.entered_by if self.entered_by_id else None
        return public_contributor_of(
            shown=self.show_contributor,
            given_name=self.contributor_name,
            contributor=(contributor.pk, contributor.display_name) if contributor else None,
            entered_by=(entered_by.pk, entered_by.display_name) if entered_by else None,
        )


def public_contributor_of(
    *,
    shown: bool,
    given_name: str,
    contributor: tuple[int, str] | None,
    entered_by: tuple[int, str] | None,
) -> str:
    """How an item credits who contributed it (`Contribution.public_contributor`), from
    its columns and the (id, display name) of its contributor and of who typed it in:
    for lists that read these columns rather than whole rows (the open API)."""
    if not shown:
        return str(_("anonymous"))
    if given_name:
        # The name given with the item (a guest's, kept when it joins their account).
        return given_name
    if contributor is not None:
        return public_name_of(*contributor)
    # Assisted entry for someone who gave no name: credited to who typed it in.
    if entered_by is not None:
        return public_name_of(*entered_by)
    return str(_("a former participant"))


class PhotoQuerySet(models.QuerySet["Photo"]):
    def files_place(self) -> int:
        """Move each photo's files to the side its item's status asks for: public once
        the item is published, private before and after (tissage/core/files.py).

        Called once a decision or a merge is committed, and daily by `tissage purge` for
        whatever changed status another way (the admin). Returns the photos moved.

        The row names each file once it is written on its new side, one file at a time.
        If the file storage cannot be reached, the decision stays made and the photos
        stay where they are (logged): the next `tissage purge` places them."""
        moved = 0
        misplaced = self.exclude(
            Q(contribution__status=Contribution.Status.VALIDATED)
            & ~Q(image__startswith=PRIVATE)
            & ~Q(thumbnail__startswith=PRIVATE)
        ).exclude(
            ~Q(contribution__status=Contribution.Status.VALIDATED)
            & Q(image__startswith=PRIVATE)
            & Q(thumbnail__startswith=PRIVATE)
        )
        for photo in misplaced.select_related("contribution"):
            private = photo.file_is_private()
            changed = False
            for name in ("image", "thumbnail"):
                file = getattr(photo, name)
                try:
                    if not file_move(file, private=private):
                        continue
                except StorageUnavailable:
                    logger.warning(
                        "Photo %s not moved (file storage unreachable): tissage purge will.",
                        photo.pk,
                    )
                    return moved
                Photo.objects.filter(pk=photo.pk).update(**{name: file.name})
                changed = True
            if changed:
                moved += 1
        return moved


class Photo(models.Model):
    # Indexed with the order of an item's photos (`photo_contribution_order_idx`).
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="photos", db_index=False
    )
    # Private until the item is published: an item waiting for moderation, refused or
    # archived shows its photos only to those who may see it (tissage/core/files.py).
    image = models.ImageField(upload_to=RandomName("inventories/photos", private=None))
    thumbnail = models.ImageField(upload_to=RandomName("inventories/thumbnails", private=None))
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    credit = models.CharField(
        _("author of the photo"), max_length=120, help_text=_("Credited with the photo.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]
        indexes = [
            # An item's photos in order: its first one (`for_cards`, a subquery per card)
            # is read without sorting them.
            models.Index(
                fields=["contribution", "position", "id"], name="photo_contribution_order_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contribution} ({self.credit})"

    def file_is_private(self) -> bool:
        return self.contribution.status != Contribution.Status.VALIDATED

    def _url(self, size: str) -> str:
        file = self.image if size == "image" else self.thumbnail
        if is_private(file.name or ""):
            # Served by the app, to those who may see the item.
            return reverse("inventories:photo", args=[self.pk, size])
        return file.url

    @property
    def image_url(self) -> str:
        return self._url("image")

    @property
    def thumbnail_url(self) -> str:
        return self._url("thumbnail")


class StagedPhotoQuerySet(models.QuerySet["StagedPhoto"]):
    def of_form(self, campaign: Campaign, key: Any) -> StagedPhotoQuerySet:
        """The photos kept for one contribution form (its submission key)."""
        return self.filter(campaign=campaign, key=key).order_by("pk")

    def expired(self) -> StagedPhotoQuerySet:
        return self.filter(created_at__lt=timezone.now() - StagedPhoto.MAX_AGE)


class StagedPhoto(models.Model):
    """A photo received with a contribution form that is not sent yet: the form came back
    with an error, or the page sent the photo as soon as it was chosen. It waits, tied to
    the form's submission key (unguessable, known only to the page that holds the form),
    until the form is sent — the photos then become the item's — or for 24 hours, after
    which `tissage purge` forgets it. Already re-encoded without metadata, and private."""

    MAX_AGE = datetime.timedelta(hours=24)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField(db_index=True)
    image = models.ImageField(upload_to=RandomName("inventories/staged", private=True))
    thumbnail = models.ImageField(upload_to=RandomName("inventories/staged", private=True))
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # The file's name on the person's device, shown back to them only, so that they know
    # which photo is kept; gone with the row.
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = StagedPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo waiting for its form")
        verbose_name_plural = _("photos waiting for their form")

    def __str__(self) -> str:
        return self.name


class ContributionEvent(models.Model):
    """One step in an item's history: who, when, what. Provenance, kept for good."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        EMAIL_CONFIRMED = "email_confirmed", _("email confirmed")
        EDITED = "edited", _("edited")
        DECIDED = "decided", _("decision")
        ANSWERED = "answered", _("answer from the contributor")
        MERGED = "merged", _("merged with a duplicate")
        IMPORTED = "imported", _("imported")

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(max_length=120, blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.contribution} · {self.get_kind_display()}"
