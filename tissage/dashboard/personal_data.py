"""What the dashboard holds about a person: only counts under an opaque key (HMAC of the
account id, see refresh.person_key), nothing to export. When the account is deleted,
its rows are given a new random key: the past figures keep counting one person, and
nothing links them to the account any more (the key could otherwise be recomputed from
the id with SECRET_KEY)."""

from __future__ import annotations

import secrets

from django.db import transaction

from tissage.accounts.models import User

from .models import FirstParticipation, Participation, Refresh
from .refresh import person_key


@transaction.atomic
def forget(user: User) -> None:
    # A guest address that is an account's is counted as the account (refresh.py): one key.
    key = person_key(user_id=user.pk)
    anonymous = secrets.token_hex(32)
    Participation.objects.filter(person_key=key).update(person_key=anonymous)
    if FirstParticipation.objects.filter(person_key=key).update(person_key=anonymous):
        Refresh.objects.create()  # figures kept in the cache go stale
