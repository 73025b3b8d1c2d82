"""Fixtures of the engagement tests."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

# One plain line per kind, with the params kinds.py lists: the tests read these, whatever
# the wording the producing apps give their own `engagement/kinds/<kind>.txt`.
KIND_TEXTS = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def kind_texts(settings):  # type: ignore[no-untyped-def]
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [KIND_TEXTS, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
