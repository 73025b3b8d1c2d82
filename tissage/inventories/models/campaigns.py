"""Campaigns and what they ask: their categories and their questions (fields)."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django import forms
from django.db import models
from django.db.models import Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tissage.core.covers import Cover, cover_first
from tissage.core.files import RandomName
from tissage.core.questions import answer_display, question_form_field
from tissage.core.unions import union_all


class Licence(models.TextChoices):
    ETALAB = "etalab-2.0", _("Licence Ouverte / Etalab 2.0")
    CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA = "cc-by-sa-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC0 = "cc0-1.0", _("Public domain dedication (CC0 1.0)")


# Where `filter_choices` leaves the period field's key on the instance, for
# `period_field_key` to answer without another query.
_PERIOD_KEY = "_period_field_key"


class FilterChoices(NamedTuple):
    categories: list[tuple[str, str]]
    communes: list[tuple[str, str]]
    period_key: str | None


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
    # Taken through the photo pipeline only (core.covers.CoverFields), which checks it.
    cover = models.ImageField(
        _("cover picture"),
        upload_to=RandomName("inventories/covers"),
        blank=True,
    )
    cover_alt = models.CharField(
        _("description of the cover picture"),
        max_length=200,
        blank=True,
        help_text=_("For people who cannot see the picture."),
    )
    # The highest milestone of published items announced to the followers
    # (`campaigns.milestones`): each is announced once, whatever the items do later.
    milestone_reached = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # When its settings last changed (the open API's `updated_since` and Last-Modified).
    updated_at = models.DateTimeField(auto_now=True)

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

    def get_absolute_url(self) -> str:
        return reverse("inventories:campaign", args=[self.slug])

    @property
    def shown_cover(self) -> Cover | None:
        """Its own cover, else its project's."""
        return cover_first(
            (self.cover, self.cover_alt), (self.project.cover, self.project.cover_alt)
        )

    def _period_fields(self) -> models.QuerySet[CampaignField]:
        dates = models.Q(kind=CampaignField.Kind.PERIOD) | models.Q(merimee_field="SCLE")
        return self.fields.filter(dates)

    def period_field_key(self) -> str | None:
        """The field that dates an item (the century, for heritage), used by the filters:
        the first in the campaign's order, its key alone; the one `filter_choices` read
        with the other choices, if it was called on this instance (a list or map page)."""
        if _PERIOD_KEY in self.__dict__:
            return self.__dict__[_PERIOD_KEY]
        return self._period_fields().values_list("key", flat=True).first()

    def filter_choices(self) -> FilterChoices:
        """What the public filters of the list and the map offer, in one query (the
        filter form is on every visit of both): the categories (slug, name) in the
        campaign's order, its communes (INSEE code, name) by name, and the period field's
        key, kept for `period_field_key`."""
        categories, communes, period_key = [], [], None
        for part, code, name in union_all(
            [
                self.categories.values_list(Value(0), "slug", "name"),
                self.communes.order_by("name").values_list(Value(1), "insee_code", "name"),
                self._period_fields().values_list(Value(2), "key", Value(""))[:1],
            ]
        ):
            if part == 0:
                categories.append((code, name))
            elif part == 1:
                communes.append((code, name))
            else:
                period_key = code
        self.__dict__[_PERIOD_KEY] = period_key
        return FilterChoices(categories, communes, period_key)

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
        """The Django form field that asks this question (`core.questions`)."""
        return question_form_field(
            kind=self.kind,
            label=self.label,
            help_text=self.help_text,
            required=self.required,
            choices=self.choices,
        )

    def display(self, value: Any) -> str:
        """A stored answer as people read it."""
        return answer_display(value)

    def to_json(self, value: Any) -> Any:
        """A cleaned form value, as stored in Contribution.values."""
        if value in (None, "", []):
            return None
        if isinstance(value, datetime.date):
            return value.isoformat()
        if self.kind == self.Kind.NUMBER:
            return float(value)
        return value
