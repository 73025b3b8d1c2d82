"""What the token pages read."""

from __future__ import annotations

from dataclasses import dataclass

from tissage.accounts.models import User
from tissage.core.registry import AccountPart
from tissage.organisations.access import organisations_staffed_by

from ..models import ApiToken


@dataclass(frozen=True)
class TokenLine:
    token: ApiToken
    # The owner is still staff of its organisation: the token works.
    in_force: bool


def token_lines(user: User) -> list[TokenLine]:
    """The person's tokens, newest first, each saying whether it still works. Two
    queries, whatever the number of tokens."""
    staffed = set(organisations_staffed_by(user).values_list("pk", flat=True))
    return [
        TokenLine(token=token, in_force=token.is_active and token.organisation_id in staffed)
        for token in ApiToken.objects.of(user)
    ]


def account_part(user: User) -> AccountPart | None:
    """The account page's section on API tokens: for staff of an organisation, and for
    anyone who still has tokens (to revoke them)."""
    active = ApiToken.objects.filter(user=user).active().count()
    if not active and not organisations_staffed_by(user).exists():
        return None
    return AccountPart(template="api/tokens/_account.html", context={"active": active})
