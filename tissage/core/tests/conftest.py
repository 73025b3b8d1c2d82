"""Fixtures of core's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .installations import Installations


@pytest.fixture(scope="module")
def installations(tmp_path_factory, django_db_blocker) -> Iterator[Installations]:  # type: ignore[no-untyped-def]
    """Whole installations of the module's own (installations.py), removed at its end."""
    made = Installations(tmp_path_factory.mktemp("installations"))
    with django_db_blocker.unblock():
        try:
            yield made
        finally:
            made.close()
