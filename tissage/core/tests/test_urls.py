"""No two URL patterns of the site can match the same address.

Apps mount several URL modules under one namespace (`path("", include(...))`). If a
fixed path such as `mes-actions/` could also be read as `<slug>/`, which page answers
would depend on the order of the modules. Here every pattern gets a sample address,
built from its own fixed words and sample values for its parameters, and no *other*
pattern may match it. Fixed words are kept out of slugs by `core.slugs.slug_converter`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

from tissage.core.converters import choice_converter, slug_converter
from tissage.territories.converters import InseeCodeConverter

# The admin is Django's own; media is the catch-all for uploaded files.
SKIPPED_PREFIXES = ("admin/", "media/")


@dataclass(frozen=True)
class Route:
    name: str
    regex: re.Pattern[str]
    sample: str


def _sample_value(converter: object) -> str:
    if isinstance(converter, IntConverter):
        return "7"
    if isinstance(converter, UUIDConverter):
        return str(uuid.UUID(int=7))
    if isinstance(converter, PathConverter):
        return "un/chemin"
    if isinstance(converter, InseeCodeConverter):
        return "30189"
    if values := getattr(converter, "values", None):  # core.converters.choice_converter
        return str(values[0])
    return "exemple-de-nom"


def _sample(route: str, converters: dict[str, object]) -> str:
    return re.sub(
        r"<(?:[^>:]+:)?([^>]+)>", lambda match: _sample_value(converters[match[1]]), route
    )


def _routes(
    patterns: list[URLPattern | URLResolver], prefix_regex: str, prefix_sample: str, ns: str
) -> list[Route]:
    routes: list[Route] = []
    for entry in patterns:
        pattern = entry.pattern
        if (prefix_sample + str(pattern)).startswith(SKIPPED_PREFIXES):
            continue
        assert isinstance(pattern, RoutePattern), f"use path(), not re_path(): {pattern}"
        regex = pattern.regex.pattern.removeprefix("^")
        sample = _sample(str(pattern._route), pattern.converters)
        if isinstance(entry, URLResolver):
            namespace = f"{ns}{entry.namespace}:" if entry.namespace else ns
            regex_part = regex
            routes += _routes(
                entry.url_patterns, prefix_regex + regex_part, prefix_sample + sample, namespace
            )
        else:
            full_sample = prefix_sample + sample
            name = f"{ns}{entry.name}" if entry.name else full_sample
            routes.append(Route(name, re.compile(prefix_regex + regex), full_sample))
    return routes


def site_routes() -> list[Route]:
    return _routes(get_resolver().url_patterns, "", "", "")


def test_every_pattern_matches_its_own_sample():
    routes = site_routes()
    assert len(routes) > 100
    for route in routes:
        assert route.regex.fullmatch(route.sample), route


ROUTES = site_routes()


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_no_other_pattern_matches_this_address(route):
    others = [
        other.name for other in ROUTES if other is not route and other.regex.fullmatch(route.sample)
    ]
    assert others == [], f"/{route.sample} ({route.name}) also matches {others}"


def test_a_reserved_word_is_not_a_slug_but_longer_slugs_are():
    regex = re.compile(slug_converter({"nouvelle", "mes-actions"}).regex)
    assert not regex.fullmatch("nouvelle")
    assert not regex.fullmatch("mes-actions")
    for slug in ("nouvelle-fete", "mes-actions-2", "fete", "nouvell"):
        assert regex.fullmatch(slug), slug


def test_a_choice_converter_takes_only_its_choices():
    regex = re.compile(choice_converter(["csv", "xlsx"]).regex)
    assert regex.fullmatch("csv")
    assert regex.fullmatch("xlsx")
    assert not regex.fullmatch("ods")
    assert not regex.fullmatch("csvx")
