"""Signing in checks once whether the person has a staff role, so that the header shows
the workspace link from then on without a query (queries.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tissage.accounts.models import User

from .queries import staff_remember


def staff_check_on_sign_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    staff_remember(user)
