"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files go to folders of the test's own, removed with it: public files to
    the MEDIA_ROOT returned, private ones to PRIVATE_MEDIA_ROOT beside it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """`on_commit(func, *args)`: call func, then run what waited for the commit (emails).

    Database tests run inside a transaction that never commits; this runs the callbacks
    the way a real commit would, at the end of the call.
    """

    def run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with Django's default cache (in this process's memory) empty: what
    an earlier test kept is not this one's, even for a row that had the same id (a map
    tile is kept under its campaign's id and version)."""
    caches["default"].clear()


@pytest.fixture(autouse=True)
def no_language_left_active():  # type: ignore[no-untyped-def]
    """Each test starts in the site's language (settings.LANGUAGE_CODE), whatever language
    the last request of the previous test left active in this thread."""
    translation.deactivate()
    yield
    translation.deactivate()


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


@pytest.fixture
def in_english(client, settings):  # type: ignore[no-untyped-def]
    """Pages asked for in English: the assertions read the msgids, whatever the state of
    the French catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
