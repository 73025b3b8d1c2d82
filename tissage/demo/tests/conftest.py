"""Data built once per test module: the demo (seconds) and a generated dataset."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tissage.demo.data import demo_load


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """A transaction held open for the whole module and rolled back at its end.

    What a module fixture writes inside it is shared by the module's tests, each of which
    still runs in its own savepoint (`django_db`) and so sees it as built, whatever the
    test before it changed: Django's `TestCase.setUpTestData`, for pytest. Files go to a
    folder of the module's own.
    """
    media = tmp_path_factory.mktemp("media")
    private = tmp_path_factory.mktemp("private")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PRIVATE_MEDIA_ROOT=private),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo(module_db: None) -> None:
    """The demo, loaded once for the module (it takes several seconds)."""
    demo_load()


@pytest.fixture(scope="module")
def generated(module_db: None) -> dict[str, int]:
    """One scale-1 dataset, generated once for the module; the printed counts, by line
    name."""
    out = io.StringIO()
    call_command("generate", "--scale", "1", stdout=out)
    counts = {}
    for line in out.getvalue().splitlines():
        if match := re.fullmatch(r"  (\S.*?)\s+([\d,]+)", line):
            counts[match[1]] = int(match[2].replace(",", ""))
    assert "Generated" in out.getvalue()
    return counts
