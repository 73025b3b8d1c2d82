"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files go to a folder of the test's own, removed with it."""
    settings.MEDIA_ROOT = tmp_path
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
