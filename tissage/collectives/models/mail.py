"""Every email the lists receive, as it came, and the delivery failures among them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .collective import Collective
from .lists import Message
from .membership import CollectiveMembership


class InboundMail(models.Model):
    """Every email the lists receive, kept as it came: nothing is lost.

    Posted ones point at their message; held ones wait for a coordinator; ignored ones
    (auto-replies, bounces, loops) are kept for a while for support.
    """

    class Status(models.TextChoices):
        POSTED = "posted", _("posted")
        HELD = "held", _("held for a coordinator")
        IGNORED = "ignored", _("ignored")
        DISCARDED = "discarded", _("discarded by a coordinator")

    class Reason(models.TextChoices):
        NONE = "", "—"
        UNKNOWN_SENDER = "unknown_sender", _("the sender is not a member")
        PENDING_MEMBER = "pending_member", _("the sender’s membership is not approved yet")
        FIRST_POST = "first_post", _("first message of a new member")
        NO_LIST = "no_list", _("no collective has this address")
        AUTO_REPLY = "auto_reply", _("automatic reply")
        BOUNCE = "bounce", _("delivery failure notice")
        LOOP = "loop", _("sent by the list itself")
        TOO_LARGE = "too_large", _("message too large")
        MALFORMED = "malformed", _("unreadable message")
        EMPTY = "empty", _("empty message")
        UNVERIFIED = "unverified", _("sender not verified")
        REPLY_ADDRESS = "reply_address", _("sent to the reply address of another member")

    class Verification(models.TextChoices):
        """Whether the From address is the sender's (lists.mail.authentication): checked
        for a member's email before it is posted, and before a notice is sent back."""

        NOT_CHECKED = "", "—"
        DKIM = "dkim", _("DKIM signature of the sender’s domain")
        SERVER = "server", _("confirmed by the receiving mail server")
        MISSING = "missing", _("DKIM signature missing")
        INVALID = "invalid", _("DKIM signature does not match the message")
        SERVER_FAIL = "server_fail", _("the receiving mail server’s check failed")
        SEVERAL_SENDERS = "several", _("several addresses in From")
        UNSIGNED = "unsigned", _("the sender’s domain signs nothing (no DKIM, no DMARC)")
        DNS_ERROR = "dns_error", _("the sender’s domain could not be checked (DNS error)")

        @classmethod
        def verified(cls) -> frozenset[str]:
            return frozenset({cls.DKIM, cls.SERVER})

    collective = models.ForeignKey(
        Collective, null=True, blank=True, on_delete=models.CASCADE, related_name="inbound_mails"
    )
    raw = models.BinaryField()
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    sender_name = models.CharField(_("sender’s name"), max_length=200, blank=True)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    message_id_header = models.CharField(max_length=255, blank=True, db_index=True)
    # SHA-256 of the recipient and the raw bytes: the same delivery come again (fetch-mail
    # after a connection lost before the mailbox heard the mail was stored, a mail server
    # retrying) is this row, not a second one (`inbound.receive`).
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=Status)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason, blank=True)
    verification = models.CharField(
        _("sender check"), max_length=12, choices=Verification, blank=True, default=""
    )
    message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["collective", "status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.sender} · {self.subject}"

    @property
    def sender_verified(self) -> bool:
        return self.verification in self.Verification.verified()


class MemberBounce(models.Model):
    """A delivery failure of one member's list mail: a bounce (delivery status
    notification) that came back to the member's own bounce address (VERP,
    `tokens.bounce_address`). Enough of them suspend the member's delivery
    (`membership.services.bounce_record`)."""

    membership = models.ForeignKey(
        CollectiveMembership, on_delete=models.CASCADE, related_name="bounces"
    )
    # The notice as it came (the raw email stays there).
    mail = models.OneToOneField(InboundMail, on_delete=models.CASCADE, related_name="bounce")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # 5.x.x: the address does not work (a hard bounce); 4.x.x: the server gave up after
    # temporary failures (a full mailbox, a server down for days): a soft bounce.
    permanent = models.BooleanField(_("permanent failure"))
    status = models.CharField(_("status code"), max_length=12, blank=True)
    diagnostic = models.CharField(_("the mail server’s answer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery failure")
        verbose_name_plural = _("delivery failures")
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["membership", "received_at"])]

    def __str__(self) -> str:
        return f"{self.membership_id} · {self.status or '?'} · {self.received_at:%Y-%m-%d}"
