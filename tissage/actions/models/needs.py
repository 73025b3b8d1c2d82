"""Material an action needs, and the pledges of those who bring it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .action import Action
from .registration import Registration


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
    """Someone brings some of what is needed. The action's team confirms each pledge
    (`confirmed_at`): until then it waits in their workspace, and it counts toward the
    need all the same (a promise is a promise)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="pledges")
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="pledges"
    )
    name = models.CharField(_("name"), max_length=120)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.quantity} × {self.need.label}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def email(self) -> str | None:
        """Where to tell the person about their pledge: the address of the registration it
        was made through, unless a placeholder or cancelled since. A guest's pledge, made
        without registering, carries none."""
        registration = self.registration
        if (
            registration is None
            or not registration.has_email
            or registration.status == Registration.Status.CANCELLED
        ):
            return None
        return registration.email
