"""A person's API tokens in their data download, and gone with their account. The secret
is never in the database, so never in the download: its first characters only."""

from __future__ import annotations

from tissage.accounts.models import User

from .models import ApiToken


def collect(user: User) -> dict[str, object]:
    return {
        "api_tokens": [
            {
                "name": token.name,
                "organisation": token.organisation.name,
                "begins_with": token.prefix,
                "created_at": token.created_at,
                "last_used_at": token.last_used_at,
                "revoked_at": token.revoked_at,
            }
            for token in ApiToken.objects.of(user)
        ]
    }


def forget(user: User) -> None:
    ApiToken.objects.filter(user=user).delete()
