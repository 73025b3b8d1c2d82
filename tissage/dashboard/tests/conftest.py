from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation

from .reports.fakes import fake_figures  # noqa: F401 — a fixture for every dashboard test


@pytest.fixture
def english(client: Client) -> Iterator[None]:
    """Pages and charts in English: the tests read the source strings, whatever the French
    translation says."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield
