from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutgoingEmail(models.Model):
    """One email on its way out.

    Kept in the database so that a send that fails is retried by the worker and a
    send that keeps failing stays visible to administrators instead of being lost.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", pgettext_lazy("email status", "sent")
        FAILED = "failed", _("failed")

    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    # The envelope sender (SMTP MAIL FROM), where delivery failures go: empty for the
    # platform's own address; a list copy's is the member's bounce address (VERP).
    envelope_from = models.CharField(_("envelope sender"), max_length=254, blank=True)
    # Text attachments (e.g. an .ics invitation): [{"filename", "mimetype", "content"}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    # An email carrying secrets (a sign-in code, a magic link) is stored above with them
    # hidden; the parts holding them wait here for the worker, and are emptied when the
    # email is sent, fails for good, or is not sent because its secrets expired. Never
    # shown (neither in the admin nor in the person's data download).
    unredacted = models.JSONField(_("parts with secrets"), default=dict, editable=False)
    secrets_expire_at = models.DateTimeField(
        _("secrets expire on"), null=True, blank=True, editable=False
    )
    # Given once, when the email is queued, and sent with every attempt: a copy sent twice
    # (the worker died between the mail server's "accepted" and the write of "sent") carries
    # the same Message-ID, by which mail clients and archives drop the second. Empty for
    # emails queued before it existed, and when `headers` give their own (a list's copies).
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, editable=False)
    # What makes this email the same email when its sender runs twice (a list message's
    # copy to one member): `email_send` queues nothing when an email with the key exists.
    key = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class Worker(models.Model):
    """A running `tissage worker` process, as it last said it was alive.

    Each worker writes its row every TISSAGE_WORKER_HEARTBEAT_SECONDS; a task left
    running by a worker silent for TISSAGE_WORKER_DEAD_AFTER_SECONDS is put back in the
    queue by another (`core.workers`)."""

    id = models.CharField(primary_key=True, max_length=64)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


class TaskRequest(models.Model):
    """The id of the request that queued a task, for the worker to log under
    (`core.logs`): one row written beside the task's own, removed once it has run. Rows
    of tasks that never ran are purged after a week."""

    task_id = models.CharField(primary_key=True, max_length=64)
    request_id = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.task_id} ← {self.request_id}"


class FormCount(models.Model):
    """How many times one connection sent one guest's form in one hour
    (`core.ratelimit`), when no Redis holds the counts: the form's name and a keyed hash
    of the address, never the address. Rows older than the last hour are purged."""

    key = models.CharField(max_length=128)
    hour = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "hour"], name="one_form_count_per_hour")
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.hour}: {self.count}"


class SiteIdentity(models.Model):
    """What the platform is for on its territory, set by its administrator: the first
    sentence of the home page. One row at most (primary key 1); without it the home page
    says it in general terms."""

    territory = models.CharField(
        _("territory"),
        max_length=120,
        blank=True,
        help_text=_("The name people know it by, e.g. “Vallée de la Drôme”."),
    )
    tagline = models.CharField(
        _("what the platform is for"),
        max_length=300,
        blank=True,
        help_text=_("One sentence, shown first on the home page."),
    )

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identity")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_site_identity")]

    def __str__(self) -> str:
        return self.territory or str(_("site identity"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> SiteIdentity:
        """The stored identity, or an empty one (not saved) when the admin set none."""
        return cls.objects.filter(pk=1).first() or cls()
