"""Who is in a collective: coordinators and members, active or waiting for approval, and
how each one receives the list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .collective import Collective


class MembershipQuerySet(models.QuerySet["CollectiveMembership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=CollectiveMembership.Status.ACTIVE)

    def pending(self) -> MembershipQuerySet:
        """Requests to join a moderated collective, waiting for a coordinator."""
        return self.filter(status=CollectiveMembership.Status.PENDING)

    def receiving(self) -> MembershipQuerySet:
        """Active members whose delivery is not suspended (their copies bounced): those
        the list emails, each as they chose."""
        return self.active().filter(delivery_suspended_at__isnull=True)


class CollectiveMembership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        MEMBER = "member", pgettext_lazy("collective role", "member")

    class Status(models.TextChoices):
        ACTIVE = "active", _("member")
        PENDING = "pending", _("request waiting for approval")

    class Delivery(models.TextChoices):
        EACH = "each", _("every message by email")
        DIGEST = "digest", _("one email a day with the day’s messages")
        WEB = "web", _("no email: I read on the website")

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collective_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.ACTIVE)
    delivery = models.CharField(
        _("how I receive the messages"), max_length=10, choices=Delivery, default=Delivery.EACH
    )
    # False while the member's first message must still be approved (hold_first_posts).
    trusted = models.BooleanField(_("posts without moderation"), default=False)
    request_message = models.TextField(_("message to the coordinators"), blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Digest: messages published after this moment are in the next digest.
    digest_sent_until = models.DateTimeField(null=True, blank=True)
    # Set when the list stopped emailing the member because their copies kept coming back
    # undelivered (bounces, `MemberBounce`); the member resumes it on their page.
    delivery_suspended_at = models.DateTimeField(
        _("delivery suspended (bounces) on"), null=True, blank=True
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("collective member")
        verbose_name_plural = _("collective members")
        constraints = [
            models.UniqueConstraint(fields=["collective", "user"], name="one_membership_per_user")
        ]
        indexes = [models.Index(fields=["collective", "status", "delivery"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.collective}"

    @property
    def delivery_suspended(self) -> bool:
        return self.delivery_suspended_at is not None

    @property
    def is_coordinator(self) -> bool:
        return self.status == self.Status.ACTIVE and self.role == self.Role.COORDINATOR
