"""The INSEE code path converter takes the codes the rest of the site accepts."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import path, register_converter

from tissage.territories.converters import InseeCodeConverter

register_converter(InseeCodeConverter, "territories_test_insee_code")


def feed(request, insee):  # pragma: no cover - never called, only resolved
    return HttpResponse(insee)


PATTERN = path("commune/<territories_test_insee_code:insee>.ics", feed)


@pytest.mark.parametrize("code", ["30189", "01001", "2A004", "2B033"])
def test_codes_resolve(code):
    match = PATTERN.resolve(f"commune/{code}.ics")
    assert match is not None
    assert match.kwargs == {"insee": code}


@pytest.mark.parametrize("code", ["0A123", "2a004", "3018", "301890", "nimes", "30189x"])
def test_anything_else_does_not(code):
    # No match: the site answers 404, as it did when the code was looked up and not found.
    assert PATTERN.resolve(f"commune/{code}.ics") is None


def test_urls_are_built_from_codes():
    assert InseeCodeConverter().to_url("2A004") == "2A004"
