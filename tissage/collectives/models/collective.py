"""Collectives: self-organised groups with a discussion list (web and email), a wiki
(the "gare centrale") and initiatives that grow into projects.

Meetings of a collective are actions of kind "meeting" of the collective's project
(`Collective.project`), so registration, reminders and calendar files come from the
actions app unchanged.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PUBLIC_NAME_MAX = 150


def search_normalise(text: str) -> str:
    """Lower case without accents: what the archive search compares, so that "reunion"
    finds "Réunion" and the database compares plain text (no UPPER() on every row)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Collective(models.Model):
    class Admission(models.TextChoices):
        OPEN = "open", _("open: people join at once")
        MODERATED = "moderated", _("moderated: a coordinator approves each request")

    class ArchiveVisibility(models.TextChoices):
        PUBLIC = "public", _("public: anyone can read the discussions")
        MEMBERS = "members", _("members only")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="collectives",
    )
    # The project that holds the collective's meetings (actions of kind "meeting").
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project of the meetings"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collective",
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=60,
        unique=True,
        help_text=_("Also the list's email address: <short name>@<list domain>."),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes"), blank=True, related_name="+"
    )
    admission = models.CharField(
        _("membership"), max_length=12, choices=Admission, default=Admission.OPEN
    )
    archive_visibility = models.CharField(
        _("who can read the discussions"),
        max_length=12,
        choices=ArchiveVisibility,
        default=ArchiveVisibility.PUBLIC,
    )
    hold_first_posts = models.BooleanField(
        _("hold a new member's first message for a coordinator"),
        default=False,
        help_text=_("Against spam: once one message is approved, the member posts freely."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("collective")
        verbose_name_plural = _("collectives")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collectives:detail", args=[self.slug])

    @property
    def list_address(self) -> str:
        return f"{self.slug}@{settings.LIST_DOMAIN}"

    @property
    def list_id(self) -> str:
        """RFC 2919 list identifier: <slug>.<domain>."""
        return f"{self.slug}.{settings.LIST_DOMAIN}"


class MembershipQuerySet(models.QuerySet["CollectiveMembership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=CollectiveMembership.Status.ACTIVE)


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
    def is_coordinator(self) -> bool:
        return self.status == self.Status.ACTIVE and self.role == self.Role.COORDINATOR


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
    # Kept by services.message_publish / message_hide: lists sort and count without joins.
    last_message_at = models.DateTimeField(null=True, blank=True)
    published_count = models.PositiveIntegerField(default=0)
    # search_normalise(subject), kept by save(); bulk writers must set it themselves.
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
    # search_normalise(body), kept by save(); bulk writers must set it themselves.
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
    file = models.FileField(upload_to="collectives/attachments/%Y/%m/")
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

    collective = models.ForeignKey(
        Collective, null=True, blank=True, on_delete=models.CASCADE, related_name="inbound_mails"
    )
    raw = models.BinaryField()
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    sender_name = models.CharField(_("sender’s name"), max_length=200, blank=True)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    message_id_header = models.CharField(max_length=255, blank=True, db_index=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=Status)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason, blank=True)
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


class WikiPage(models.Model):
    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="wiki_pages")
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(max_length=160)
    # The hub page ("gare centrale"): one per collective, shown on its home page.
    is_hub = models.BooleanField(default=False)
    current = models.ForeignKey(
        "WikiRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("wiki page")
        verbose_name_plural = _("wiki pages")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "slug"], name="one_page_per_slug"),
            models.UniqueConstraint(
                fields=["collective"], condition=Q(is_hub=True), name="one_hub_per_collective"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collectives:wiki_page", args=[self.collective.slug, self.slug])

    @property
    def revision_count(self) -> int:
        """Revisions are numbered from 1 and never deleted: the current one's number."""
        return self.current.number if self.current is not None else 0


class WikiRevision(models.Model):
    page = models.ForeignKey(WikiPage, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    comment = models.CharField(_("what changed"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("author"), max_length=PUBLIC_NAME_MAX)
    # Set when this revision restores an earlier one.
    restores = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("wiki revision")
        verbose_name_plural = _("wiki revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.page_id} · {self.number}"


class Initiative(models.Model):
    class Status(models.TextChoices):
        IDEA = "idea", _("idea")
        FORMING = "forming", _("team forming")
        ACTIVE = "active", pgettext_lazy("initiative status", "active")
        DONE = "done", pgettext_lazy("initiative status", "done")
        PAUSED = "paused", _("paused")

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(_("name"), max_length=150)
    what = models.TextField(_("what"), help_text=_("Markdown."))
    where = models.CharField(_("where"), max_length=200, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    needs = models.TextField(_("who is needed"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.IDEA)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Its own discussion on the collective's list.
    thread = models.OneToOneField(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiative"
    )
    # Set when a coordinator turns the initiative into a project of the organisation.
    project = models.OneToOneField(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiative",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collectives:initiative", args=[self.collective.slug, self.pk])


class InitiativeMember(models.Model):
    """Someone who said "j'en suis"."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiatives_joined"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("initiative member")
        verbose_name_plural = _("initiative members")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "user"], name="one_join_per_initiative")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.initiative}"
