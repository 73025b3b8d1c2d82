"""The API's own rows: personal API tokens (tokens/)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The last use is written at most this often: a script polling every second costs one
# UPDATE a minute, not one per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def of(self, user: models.Model) -> ApiTokenQuerySet:
        """A person's tokens, the newest first, with their organisation (the list page)."""
        return self.filter(user=user).select_related("organisation").order_by("-created_at", "-pk")


class ApiToken(models.Model):
    """A person's key to the API's staff endpoints, for one organisation they are staff of.

    Only the SHA-256 of the secret is kept (`secret_hash`); the secret itself is shown once,
    when the token is made. `prefix` is its first characters, shown so that the person can
    tell their tokens apart. The token carries no right: each request asks the apps' rules
    again about its owner, within its organisation (tokens/auth.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("owner"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("beginning of the token"), max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def use_is_worth_writing(self, now: datetime.datetime | None = None) -> bool:
        """Whether this use should be written as the last one (at most once a minute)."""
        now = now or timezone.now()
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION
