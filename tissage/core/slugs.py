"""Slugs for URLs: unique per model, and never one of the fixed words of an app's URLs.

The path converters that go with them are in `core.converters`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model
from django.utils.text import slugify


def unique_slug(
    model: type[Model], text: str, *, fallback: str = "page", reserved: Iterable[str] = ()
) -> str:
    """A slug made from `text`, suffixed -2, -3… until no row of `model` uses it and it
    is none of the `reserved` words (the fixed parts of the app's URLs)."""
    reserved = frozenset(reserved)
    base = slugify(text)[:70] or fallback
    slug, number = base, 2
    while slug in reserved or model._default_manager.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
