"""Wiki text: Markdown with [[links]] resolved in one query, and nothing harmful let through."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tissage.collectives.tests.factories import CollectiveFactory
from tissage.collectives.wiki import services as wiki
from tissage.collectives.wiki.markup import render_wiki


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def assert_harmless(html: str) -> None:
    """No script-capable element, no event handler, no javascript: URL, as a browser parses it."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag not in {"script", "iframe", "object", "embed", "style", "svg"}, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in {"href", "src"}:
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), html


@pytest.mark.django_db
def test_links_to_existing_and_missing_pages():
    collective = CollectiveFactory()
    wiki.page_create(collective, "Épicerie des producteurs", "", None)
    html = render_wiki(
        collective,
        "See [[epicerie DES producteurs]], [[Épicerie des producteurs|the shop]] "
        "and [[Guinguette]].",
    )
    base = f"/collectifs/{collective.slug}/wiki/"
    assert f'<a href="{base}epicerie-des-producteurs/">epicerie DES producteurs</a>' in html
    assert f'<a href="{base}epicerie-des-producteurs/">the shop</a>' in html
    assert f'<a href="{base}nouvelle/?titre=Guinguette" class="wiki-missing"' in html
    assert '<span class="visually-hidden"> (page to create)</span>' in html
    # Another collective's pages are not linked.
    other = render_wiki(CollectiveFactory(), "[[Épicerie des producteurs]]")
    assert "wiki-missing" in other


@pytest.mark.django_db
def test_links_find_pages_whose_titles_are_reserved_words_or_not_latin():
    collective = CollectiveFactory()
    for title in ("Nouvelle", "日本語"):
        page = wiki.page_create(collective, title, "", None)
        html = render_wiki(collective, f"Voir [[{title}]].")
        assert f'href="{page.get_absolute_url()}"' in html
        assert "wiki-missing" not in html


@pytest.mark.django_db
def test_all_links_resolved_in_one_query(django_assert_num_queries):
    collective = CollectiveFactory()
    for n in range(5):
        wiki.page_create(collective, f"Page {n}", "", None)
    text = " ".join(f"[[Page {n}]]" for n in range(20))
    with django_assert_num_queries(1):
        html = render_wiki(collective, text)
    assert html.count("wiki-missing") == 15
    with django_assert_num_queries(0):
        render_wiki(collective, "no link at all")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "[[<script>alert(1)</script>]]",
        '[["><script>alert(1)</script>]]',
        "[[Page|<img src=x onerror=alert(1)>]]",
        "[[javascript:alert(1)]]",
        '[[x" onmouseover="alert(1)]]',
        "[link](javascript:alert(1))",
        "[a]([[javascript:alert(1)]])",
        '![a]([[x" onerror="alert(1)]])',
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<p onclick="alert(1)">x</p>',
        "[[Page|shown]]<iframe src=x></iframe>",
    ],
)
def test_scripts_and_javascript_urls_are_neutralised(text):
    collective = CollectiveFactory()
    wiki.page_create(collective, "Page", "", None)
    html = str(render_wiki(collective, text))
    assert_harmless(html)
    assert "wikilink" not in html  # no placeholder left behind


@pytest.mark.django_db
def test_link_names_with_quotes_are_escaped():
    html = str(render_wiki(CollectiveFactory(), '[[Le "grand" <b>marché</b> & co]]'))
    assert "&lt;b&gt;marché&lt;/b&gt;" in html
    assert "&quot;grand&quot;" in html
    assert "titre=Le+%22grand%22+%3Cb%3Emarch%C3%A9%3C%2Fb%3E+%26+co" in html


@pytest.mark.django_db
def test_links_in_code_stay_literal():
    html = str(render_wiki(CollectiveFactory(), "`[[Page]]`\n\n    [[Other]]\n\nand [[Third]]"))
    assert "<code>[[Page]]</code>" in html
    assert "[[Other]]" in html
    assert html.count("<a ") == 1


@pytest.mark.django_db
def test_broken_markdown_renders():
    html = str(render_wiki(CollectiveFactory(), "**bold [[x\n# title ]]` `` [a](\n<div"))
    assert "bold" in html
    assert "<div" not in html
