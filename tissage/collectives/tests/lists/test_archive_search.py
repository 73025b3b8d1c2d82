"""The archive's search (lists.queries.archive_search) through the archive page: words
without accents or capitals, in the subject or any published message, bad input answered
with a page, the bound on common words, and the full-text indexes it reads on either
database (SQLite FTS5, PostgreSQL GIN on a stored tsvector)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from tissage.collectives.lists import queries, services
from tissage.collectives.models import Collective, Message, Thread
from tissage.collectives.tests.factories import CollectiveFactory, client_for_role
from tissage.core.search import SearchTerms

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def collective() -> Collective:
    return CollectiveFactory(archive_visibility=Collective.ArchiveVisibility.PUBLIC)


@pytest.fixture
def author(collective):
    return client_for_role("member", collective)[1]


def start(collective, author, subject: str, body: str) -> Thread:
    return services.thread_start(
        collective=collective, author=author, subject=subject, body=body
    ).thread


def found(client, collective, query: str) -> list[str]:
    response = client.get(reverse("collectives:threads", args=[collective.slug]), {"q": query})
    assert response.status_code == 200
    return [thread.subject for thread in response.context["page"].object_list]


def test_accents_and_capitals_do_not_matter_either_way(english, collective, author):
    start(collective, author, "Fête de l’école", "Rendez-vous à la salle des fêtes")
    start(collective, author, "Verger", "On taille les pommiers")

    for query in ("ecole", "ÉCOLE", "École", "salle fetes", "SALLE DES FÊTES"):
        assert found(english, collective, query) == ["Fête de l’école"], query


def test_a_word_finds_its_plural_and_never_the_inside_of_a_word(english, collective, author):
    """Whole words in either number, on both databases: PostgreSQL stems French words
    ("jardins" → "jardin"); SQLite searches the word's other number, having no French
    stemmer, and no prefix, which it would read in full (docs/decisions.md)."""
    start(collective, author, "Atelier", "Les jardins ouvrent. Nous jardinons samedi")
    start(collective, author, "Patrimoine", "Les châteaux et le canal")

    assert found(english, collective, "jardin") == ["Atelier"]
    assert found(english, collective, "jardins") == ["Atelier"]
    assert found(english, collective, "ardin") == []
    assert found(english, collective, "jardino") == []
    for query in ("chateau", "Château", "canaux"):
        assert found(english, collective, query) == ["Patrimoine"], query


def test_a_quoted_phrase_is_searched_as_its_words(english, collective, author):
    start(collective, author, "Jardin", "Le jardin partagé ouvre samedi")
    start(collective, author, "Partage", "Partagé entre deux jardins")

    assert sorted(found(english, collective, '"jardin partagé"')) == ["Jardin", "Partage"]


def test_messages_of_other_collectives_are_not_found(english, collective, author):
    other = CollectiveFactory(archive_visibility=Collective.ArchiveVisibility.PUBLIC)
    start(other, client_for_role("member", other)[1], "Ailleurs", "Compost collectif")
    start(collective, author, "Ici", "Rien à voir")

    assert found(english, collective, "compost") == []
    assert found(english, other, "compost") == ["Ailleurs"]


def test_held_messages_are_not_found_even_by_their_author_or_a_coordinator(collective, author):
    thread = start(collective, author, "Sujet", "Premier message")
    held = services.message_reply(thread=thread, author=author, body="Brouillon confidentiel")
    Message.objects.filter(pk=held.pk).update(status=Message.Status.HELD)
    coordinator, _ = client_for_role("coordinator", collective)

    assert found(coordinator, collective, "confidentiel") == []
    assert found(coordinator, collective, "premier") == ["Sujet"]


def test_a_members_only_archive_is_not_searched_by_a_visitor(client):
    collective = CollectiveFactory(archive_visibility=Collective.ArchiveVisibility.MEMBERS)
    start(collective, client_for_role("member", collective)[1], "Secret", "Rien")
    url = reverse("collectives:threads", args=[collective.slug])

    outsider, _ = client_for_role("outsider", collective)
    assert outsider.get(url, {"q": "secret"}).status_code == 404
    anonymous = client.get(url, {"q": "secret"})
    assert anonymous.status_code == 302 and "Secret" not in anonymous.content.decode()


def test_nothing_found_says_so(english, collective, author):
    start(collective, author, "Verger", "Pommiers")

    response = english.get(reverse("collectives:threads", args=[collective.slug]), {"q": "zyxw"})

    html = response.content.decode()
    assert "0 discussions found for “zyxw”" in html
    assert "No discussion contains all these words." in html


@pytest.mark.parametrize("query", ["a", "!!", "- * :", "%_\\", "é", "\x00"])
def test_a_query_without_a_word_gets_a_clear_message(english, collective, author, query):
    start(collective, author, "Verger", "Pommiers")

    response = english.get(reverse("collectives:threads", args=[collective.slug]), {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Type at least one word of two letters or more." in html
    assert 'aria-invalid="true"' in html
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE x; --", '"*" OR NEAR(a b) :* & | !', "verger*", "verger:*"]
)
def test_search_syntax_is_only_text(english, collective, author, query):
    start(collective, author, "Verger", "Pommiers")

    expected = ["Verger"] if query.startswith("verger") else []
    assert found(english, collective, query) == expected


def test_stop_words_differ_between_the_databases(english, collective, author):
    """PostgreSQL's French configuration drops stop words ("le", "de"…): a query of stop
    words only finds nothing there. SQLite has no stop words: "le" is the start of a
    word. Either way the page answers, and a stop word among other words is ignored."""
    start(collective, author, "Légumes", "Des légumes du jardin")

    response = english.get(reverse("collectives:threads", args=[collective.slug]), {"q": "des du"})

    assert response.status_code == 200
    if connection.vendor == "postgresql":
        assert "No discussion contains all these words." in response.content.decode()
    else:
        assert found(english, collective, "des du") == ["Légumes"]
    assert found(english, collective, "des légumes du jardin") == ["Légumes"]


def test_a_long_query_is_cut_and_says_so(english, collective, author):
    start(collective, author, "Verger", "Pommiers")
    url = reverse("collectives:threads", args=[collective.slug])

    many_words = english.get(url, {"q": "verger " + " ".join(f"mot{n}" for n in range(20))})
    too_long = english.get(url, {"q": "verger " + "x" * 5000})

    for response in (many_words, too_long):
        assert response.status_code == 200
        assert "only its beginning was searched, at most 8 words" in response.content.decode()
    assert len(too_long.context["query"]) == 200
    short = english.get(url, {"q": "verger"}).content.decode()
    assert "only its beginning was searched" not in short


def test_a_common_word_reads_only_its_latest_messages_and_says_so(
    english, collective, author, monkeypatch
):
    monkeypatch.setattr(queries, "SEARCH_LATEST", 3)
    for number in range(5):
        start(collective, author, f"Sujet {number}", "Compost du quartier")
    start(collective, author, "Compost au jardin", "Rien d’autre")  # by its subject

    url = reverse("collectives:threads", args=[collective.slug])
    response = english.get(url, {"q": "compost"})

    subjects = [thread.subject for thread in response.context["page"].object_list]
    assert subjects == ["Compost au jardin", "Sujet 4", "Sujet 3", "Sujet 2"]
    assert "the search reads the 3 latest messages that hold it" in response.content.decode()


def test_messages_loaded_in_bulk_are_indexed_and_edits_follow(english, collective, author):
    """The index is the database's business (SQLite triggers, PostgreSQL's generated
    column): rows written without the model's save() are found too."""
    thread = start(collective, author, "Import", "Ancien texte")
    Message.objects.bulk_create(
        [
            Message(
                thread=thread,
                collective=collective,
                author_name="Archive",
                body="Lavoir restauré en 1998",
                message_id="<bulk-1@example.org>",
            )
        ]
    )
    assert found(english, collective, "lavoir restaure") == ["Import"]
    Message.objects.filter(body__startswith="Lavoir").update(body="Fontaine")
    assert found(english, collective, "lavoir") == []
    assert found(english, collective, "fontaine") == ["Import"]
    Message.objects.filter(body="Fontaine").delete()
    assert found(english, collective, "fontaine") == []


def _archive(collective, threads: int, per_thread: int) -> None:
    """Threads and messages in bulk, as in a real archive: "ordinaire" in every message,
    "pommiers" in the first thread's subject and the second thread's messages."""
    made = Thread.objects.bulk_create(
        Thread(
            collective=collective,
            subject="Pommiers" if number == 0 else f"Sujet {number}",
            published_count=per_thread,
        )
        for number in range(threads)
    )
    Message.objects.bulk_create(
        Message(
            thread=thread,
            collective=collective,
            author_name="Membre",
            body="Un texte ordinaire" + (" et des pommiers" if thread == made[1] else ""),
            message_id=f"<{thread.pk}-{number}@example.org>",
        )
        for thread in made
        for number in range(per_thread)
    )


def _plan(collective, query: str, *, only_bitmaps: bool = False) -> str:
    terms = SearchTerms.parse(query)
    sql, params = queries.archive_threads(collective, terms).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What autovacuum does, and a manual ANALYZE does not: move the GIN indexes'
            # pending entries into the index. The test server runs without autovacuum,
            # and the entries every earlier test of the session inserted (rolled back,
            # still pending) made the planner price the GIN index above a walk of the
            # collective's messages: a plan that hung on which tests ran before.
            for index in ("collectives_message_search_vector", "collectives_thread_search"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute("ANALYZE collectives_message, collectives_thread")
            # A few thousand rows: walking the table costs what the index costs, and the
            # planner may take either; forbidding whole reads and walks shows that the
            # GIN index serves the query (with 100,000 rows the planner picks it itself:
            # EXPLAIN ANALYZE in docs/performance.md).
            switch = "off" if only_bitmaps else "on"
            cursor.execute(f"SET LOCAL enable_seqscan = {switch}")
            cursor.execute(f"SET LOCAL enable_indexscan = {switch}")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_the_search_reads_the_full_text_indexes(english, collective):
    _archive(collective, threads=1500, per_thread=2)

    assert len(found(english, collective, "pommiers")) == 2
    rare = _plan(collective, "pommiers", only_bitmaps=True)
    common = _plan(collective, "ordinaire")

    if connection.vendor == "postgresql":
        # A rare word: its matches from the GIN indexes (stored vector, subjects).
        assert "Bitmap Index Scan on collectives_message_search_vector" in rare, rare
        assert "Bitmap Index Scan on collectives_thread_search" in rare, rare
        # A word in every message: the newest messages first, until SEARCH_LATEST.
        assert "Index Scan Backward using collectives_message_pkey" in common, common
    else:
        for plan in (rare, common):  # the FTS5 tables drive, newest first
            assert "SCAN collectives_message_search VIRTUAL TABLE" in plan, plan
            assert "SCAN collectives_thread_search VIRTUAL TABLE" in plan, plan
            assert "USING INTEGER PRIMARY KEY" in plan, plan
            # The matches name the threads: the collective's every thread is not walked
            # to test each against them.
            assert "MULTI-INDEX OR" in plan, plan
            assert "USING INDEX thread_collective_recent" not in plan, plan


@pytest.mark.parametrize("threads", [3, 30])
def test_a_search_runs_once_for_its_count_and_its_page(
    english, collective, threads, django_assert_max_num_queries
):
    """The search's matches are read once, counted and paged (queries.archive_page):
    not once to count and again for the page; its queries do not grow with the matches."""
    _archive(collective, threads=threads, per_thread=1)
    url = reverse("collectives:threads", args=[collective.slug])
    index = "@@" if connection.vendor == "postgresql" else "MATCH"

    with django_assert_max_num_queries(4) as queries_run:
        first = english.get(url, {"q": "ordinaire"})
    # Read before the next request, which empties the log of queries.
    searches = [query["sql"] for query in queries_run.captured_queries if index in query["sql"]]
    second = english.get(url, {"q": "ordinaire", "page": 2})

    assert len(searches) == 1
    shown = [thread.subject for thread in first.context["page"].object_list]
    assert len(shown) == min(threads, queries.THREADS_PER_PAGE)
    assert shown[0] == f"Sujet {threads - 1}"  # latest activity first (ties: newest id)
    assert f"{threads} discussions found" in first.content.decode()
    rest = [thread.subject for thread in second.context["page"].object_list]
    if threads > queries.THREADS_PER_PAGE:
        assert len(rest) == threads - queries.THREADS_PER_PAGE
        assert not set(rest) & set(shown)
    else:
        assert rest == shown  # a page past the last shows the last


def test_a_kept_thread_row_shows_every_change_at_once(english, collective, author):
    """The archive's rows are rendered once per state and kept (core.cards): a new
    message, a renamed subject or author shows at once, on the list and in a search."""
    thread = start(collective, author, "Verger partagé", "Premier message sur le verger")
    url = reverse("collectives:threads", args=[collective.slug])
    for query in ({}, {"q": "verger"}):
        assert "1 message" in english.get(url, query).content.decode()

    services.message_reply(thread=thread, author=author, body="Et le verger ?")
    Thread.objects.filter(pk=thread.pk).update(subject="Verger des Aires")
    type(author).objects.filter(pk=author.pk).update(display_name="Léa Verger")

    for query in ({}, {"q": "verger"}):
        page = english.get(url, query).content.decode()
        assert "Verger des Aires" in page and "Verger partagé" not in page
        assert "2 messages" in page
        assert "Started by Léa Verger" in page
