"""The wiki's service layer and wiki text: pages, revisions, conflicts, restore, links."""

from __future__ import annotations

import threading
from html.parser import HTMLParser

import pytest
from django.db import IntegrityError, connections
from django.utils import translation

from tissage.collectives.models import WikiPage, WikiRevision
from tissage.collectives.tests.factories import CollectiveFactory
from tissage.collectives.wiki import services as wiki
from tissage.collectives.wiki.markup import render_wiki
from tissage.core.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- pages and revisions ---


@pytest.mark.django_db
def test_page_create_sets_slug_revision_and_author():
    collective = CollectiveFactory()
    author = UserFactory()
    page = wiki.page_create(collective, "Jardins partagés", "Du **texte**", author)
    page.refresh_from_db()
    assert page.slug == "jardins-partages"
    assert page.revision_count == 1
    assert page.current is not None
    assert page.current.number == 1
    assert page.current.body == "Du **texte**"
    assert page.current.author == author
    assert page.current.author_name == author.public_name


@pytest.mark.django_db
def test_page_create_slug_unique_and_not_reserved():
    collective = CollectiveFactory()
    first = wiki.page_create(collective, "Jardins", "", None)
    second = wiki.page_create(collective, "jardins", "", None)
    third = wiki.page_create(collective=collective, title="JARDINS!", body="", author=None)
    assert [first.slug, second.slug, third.slug] == ["jardins", "jardins-2", "jardins-3"]
    assert third.current.author_name == "—"
    assert wiki.page_create(collective, "Nouvelle", "", None).slug == "nouvelle-page"
    unlatin = wiki.page_create(collective, "日本語", "", None).slug
    assert unlatin.startswith("page-") and len(unlatin) == len("page-") + 10
    assert wiki.page_create(collective, "???", "", None).slug != unlatin
    # Another collective may use the same slug.
    assert wiki.page_create(CollectiveFactory(), "Jardins", "", None).slug == "jardins"


@pytest.mark.django_db
def test_hub_page_is_unique():
    collective = CollectiveFactory()
    hub = wiki.page_create(collective, wiki.HUB_TITLE, "Bienvenue", None, is_hub=True)
    assert hub.is_hub
    assert hub.slug == "gare-centrale"
    with pytest.raises(IntegrityError):  # the database refuses a second hub
        wiki.page_create(collective, "Autre gare", "", None, is_hub=True)
    assert WikiPage.objects.filter(collective=collective, is_hub=True).count() == 1


@pytest.mark.django_db
def test_page_save_makes_next_revision_and_keeps_slug():
    page = wiki.page_create(CollectiveFactory(), "Marché", "v1", None)
    author = UserFactory()
    revision = wiki.page_save(page, 1, "Marché du samedi", "v2", "dates", author)
    assert revision.number == 2
    page.refresh_from_db()
    assert page.current == revision
    assert page.revision_count == 2
    assert page.title == "Marché du samedi"
    assert page.slug == "marche"  # permalinks stay
    assert revision.comment == "dates"
    assert revision.author_name == author.public_name
    assert list(page.revisions.values_list("number", "body")) == [(2, "v2"), (1, "v1")]


@pytest.mark.django_db
def test_page_save_unchanged_makes_no_revision():
    page = wiki.page_create(CollectiveFactory(), "Marché", "v1", None)
    revision = wiki.page_save(page, 1, "Marché", "v1", "nothing", UserFactory())
    assert revision.number == 1
    assert page.revisions.count() == 1


@pytest.mark.django_db
def test_page_save_on_old_base_raises_and_saves_nothing():
    page = wiki.page_create(CollectiveFactory(), "Marché", "v1", None)
    wiki.page_save(page, 1, "Marché", "first", "", UserFactory())
    with pytest.raises(wiki.EditConflict) as raised:
        wiki.page_save(page, 1, "Marché", "second", "", UserFactory())
    assert raised.value.current.number == 2
    assert raised.value.current.body == "first"
    assert page.revisions.count() == 2
    page.refresh_from_db()
    assert page.current.body == "first"


@pytest.mark.django_db
def test_page_restore_copies_an_old_revision():
    page = wiki.page_create(CollectiveFactory(), "Marché", "v1", None)
    wiki.page_save(page, 1, "Marché bis", "v2", "", None)
    revision = wiki.page_restore(page, 1, UserFactory())
    assert (revision.number, revision.title, revision.body, revision.restores) == (
        3,
        "Marché",
        "v1",
        1,
    )
    page.refresh_from_db()
    assert page.current == revision
    assert page.title == "Marché"
    # Revisions are never changed.
    assert page.revisions.get(number=2).body == "v2"
    with pytest.raises(WikiRevision.DoesNotExist):
        wiki.page_restore(page, 99, None)
    assert page.revisions.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_on_the_same_base_keep_both_texts():
    page = wiki.page_create(CollectiveFactory(), "Gare centrale", "base", None)
    authors = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)
    results: list[object] = []

    def save(n: int) -> None:
        try:
            barrier.wait()
            own = WikiPage.objects.get(pk=page.pk)
            try:
                results.append(wiki.page_save(own, 1, "Gare centrale", f"text {n}", "", authors[n]))
            except wiki.EditConflict as conflict:
                results.append(conflict)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [r for r in results if isinstance(r, WikiRevision)]
    conflicts = [r for r in results if isinstance(r, wiki.EditConflict)]
    assert len(saved) == 1
    assert len(conflicts) == 1
    assert saved[0].number == 2
    # The conflict hands back the text that won, so the loser sees it next to theirs.
    assert conflicts[0].current.body == saved[0].body
    assert page.revisions.count() == 2
    assert {saved[0].body, "text 0", "text 1"} == {"text 0", "text 1"}


def test_line_diff_marks_added_removed_and_gaps():
    old = "\n".join("abcdefghijk")
    new = "\n".join("abcdEfghijkl")
    lines = wiki.line_diff(old, new)
    kinds = [(line.kind, line.text) for line in lines]
    assert ("removed", "e") in kinds
    assert ("added", "E") in kinds
    assert ("added", "l") in kinds
    assert kinds[0] == ("gap", "")  # a, b skipped
    removed = next(line for line in lines if line.kind == "removed")
    assert (removed.old_number, removed.new_number) == (5, None)
    assert wiki.line_diff("same", "same") == []
    # Reversed order is the mirror image.
    back = wiki.line_diff(new, old)
    assert ("removed", "E") in [(line.kind, line.text) for line in back]


# --- wiki text ---


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
