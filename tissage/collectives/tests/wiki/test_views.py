"""The wiki's pages through HTTP: permissions, editing with conflicts, history, diff, restore."""

from __future__ import annotations

import pytest

from tissage.collectives.models import Collective, WikiPage
from tissage.collectives.tests.factories import (
    COLLECTIVE_ROLES,
    CollectiveFactory,
    client_for_role,
)
from tissage.collectives.wiki import services as wiki
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def members_only() -> Collective:
    return CollectiveFactory(archive_visibility=Collective.ArchiveVisibility.MEMBERS)


def page_with_revisions(collective: Collective | None = None, count: int = 2) -> WikiPage:
    page = wiki.page_create(collective or CollectiveFactory(), "Gare centrale", "v1", None)
    for n in range(2, count + 1):
        wiki.page_save(page, n - 1, "Gare centrale", f"v{n}", f"change {n}", None)
    return page


def urls(page: WikiPage) -> dict[str, str]:
    base = page.get_absolute_url()
    wiki_url = f"/collectifs/{page.collective.slug}/wiki/"
    return {
        "wiki": wiki_url,
        "wiki_create": wiki_url + "nouvelle/",
        "wiki_page": base,
        "wiki_edit": base + "modifier/",
        "wiki_history": base + "historique/",
        "wiki_diff": base + "comparer/?de=1&a=2",
        "wiki_revision": base + "version/1/",
        "wiki_restore": base + "version/1/restaurer/",
    }


READ = ["wiki", "wiki_page", "wiki_history", "wiki_diff", "wiki_revision"]
WRITE = ["wiki_create", "wiki_edit", "wiki_restore"]
READERS_PUBLIC = set(COLLECTIVE_ROLES)
READERS_MEMBERS = {"member", "coordinator", "organisation_staff", "superuser"}
WRITERS = {"member", "coordinator"}


@pytest.mark.parametrize("visibility", ["public", "members"])
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_permission_matrix(role, visibility):
    collective = CollectiveFactory(archive_visibility=visibility)
    page = page_with_revisions(collective)
    client, _user = client_for_role(role, collective)
    readers = READERS_PUBLIC if visibility == "public" else READERS_MEMBERS
    for name, url in urls(page).items():
        response = client.post(url) if name == "wiki_restore" else client.get(url)
        if name in READ:
            can = role in readers
            ok = 200
        else:
            can = role in WRITERS
            ok = 302 if name == "wiki_restore" else 200
        if can:
            expected = ok
        elif role == "anonymous":
            expected = 302
        elif role in readers:
            expected = 403
        else:
            expected = 404
        assert response.status_code == expected, (name, role, visibility)
        if role == "anonymous" and not can:
            assert response["Location"].startswith("/compte/") or "next=" in response["Location"]
        if name == "wiki_restore" and can:
            assert response["Location"] == page.get_absolute_url()
    # Only members' restores made revisions (two roles' worth at most, never others').
    restored = page.revisions.filter(restores__isnull=False).count()
    assert restored == (1 if role in WRITERS else 0)


def test_unknown_collective_and_page_are_404():
    page = page_with_revisions()
    client, _user = client_for_role("member", page.collective)
    assert client.get("/collectifs/nope/wiki/").status_code == 404
    assert client.get(f"/collectifs/{page.collective.slug}/wiki/nope/").status_code == 404
    assert client.get(page.get_absolute_url() + "version/9/").status_code == 404
    assert client.post(page.get_absolute_url() + "version/9/restaurer/").status_code == 404
    assert client.get(page.get_absolute_url() + "version/1/restaurer/").status_code == 405


# --- the acceptance test: concurrent edits ---


def test_two_edits_on_the_same_revision_lose_nothing():
    collective = CollectiveFactory()
    page = wiki.page_create(collective, "Gare centrale", "Line one\nLine two", None)
    alice, alice_user = client_for_role("member", collective)
    bob, _bob_user = client_for_role("member", collective)
    edit_url = page.get_absolute_url() + "modifier/"
    # Both open the form on revision 1.
    for client in (alice, bob):
        form = client.get(edit_url)
        assert b'name="base" value="1"' in form.content

    first = alice.post(
        edit_url,
        {"base": 1, "title": "Gare centrale", "body": "Line one\nAlice's line", "comment": "a"},
    )
    assert first.status_code == 302
    second = bob.post(
        edit_url,
        {"base": 1, "title": "Gare centrale", "body": "Line one\nBob's line", "comment": "b"},
    )
    assert second.status_code == 200
    html = second.content.decode()
    assert "Someone saved another version while you were writing" in html
    # The other person's text, shown and raw, and the diff between the two.
    assert alice_user.public_name in html
    assert "Alice&#x27;s line" in html
    assert '<textarea id="conflict-raw"' in html
    assert "<del>" in html and "<ins>" in html
    # Bob's text kept in his form, now based on revision 2.
    assert 'name="base" value="2"' in html
    body_field = html[html.index('<textarea name="body"') :]
    assert body_field.split("</textarea>")[0].endswith(">\nLine one\nBob&#x27;s line")
    page.refresh_from_db()
    assert page.revision_count == 2
    assert page.current.body == "Line one\nAlice's line"

    merged = bob.post(
        edit_url,
        {
            "base": 2,
            "title": "Gare centrale",
            "body": "Line one\nAlice's line\nBob's line",
            "comment": "merged",
        },
    )
    assert merged.status_code == 302
    page.refresh_from_db()
    assert page.revision_count == 3
    assert page.current.body == "Line one\nAlice's line\nBob's line"
    assert list(page.revisions.values_list("body", flat=True)) == [
        "Line one\nAlice's line\nBob's line",
        "Line one\nAlice's line",
        "Line one\nLine two",
    ]


def test_edit_without_changes_makes_no_revision():
    page = page_with_revisions(count=1)
    client, _user = client_for_role("member", page.collective)
    response = client.post(
        page.get_absolute_url() + "modifier/",
        {"base": 1, "title": "Gare centrale", "body": "v1", "comment": ""},
        follow=True,
    )
    assert b"Nothing changed" in response.content
    assert page.revisions.count() == 1


def test_edit_bad_input_rerenders_with_errors():
    page = page_with_revisions(count=1)
    client, _user = client_for_role("member", page.collective)
    url = page.get_absolute_url() + "modifier/"
    response = client.post(url, {"base": "x", "title": "  ", "body": "kept text"})
    assert response.status_code == 200
    assert b"kept text" in response.content
    assert b"error" in response.content
    response = client.post(url, {"title": "A [[b]]", "body": "kept", "base": 1})
    assert response.status_code == 200
    assert b"cannot contain" in response.content
    assert page.revisions.count() == 1


def test_title_change_keeps_the_slug():
    page = page_with_revisions(count=1)
    client, _user = client_for_role("member", page.collective)
    response = client.post(
        page.get_absolute_url() + "modifier/",
        {"base": 1, "title": "Hub of the collective", "body": "v1", "comment": "renamed"},
    )
    assert response["Location"] == page.get_absolute_url()
    page.refresh_from_db()
    assert page.slug == "gare-centrale"
    assert page.title == "Hub of the collective"
    assert b"<h1>Hub of the collective</h1>" in client.get(page.get_absolute_url()).content


# --- creating pages ---


def test_create_page_from_a_missing_link():
    collective = CollectiveFactory()
    wiki.page_create(collective, "Gare centrale", "Go to [[Jardins partagés]]", None)
    client, user = client_for_role("member", collective)
    hub = client.get(f"/collectifs/{collective.slug}/wiki/gare-centrale/").content.decode()
    assert "nouvelle/?titre=Jardins+partag%C3%A9s" in hub
    form = client.get(f"/collectifs/{collective.slug}/wiki/nouvelle/?titre=Jardins+partag%C3%A9s")
    assert b'value="Jardins partag\xc3\xa9s"' in form.content
    response = client.post(
        f"/collectifs/{collective.slug}/wiki/nouvelle/",
        {"title": "Jardins partagés", "body": "*Bienvenue*"},
    )
    page = WikiPage.objects.get(collective=collective, slug="jardins-partages")
    assert response["Location"] == page.get_absolute_url()
    assert page.current.author == user
    hub = client.get(f"/collectifs/{collective.slug}/wiki/gare-centrale/").content.decode()
    assert f'href="{page.get_absolute_url()}"' in hub
    assert "wiki-missing" not in hub
    # The link of a page created meanwhile leads to it.
    again = client.get(f"/collectifs/{collective.slug}/wiki/nouvelle/?titre=jardins+PARTAGES")
    assert again["Location"] == page.get_absolute_url()
    # The same title twice is refused with a clear message.
    response = client.post(
        f"/collectifs/{collective.slug}/wiki/nouvelle/", {"title": "Jardins Partagés", "body": ""}
    )
    assert response.status_code == 200
    assert b"already exists" in response.content
    assert WikiPage.objects.filter(collective=collective).count() == 2


def test_create_the_hub_page():
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    index = client.get(f"/collectifs/{collective.slug}/wiki/").content.decode()
    assert "hub=1" in index
    client.post(
        f"/collectifs/{collective.slug}/wiki/nouvelle/",
        {"title": wiki.HUB_TITLE, "body": "Bienvenue", "hub": "1"},
    )
    assert WikiPage.objects.get(collective=collective).is_hub
    client.post(
        f"/collectifs/{collective.slug}/wiki/nouvelle/",
        {"title": "Other", "body": "", "hub": "1"},
    )
    assert not WikiPage.objects.get(collective=collective, slug="other").is_hub
    index = client.get(f"/collectifs/{collective.slug}/wiki/").content.decode()
    assert "hub=1" not in index
    assert index.index(wiki.HUB_TITLE) < index.index("Other")


def test_scripts_in_a_page_are_neutralised():
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    client.post(
        f"/collectifs/{collective.slug}/wiki/nouvelle/",
        {
            "title": "<script>alert(1)</script>",
            "body": "<script>alert(2)</script>[x](javascript:alert(3)) [[<script>alert(4)]]",
        },
    )
    page = WikiPage.objects.get(collective=collective)
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "javascript:alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_broken_markdown_never_fails():
    collective = CollectiveFactory()
    page = wiki.page_create(collective, "Broken", "**[[x\n```\n<div\n[a](", None)
    client, _user = client_for_role("member", collective)
    assert client.get(page.get_absolute_url()).status_code == 200


# --- history, diff, revisions, restore ---


def test_history_lists_revisions_newest_first():
    page = page_with_revisions(count=3)
    wiki.page_restore(page, 1, None)
    client, _user = client_for_role("outsider", page.collective)
    html = client.get(page.get_absolute_url() + "historique/").content.decode()
    assert html.index("Version 4") < html.index("Version 3") < html.index("Version 1")
    assert "restored from version 1" in html
    assert "change 3" in html
    assert f'action="{page.get_absolute_url()}comparer/"' in html
    assert 'name="de" value="3" id="de-3" checked' in html
    assert 'name="a" value="4" id="a-4" checked' in html


def test_history_is_paginated():
    page = page_with_revisions(count=55)
    client, _user = client_for_role("member", page.collective)
    first = client.get(page.get_absolute_url() + "historique/").content.decode()
    assert "Version 55" in first and "Version 6<" in first and "Version 5<" not in first
    second = client.get(page.get_absolute_url() + "historique/?page=2").content.decode()
    assert "Version 5<" in second and "Version 1<" in second and "Version 6<" not in second


def test_diff_between_any_two_revisions_both_ways():
    page = wiki.page_create(CollectiveFactory(), "Page", "alpha\nbeta\ngamma", None)
    wiki.page_save(page, 1, "Page", "alpha\nBETA\ngamma", "", None)
    wiki.page_save(page, 2, "Page renamed", "alpha\nBETA\ngamma\ndelta", "", None)
    client, _user = client_for_role("member", page.collective)
    url = page.get_absolute_url() + "comparer/"
    forward = client.get(url + "?de=1&a=3").content.decode()
    assert '<del><span class="diff-sign" aria-hidden="true">\N{MINUS SIGN}</span>' in forward
    assert '<span class="visually-hidden">removed: </span>beta</del>' in forward
    assert '<span class="visually-hidden">added: </span>BETA</ins>' in forward
    assert '<span class="visually-hidden">added: </span>delta</ins>' in forward
    assert "“Page” became “Page renamed”" in forward
    backward = client.get(url + "?de=3&a=1").content.decode()
    assert '<span class="visually-hidden">removed: </span>delta</del>' in backward
    assert '<span class="visually-hidden">added: </span>beta</ins>' in backward
    same = client.get(url + "?de=2&a=2").content.decode()
    assert "The texts are the same." in same


@pytest.mark.parametrize(
    "query", ["", "?de=1", "?de=x&a=2", "?de=1&a=9", "?de=-1&a=2", "?de=99999999999999&a=1"]
)
def test_diff_with_bad_numbers_is_a_clear_404(query):
    page = page_with_revisions()
    client, _user = client_for_role("member", page.collective)
    response = client.get(page.get_absolute_url() + "comparer/" + query)
    assert response.status_code == 404
    assert b"history" in response.content


def test_old_revision_and_restore():
    page = page_with_revisions(count=2)
    client, user = client_for_role("member", page.collective)
    html = client.get(page.get_absolute_url() + "version/1/").content.decode()
    assert "v1" in html
    assert "This is an old version" in html
    assert 'action="' + page.get_absolute_url() + 'version/1/restaurer/"' in html
    response = client.post(page.get_absolute_url() + "version/1/restaurer/", follow=True)
    assert b"Version 1 is restored" in response.content
    page.refresh_from_db()
    assert page.revision_count == 3
    assert page.current.body == "v1"
    assert page.current.restores == 1
    assert page.current.author == user
    # Restoring the current version changes nothing.
    client.post(page.get_absolute_url() + "version/3/restaurer/")
    assert page.revisions.count() == 3
    # The current version offers no restore button.
    assert b"restaurer" not in client.get(page.get_absolute_url() + "version/3/").content


# --- query counts ---


def test_index_queries_constant(django_assert_max_num_queries):
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    for n in range(3):
        wiki.page_create(collective, f"Page {n}", "", UserFactory())
    with django_assert_max_num_queries(12) as few:
        client.get(f"/collectifs/{collective.slug}/wiki/")
    for n in range(3, 30):
        wiki.page_create(collective, f"Page {n}", "", UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/collectifs/{collective.slug}/wiki/")
    assert response.content.count(b'<th scope="row">') == 30


def test_page_view_queries_constant(django_assert_max_num_queries):
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    few_links = wiki.page_create(collective, "Few", " ".join(f"[[P{n}]]" for n in range(3)), None)
    many_links = wiki.page_create(
        collective, "Many", " ".join(f"[[P{n}]]" for n in range(20)), None
    )
    for n in range(0, 20, 2):
        wiki.page_create(collective, f"P{n}", "", None)
    with django_assert_max_num_queries(12) as few:
        client.get(few_links.get_absolute_url())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(many_links.get_absolute_url())
    assert response.content.count(b"wiki-missing") == 10


def test_history_queries_constant(django_assert_max_num_queries):
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    short = page_with_revisions(collective, count=3)
    long = wiki.page_create(collective, "Long", "v1", None)
    for n in range(2, 41):
        wiki.page_save(long, n - 1, "Long", f"v{n}", "", UserFactory())
    with django_assert_max_num_queries(12) as few:
        client.get(short.get_absolute_url() + "historique/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(long.get_absolute_url() + "historique/")
    assert b"Version 40" in response.content
