"""Follows, the events that notify, each person's notifications, how they want them
delivered, and the digests sent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS, Delivery, Kind


class FollowQuerySet(models.QuerySet["Follow"]):
    def active(self) -> FollowQuerySet:
        return self.filter(active=True)

    def of(self, target: models.Model) -> FollowQuerySet:
        return self.filter(
            target_type=ContentType.objects.get_for_model(target), target_id=target.pk
        )


class Follow(models.Model):
    """A person follows a project, an inventory campaign, a collective or a commune.

    `automatic`: made because they took part (contributed, registered, joined). Undoing
    a follow keeps the row with `active` False, so that taking part again does not
    follow it again behind their back; following it by the button sets it back."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    active = models.BooleanField(default=True)
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target_type", "target_id"], name="follow_once")
        ]
        indexes = [
            models.Index(
                fields=["target_type", "target_id"],
                condition=Q(active=True),
                name="follow_active_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.target_type_id}:{self.target_id}"


class Event(models.Model):
    """Something that happened and notifies people: the same for all its recipients.

    `params` hold what the text needs (names, dates as text), rendered in each
    recipient's language by the kind's template `engagement/kinds/<kind>.txt`; `url`
    is the path of the page it is about. `targets` are the followed things it concerns,
    as [content type id, id] pairs; `direct` the ids of people it concerns themselves;
    `emailed` the ids of people the app already emailed about it (a promotion from the
    waiting list, a moderation decision): their notification is on the site, never
    emailed a second time, at once or in a digest."""

    kind = models.CharField(max_length=32, choices=Kind.choices)
    url = models.CharField(max_length=500)
    params = models.JSONField(default=dict)
    targets = models.JSONField(default=list)
    direct = models.JSONField(default=list)
    emailed = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def for_list(self) -> NotificationQuerySet:
        """Newest first, with the event its text and link are read from."""
        return self.select_related("event").order_by("-created_at", "-pk")

    def mark_read(self) -> int:
        """Mark those not read yet as read now (the ones read keep their moment)."""
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """One person's copy of an event: read or not, emailed at once or in which digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    delivery = models.CharField(max_length=16, choices=Delivery.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "Digest", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_once")]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["delivery", "created_at"],
                condition=Q(digest__isnull=True, delivery__in=[Delivery.DAILY, Delivery.WEEKLY]),
                name="notification_digest_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class DeliverySettingQuerySet(models.QuerySet["DeliverySetting"]):
    def for_user(self, user: Any) -> dict[str, str]:
        """How the person wants each kind delivered: their choice, else the default."""
        chosen = dict(self.filter(user=user).values_list("kind", "delivery"))
        return {kind: chosen.get(kind, info.default_delivery) for kind, info in KINDS.items()}


class DeliverySetting(models.Model):
    """A person's choice for one kind; without a row, the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_settings"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    delivery = models.CharField(max_length=16, choices=Delivery.choices)

    objects = DeliverySettingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="delivery_setting_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class Digest(models.Model):
    """The digest of one period sent to one person: at most one per person, period and
    start, whatever they follow and however often the command runs."""

    class Period(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    period = models.CharField(max_length=8, choices=Period.choices)
    starts_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    email = models.ForeignKey(
        "core.OutgoingEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "starts_on"], name="digest_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period} {self.starts_on}"
