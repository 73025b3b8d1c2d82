"""Fixtures shared by the wiki's tests."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    """The wiki's tests read English messages, on pages (LANGUAGE_CODE) and from code."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
