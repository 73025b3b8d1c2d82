"""The wiki's services: pages, revisions, conflicts, restore, diff."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connections

from tissage.collectives.models import WikiPage, WikiRevision
from tissage.collectives.tests.factories import CollectiveFactory
from tissage.collectives.wiki import services as wiki
from tissage.core.tests.factories import UserFactory


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
