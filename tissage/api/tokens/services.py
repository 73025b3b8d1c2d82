"""Personal API tokens: making, finding, revoking and forgetting them.

The secret is `tsg_` and 32 random bytes (URL-safe base64): too long to guess, so one
SHA-256 of it, without salt or stretching, is enough to keep in the database, and lets a
request's token be found by an indexed equality. The secret is returned once, by
`token_create`, and never stored nor shown again."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.organisations.models import Organisation

from ..models import ApiToken
from . import access

SECRET_PREFIX = "tsg_"  # noqa: S105 (not a secret: how every token begins)
SECRET_BYTES = 32
# What a secret may look like: anything else is refused before it is hashed.
SECRET_MAX_LENGTH = 100
# The token's visible beginning: the prefix and six characters of the secret.
SHOWN_LENGTH = len(SECRET_PREFIX) + 6
MAX_ACTIVE_TOKENS = 20
# A revoked token is kept a while in its owner's list (when it stopped working), then
# forgotten by `tissage purge`.
REVOKED_RETENTION = datetime.timedelta(days=90)


class TokenRefused(Exception):
    """A token that cannot be made; the message says why and what to do."""


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, organisation: Organisation, name: str) -> tuple[ApiToken, str]:
    """A new token of `user` for `organisation`, and its secret (to show once)."""
    if not access.may_hold_token(user, organisation):
        raise TokenRefused(
            _("You are not on the staff of %(organisation)s: ask one of its administrators.")
            % {"organisation": organisation.name}
        )
    # The owner's row, locked: two forms sent at once do not pass the limit together.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).active().count() >= MAX_ACTIVE_TOKENS:
        raise TokenRefused(
            _("You have %(count)s tokens in use: revoke one you no longer need first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(
        user=user,
        organisation=organisation,
        name=name.strip(),
        prefix=secret[:SHOWN_LENGTH],
        secret_hash=secret_hash(secret),
    )
    return token, secret


def token_find(secret: str) -> ApiToken | None:
    """The active token of this secret, with its owner and organisation; None for an
    unknown, malformed or revoked secret, or an owner whose account is disabled."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > SECRET_MAX_LENGTH:
        return None
    digest = secret_hash(secret)
    token = (
        ApiToken.objects.active()
        .select_related("user", "organisation")
        .filter(secret_hash=digest)
        .first()
    )
    # Found by the index; compared again in constant time all the same.
    if token is None or not hmac.compare_digest(token.secret_hash, digest):
        return None
    if not token.user.is_active:
        return None
    return token


def token_used(token: ApiToken) -> None:
    """Note the token's use, at most once a minute (one UPDATE then, none otherwise)."""
    now = timezone.now()
    if token.use_is_worth_writing(now):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def token_revoke(*, token: ApiToken) -> bool:
    """Stop the token at once; False if it was revoked already (nothing changes)."""
    now = timezone.now()
    done = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if done:
        token.revoked_at = now
    return bool(done)


def revoked_tokens_purge() -> int:
    """Forget tokens revoked more than 90 days ago (`tissage purge`)."""
    removed, _per_model = ApiToken.objects.filter(
        revoked_at__lt=timezone.now() - REVOKED_RETENTION
    ).delete()
    return removed
