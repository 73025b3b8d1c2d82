"""Fixtures shared by the actions app's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[[Client], Client]:  # type: ignore[no-untyped-def]
    """`committed(client)`: the same test client, each request of which ends like a real
    one, with a commit: what waited for it (emails, their delivery) runs before the
    response comes back.

    Database tests run inside a transaction that never commits; each request runs inside
    pytest-django's `django_capture_on_commit_callbacks(execute=True)`. Writes made
    outside a request (test data) send nothing unless the test asks for it.
    """

    def wrap(client: Client) -> Client:
        send = client.request

        def request(**kwargs: Any) -> Any:
            with django_capture_on_commit_callbacks(execute=True):
                return send(**kwargs)

        client.request = request  # type: ignore[method-assign]
        return client

    return wrap
