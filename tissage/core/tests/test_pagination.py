"""The one pager (core/pagination.html): which page numbers it links to."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string

from tissage.core.templatetags.tissage import page_numbers


def numbers(current: int, total: int) -> list[int | None]:
    return page_numbers(Paginator(range(total), 1).page(current))


@pytest.mark.parametrize(
    ("current", "total", "expected"),
    [
        (1, 2, [1, 2]),
        (1, 10, [1, 2, 3, None, 10]),
        (5, 10, [1, None, 3, 4, 5, 6, 7, None, 10]),
        (4, 10, [1, 2, 3, 4, 5, 6, None, 10]),
        (10, 10, [1, None, 8, 9, 10]),
        (5, 8, [1, None, 3, 4, 5, 6, 7, 8]),
    ],
)
def test_the_pager_links_the_ends_and_two_pages_either_side(current, total, expected):
    assert numbers(current, total) == expected


def test_the_pager_keeps_the_filters_and_marks_the_current_page():
    page = Paginator(range(30), 10).page(2)
    html = render_to_string("core/pagination.html", {"page": page, "query": "q=haie"})
    assert 'href="?q=haie&amp;page=1" rel="prev"' in html
    assert 'href="?q=haie&amp;page=3" rel="next"' in html
    assert 'href="?q=haie&amp;page=2" aria-current="page"' in html


def test_one_page_shows_no_pager():
    assert (
        render_to_string("core/pagination.html", {"page": Paginator(range(3), 10).page(1)}).strip()
        == ""
    )
