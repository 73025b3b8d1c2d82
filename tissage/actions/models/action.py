"""Actions (work-days, meetings, workshops, outings) with roles and places, and the
registrations of the people who come."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActionSeries(models.Model):
    """Actions created together (e.g. every Saturday morning for six weeks)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="action_series"
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("series of actions")
        verbose_name_plural = _("series of actions")

    def __str__(self) -> str:
        return self.title


class ActionQuerySet(models.QuerySet["Action"]):
    def published(self) -> ActionQuerySet:
        return self.filter(status=Action.Status.PUBLISHED)

    def upcoming(self) -> ActionQuerySet:
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")


class Action(models.Model):
    class Kind(models.TextChoices):
        WORKDAY = "workday", _("work-day")
        MEETING = "meeting", _("meeting")
        WORKSHOP = "workshop", _("workshop")
        OUTING = "outing", _("outing")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("action status", "draft")
        PUBLISHED = "published", pgettext_lazy("action status", "published")
        CANCELLED = "cancelled", pgettext_lazy("action status", "cancelled")

    class Difficulty(models.TextChoices):
        EASY = "easy", _("easy")
        MEDIUM = "medium", _("medium")
        HARD = "hard", _("demanding")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="actions"
    )
    series = models.ForeignKey(
        ActionSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.WORKDAY)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=90, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty, default=Difficulty.EASY
    )
    children_welcome = models.BooleanField(_("children welcome"), default=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    meeting_point = models.CharField(_("meeting point"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    # Places for the whole action, companions included; None: only the roles count.
    capacity = models.PositiveIntegerField(_("overall capacity"), null=True, blank=True)
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    reminder_hours_before = models.PositiveSmallIntegerField(
        _("reminder, hours before"), default=24, help_text=_("0: no reminder.")
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["starts_at", "pk"]
        # The agenda: published actions not over yet, in order of start.
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["status", "ends_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="action_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def registration_is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED or now >= self.starts_at:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)


class Role(models.Model):
    """What people come to do, with its number of places (e.g. “planting × 12”)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(_("role"), max_length=120)
    places = models.PositiveSmallIntegerField(_("places"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} × {self.places}"


# People registered without an address (on their behalf, at check-in, or after their
# account was deleted) hold a unique placeholder in the reserved “.invalid” top-level
# domain (RFC 2606): it keeps one live registration per address, and nothing may ever be
# sent to it. This suffix, whatever the placeholder's form, is the one test of it.
NO_ADDRESS_SUFFIX = ".invalid"


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def reachable(self) -> RegistrationQuerySet:
        """Those with a real address, that emails may be sent to."""
        return self.exclude(email__iendswith=NO_ADDRESS_SUFFIX)

    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")

    def seats(self) -> int:
        """Places taken: each person and their companions."""
        return self.aggregate(total=Sum(models.F("companions") + 1))["total"] or 0


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="registrations")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    # Who to write to: the account's address, or the guest's. Lower-cased.
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    companions = models.PositiveSmallIntegerField(_("people coming with you"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Attendance, filled in by a facilitator on the day (None: not checked yet).
    attended = models.BooleanField(_("present"), null=True, blank=True)
    # Came without registering: added at check-in.
    walk_in = models.BooleanField(_("came without registering"), default=False)
    # Hours given, when they differ from the action's length.
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # One live registration per address and action: a double click, or the same
            # person registering twice, finds the first one.
            models.UniqueConstraint(
                fields=["action", "email"],
                condition=~Q(status="cancelled"),
                name="one_live_registration_per_email",
            ),
            models.CheckConstraint(
                condition=Q(companions__lte=20), name="registration_companions_at_most_20"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.action}"

    @property
    def seats(self) -> int:
        return 1 + self.companions

    @property
    def has_email(self) -> bool:
        """A real address, not a placeholder (see NO_ADDRESS_SUFFIX): the same test as
        `RegistrationQuerySet.reachable`."""
        return not self.email.lower().endswith(NO_ADDRESS_SUFFIX)


class Need(models.Model):
    """Material the action needs (“2 spades”, “a trailer”), to which people pledge."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="needs")
    label = models.CharField(_("what is needed"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("material need")
        verbose_name_plural = _("material needs")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.label} × {self.quantity}"


class Pledge(models.Model):
    """Someone brings some of what is needed."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="pledges")
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="pledges"
    )
    name = models.CharField(_("name"), max_length=120)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.quantity} × {self.need.label}"


class ImpactCounter(models.Model):
    """What a project counts after each action (“trees planted”, “metres of hedge”)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="impact_counters"
    )
    name = models.CharField(_("what is counted"), max_length=120)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("impact counter")
        verbose_name_plural = _("impact counters")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ImpactValue(models.Model):
    counter = models.ForeignKey(ImpactCounter, on_delete=models.CASCADE, related_name="values")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="impact_values")
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("impact value")
        verbose_name_plural = _("impact values")
        constraints = [
            models.UniqueConstraint(fields=["counter", "action"], name="one_value_per_action")
        ]

    def __str__(self) -> str:
        return f"{self.counter}: {self.value}"


class ActionReport(models.Model):
    """A short account after the action: text and photos."""

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="report")
    text = models.TextField(_("report"), help_text=_("Markdown."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.action}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(ActionReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="actions/photos/%Y/%m/")
    thumbnail = models.ImageField(upload_to="actions/thumbnails/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    credit = models.CharField(_("author of the photo"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.report} ({self.credit})"
