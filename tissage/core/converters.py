"""Path converters, so that URLs are written with `path()` and never overlap.

Register them in an app's `urls.py` with `register_converter(...)`; names are global,
so prefix them with the app (`action_slug`, `campaign_slug`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.urls.converters import SlugConverter, StringConverter


def slug_converter(reserved: Iterable[str]) -> type[SlugConverter]:
    """A path converter for slugs that refuses the `reserved` words.

    With it, `mes-actions/` and `<action_slug:slug>/` can never match the same address,
    so an app's URL modules may be listed in any order (`tissage/core/tests/test_urls.py`
    checks that no two patterns of the site overlap).
    """
    words = "|".join(re.escape(word) for word in sorted(reserved, key=len, reverse=True))

    class ReservedSlugConverter(SlugConverter):
        regex = rf"(?!(?:{words})(?![-a-zA-Z0-9_]))[-a-zA-Z0-9_]+" if words else SlugConverter.regex

    return ReservedSlugConverter


def choice_converter(choices: Iterable[str]) -> type[StringConverter]:
    """A path converter that takes one of `choices` (file formats: `export.<fmt:fmt>`)."""
    choices = list(choices)
    words = "|".join(re.escape(word) for word in sorted(choices, key=len, reverse=True))

    class ChoiceConverter(StringConverter):
        regex = f"(?:{words})"
        values = tuple(choices)

    return ChoiceConverter
