"""The discussion list: threads, messages (from the web or by email), their attachments
and the reports members make about them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tissage.core.files import RandomName
from tissage.core.search import search_normalise

from .collective import PUBLIC_NAME_MAX, Collective


class ThreadQuerySet(models.QuerySet["Thread"]):
    def visible(self) -> ThreadQuerySet:
        """Threads with at least one published message."""
        return self.filter(published_count__gt=0)


class Thread(models.Model):
    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="threads")
    subject = models.CharField(_("subject"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept by lists.services (publish, hide, show again): lists sort and count without joins.
    last_message_at = models.DateTimeField(null=True, blank=True)
    published_count = models.PositiveIntegerField(default=0)
    # No longer read (the archive search reads full-text indexes since collectives 0010),
    # still written for the release before, which searches it while an upgrade rolls
    # over the nodes (docs/operations.md, "Upgrades"); dropped by the next release.
    subject_search = models.CharField(max_length=200, blank=True, editable=False)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        indexes = [
            models.Index(
                fields=["collective", "-last_message_at", "-id"], name="thread_collective_recent"
            )
        ]

    def __str__(self) -> str:
        return self.subject

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.subject_search = search_normalise(self.subject)[:200]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "subject" in update_fields:
            kwargs["update_fields"] = {*update_fields, "subject_search"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("collectives:thread", args=[self.collective.slug, self.pk])


class MessageQuerySet(models.QuerySet["Message"]):
    def published(self) -> MessageQuerySet:
        return self.filter(status=Message.Status.PUBLISHED)


class Message(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", pgettext_lazy("message status", "published")
        HELD = "held", _("held for a coordinator")
        HIDDEN = "hidden", _("hidden by a coordinator")

    class Source(models.TextChoices):
        WEB = "web", _("website")
        EMAIL = "email", _("email")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    # Same as thread.collective; kept here so the archive is one indexed table.
    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="messages")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collective_messages",
    )
    # The name shown, kept when the account is deleted ("a former member").
    author_name = models.CharField(_("author"), max_length=PUBLIC_NAME_MAX)
    body = models.TextField(_("message"), help_text=_("Markdown."))
    # No longer read, still written for the release before: as Thread.subject_search.
    body_search = models.TextField(blank=True, editable=False)
    source = models.CharField(_("sent from"), max_length=10, choices=Source, default=Source.WEB)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PUBLISHED)
    held_reason = models.CharField(_("why it is held"), max_length=200, blank=True)
    # RFC 5322 Message-ID (with its angle brackets): the original one for a message that
    # came by email, one made by the platform otherwise. All copies sent carry it.
    message_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "status", "created_at"], name="message_thread_order"),
            models.Index(
                fields=["collective", "status", "-published_at"], name="message_collective_recent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.thread.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.body_search = search_normalise(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_search"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("collectives:message", args=[self.collective.slug, self.pk])


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    # A private file with a random name, served only by the app to those who may read the
    # message (tissage/core/files.py); the sender's name for it is kept in `filename`.
    file = models.FileField(upload_to=RandomName("collectives/attachments", private=True))
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_text(self) -> bool:
        """The whole text of a too long email (`lists.attachments.text_attachment`)."""
        return self.content_type.startswith("text/plain")

    @property
    def export_filename(self) -> str:
        """In its author's data export, the file keeps the name they gave it."""
        return self.filename


class Report(models.Model):
    """A member tells the coordinators that a message should not be there."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("why"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="one_report_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.message_id} · {self.created_at:%Y-%m-%d}"
