"""Participatory inventories: campaigns, their categories and fields, contributions."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.db.models.functions import Round
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..contributions.periods import century_of

METRES_PER_DEGREE_LAT = 111_320.0


class Licence(models.TextChoices):
    ETALAB = "etalab-2.0", _("Licence Ouverte / Etalab 2.0")
    CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA = "cc-by-sa-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC0 = "cc0-1.0", _("Public domain dedication (CC0 1.0)")


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def open_on(self, day: datetime.date) -> CampaignQuerySet:
        return self.filter(starts_on__lte=day).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day)
        )


class Campaign(models.Model):
    """An inventory run within a project: what to look for, where, and under which licence."""

    class Template(models.TextChoices):
        FREE = "free", _("Free: categories and fields of your own")
        HERITAGE = "heritage", _("Heritage: categories and fields mapped to Mérimée")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="campaigns"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    presentation = models.TextField(_("presentation"), blank=True, help_text=_("Markdown."))
    method = models.TextField(
        _("method"),
        blank=True,
        help_text=_("What to look for, how to take a good photo. Markdown."),
    )
    starts_on = models.DateField(_("start"), default=datetime.date.today)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes covered"), blank=True, related_name="+"
    )
    licence = models.CharField(
        _("licence of contributions"), max_length=20, choices=Licence, default=Licence.ETALAB
    )
    requires_account = models.BooleanField(
        _("contributing needs an account"),
        default=False,
        help_text=_("Otherwise a name and a confirmed email address are enough."),
    )
    template = models.CharField(
        _("template"), max_length=10, choices=Template, default=Template.FREE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def period_field_key(self) -> str | None:
        """The field that dates an item (the century, for heritage), used by the filters."""
        keys = [
            field.key
            for field in self.fields.all()
            if field.kind == CampaignField.Kind.PERIOD or field.merimee_field == "SCLE"
        ]
        return keys[0] if keys else None

    def is_open(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Category(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    merimee_denomination = models.CharField(
        _("Mérimée denomination"),
        max_length=120,
        blank=True,
        help_text=_("Term of the national vocabulary (field DENO), e.g. “lavoir”."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="one_category_slug")
        ]

    def __str__(self) -> str:
        return self.name


class CampaignField(models.Model):
    """An extra question of a campaign, defined by a facilitator without code."""

    class Kind(models.TextChoices):
        TEXT = "text", _("short text")
        LONG_TEXT = "long_text", _("long text")
        NUMBER = "number", _("number")
        YES_NO = "yes_no", _("yes / no")
        CHOICE = "choice", _("single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("multiple choice")
        DATE = "date", _("date")
        PERIOD = "period", _("date or period (e.g. “XIXe siècle”, “vers 1850”)")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(max_length=60, help_text=_("Name of the column in exports."))
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    merimee_field = models.CharField(
        _("Mérimée field"), max_length=20, blank=True, help_text=_("e.g. SCLE, MATR, ETAT.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("campaign field")
        verbose_name_plural = _("campaign fields")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="one_field_key")]

    def __str__(self) -> str:
        return self.label

    def form_field(self) -> forms.Field:
        """The Django form field that asks this question."""
        common: dict[str, Any] = {
            "label": self.label,
            "help_text": self.help_text,
            "required": self.required and self.kind != self.Kind.YES_NO,
        }
        options = [(choice, choice) for choice in self.choices]
        match self.kind:
            case self.Kind.LONG_TEXT:
                return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
            case self.Kind.NUMBER:
                return forms.DecimalField(max_digits=12, decimal_places=3, **common)
            case self.Kind.YES_NO:
                return forms.NullBooleanField(
                    widget=forms.Select(
                        choices=[
                            ("unknown", _("I don't know")),
                            ("true", _("Yes")),
                            ("false", _("No")),
                        ]
                    ),
                    **common,
                )
            case self.Kind.CHOICE:
                return forms.ChoiceField(
                    choices=[("", "—"), *options], widget=forms.Select, **common
                )
            case self.Kind.MULTIPLE_CHOICE:
                return forms.MultipleChoiceField(
                    choices=options, widget=forms.CheckboxSelectMultiple, **common
                )
            case self.Kind.DATE:
                return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
            case _:
                return forms.CharField(max_length=300, **common)

    def display(self, value: Any) -> str:
        """A stored answer as people read it."""
        if value is True:
            return str(_("Yes"))
        if value is False:
            return str(_("No"))
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def to_json(self, value: Any) -> Any:
        """A cleaned form value, as stored in Contribution.values."""
        if value in (None, "", []):
            return None
        if isinstance(value, datetime.date):
            return value.isoformat()
        if self.kind == self.Kind.NUMBER:
            return float(value)
        return value


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def published(self) -> ContributionQuerySet:
        return self.filter(status=Contribution.Status.VALIDATED)

    def for_cards(self) -> ContributionQuerySet:
        """What a list of items shows: category, commune and the first photo."""
        # Commune outlines are heavy and a card shows only the name.
        return (
            self.select_related("category", "commune")
            .defer("commune__geometry")
            .prefetch_related(
                models.Prefetch("photos", queryset=Photo.objects.order_by("position", "pk"))
            )
        )

    def filtered(
        self, campaign: Campaign, *, category: str = "", commune: str = "", period: str = ""
    ) -> ContributionQuerySet:
        """The public filters of the map and the list: category slug, commune INSEE code,
        and period (words of the campaign's period field, e.g. “XIXe”)."""
        items = self.filter(campaign=campaign)
        if category:
            items = items.filter(category__slug=category)
        if commune:
            items = items.filter(commune__insee_code=commune)
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

    def near(self, lon: float, lat: float, metres: float) -> list[tuple[Contribution, float]]:
        """Items within `metres` of the point, nearest first, with their distance."""
        d_lat = metres / METRES_PER_DEGREE_LAT
        d_lon = metres / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
        found = []
        for item in self.in_box(lon - d_lon, lat - d_lat, lon + d_lon, lat + d_lat):
            distance = distance_metres(lon, lat, item.longitude, item.latitude)
            if distance <= metres:
                found.append((item, distance))
        return sorted(found, key=lambda pair: pair[1])


def distance_metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine), precise enough at the scale of a village."""
    radius = 6_371_008.8
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


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
    category = models.ForeignKey(Category, on_delete=models.RESTRICT, related_name="items")
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
            models.Index(fields=["campaign", "status", "created_at"]),
            # Covers the map's count and grouping: no row of the table is read.
            models.Index(
                fields=["campaign", "status", "century", "public_longitude", "public_latitude"],
                name="contribution_century_idx",
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
        """From the prefetched photos when there are (see `for_cards`)."""
        photos = list(self.photos.all())
        return photos[0] if photos else None

    def public_point(self) -> tuple[float, float]:
        """(lon, lat) as the public sees it: rounded to about 1 km when obscured."""
        if self.obscure_location:
            return (round(self.longitude, 2), round(self.latitude, 2))
        return (self.longitude, self.latitude)

    @property
    def public_contributor(self) -> str:
        if not self.show_contributor:
            return str(_("anonymous"))
        if self.contributor_id and self.contributor is not None:
            return self.contributor.public_name
        if self.contributor_name:
            return self.contributor_name
        # Assisted entry for someone who gave no name: credited to who typed it in.
        if self.entered_by_id and self.entered_by is not None:
            return self.entered_by.public_name
        return str(_("a former participant"))


class Photo(models.Model):
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="inventories/photos/%Y/%m/")
    thumbnail = models.ImageField(upload_to="inventories/thumbnails/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    credit = models.CharField(
        _("author of the photo"), max_length=120, help_text=_("Credited with the photo.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.contribution} ({self.credit})"


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


class InventoryImport(models.Model):
    """A file brought into a campaign: checked first (dry run), then imported at once."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("checked, not imported yet")
        IMPORTED = "imported", _("imported")

    class Format(models.TextChoices):
        GEOJSON = "geojson", "GeoJSON"
        CSV = "csv", "CSV"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to="inventories/imports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    format = models.CharField(max_length=10, choices=Format)
    # Source column → target (a contribution attribute or a campaign field key).
    mapping = models.JSONField(default=dict, blank=True)
    # The dry run's findings: counts, and row by row what is wrong.
    report = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.CHECKED)
    imported_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.original_name}"


from ..map.cells import MapCell  # noqa: E402,F401
