"""A collective's address never takes one of the app's fixed words."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve

from tissage.collectives.collective.services import RESERVED_SLUGS


@pytest.mark.parametrize("word", sorted(RESERVED_SLUGS))
def test_a_reserved_word_is_never_read_as_a_collective(word):
    for page, name in (("", "detail"), ("membres/", "members"), ("discussions/", "threads")):
        try:
            match = resolve(f"/collectifs/{word}/{page}")
        except Resolver404:
            continue
        assert match.url_name != name, (word, page)


def test_a_collective_whose_slug_starts_with_a_fixed_word_is_found():
    assert resolve("/collectifs/nouveau-quartier/membres/").url_name == "members"
    assert resolve("/collectifs/wiki-jardins/").url_name == "detail"
