"""Optional error reports to Sentry (SENTRY_DSN), without personal data.

Started from settings.py only when SENTRY_DSN is set. `send_default_pii=False` keeps
users' emails, cookies and addresses out; `_scrub` also drops what Sentry would still
send of a request: its body (forms hold emails), query string, cookies and headers, and
its path (which may hold a token) in favour of the URL pattern that answered.
"""

from __future__ import annotations

from typing import Any


def _scrub(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "query_string", "cookies", "headers", "env"):
            request.pop(key, None)
        request["url"] = event.get("transaction") or ""
    event.pop("user", None)
    event.pop("server_name", None)
    return event


def sentry_init(dsn: str, *, environment: str, release: str | None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        max_request_body_size="never",
        integrations=[DjangoIntegration(transaction_style="url")],
        before_send=_scrub,  # type: ignore[arg-type]
        traces_sample_rate=0.0,
        # Frames' local variables hold requests, forms and their emails.
        include_local_variables=False,
    )
