"""The header's count of unread notifications."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from .queries import unread_count


def notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """`unread_notifications`: counted when a template first reads it, once per request,
    with one indexed query; nothing for an anonymous visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        if not hasattr(request, "_unread_notifications"):
            request._unread_notifications = unread_count(user)  # type: ignore[attr-defined]
        return request._unread_notifications  # type: ignore[attr-defined,no-any-return]

    return {"unread_notifications": count}
