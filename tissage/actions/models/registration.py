"""The registrations of the people who come to an action, with or without an account."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .action import Action, Role

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

    def may_cancel_by_link(self, now: datetime.datetime | None = None) -> bool:
        """The signed cancel link of the emails works until the action starts."""
        return (now or timezone.now()) < self.action.starts_at

    @property
    def has_email(self) -> bool:
        """A real address, not a placeholder (see NO_ADDRESS_SUFFIX): the same test as
        `RegistrationQuerySet.reachable`."""
        return not self.email.lower().endswith(NO_ADDRESS_SUFFIX)
