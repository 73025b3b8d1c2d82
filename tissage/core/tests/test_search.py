"""Site search (core.search, /recherche/): every kind, without accents or capitals, only
what the visitor may see; bad input answered with a page, never an error. Runs on SQLite
(FTS5) and, in CI, on PostgreSQL (french_unaccent full-text search)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from tissage.actions.manage.services import action_create
from tissage.actions.models import Action
from tissage.actions.tests.helpers import in_days
from tissage.collectives.initiatives.services import initiative_propose
from tissage.collectives.models import Collective
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.collectives.wiki.services import page_create, page_save
from tissage.core.search import RANKED_CANDIDATES, SQLITE_RANKED_MATCHES, SearchTerms, search
from tissage.core.tests.factories import ProjectFactory, ProjectMembershipFactory, UserFactory
from tissage.inventories.tests.helpers import heritage_campaign, nimes_commune, published, submit
from tissage.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db

URL = reverse("core:search")


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def make_action(title: str, status: str = Action.Status.PUBLISHED) -> Action:
    starts_at = in_days(7)
    return action_create(
        project=ProjectFactory(),
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=[],
        status=status,
    )


def kinds(response) -> dict[str, list[str]]:
    results = response.context["results"]
    return {group.kind: [hit.title for hit in group.hits] for group in results.groups}


def a_moderator(campaign):
    return ProjectMembershipFactory(
        project=campaign.project, role=ProjectMembership.Role.FACILITATOR
    ).user


def test_a_word_without_its_accents_finds_an_item(client):
    campaign = heritage_campaign()
    published(campaign, a_moderator(campaign), title="Église Saint-Baudile")

    response = client.get(URL, {"q": "eglise"})

    assert response.status_code == 200
    assert kinds(response)["items"] == ["Église Saint-Baudile"]
    assert "Église Saint-Baudile" in response.content.decode()


def test_capitals_and_accents_of_the_query_do_not_matter(client):
    ProjectFactory(title="Vergers partagés de la Drôme")

    for query in ("DROME", "drôme", "Vergers  Partages"):
        assert kinds(client.get(URL, {"q": query})).get("projects") == [
            "Vergers partagés de la Drôme"
        ], query


def in_every_kind(word: str) -> None:
    """A project, an item, an action, a collective, an initiative and a wiki page, each
    holding `word`."""
    project = ProjectFactory(title=f"Haies de la {word}")
    make_action(title=f"Chantier dans la {word}")
    campaign = heritage_campaign(project=project)
    published(campaign, a_moderator(campaign), title=f"Capitelle de la {word}")
    collective = CollectiveFactory(name=f"Amis de la {word}")
    member = MembershipFactory(collective=collective).user
    initiative_propose(
        collective=collective, proposer=member, title=f"Balade en {word}", what="Marcher."
    )
    page_create(collective, f"Plantes de la {word}", "Le thym.", member)


def test_results_are_grouped_by_kind(client):
    word = "garrigue"
    in_every_kind(word)

    found = kinds(client.get(URL, {"q": word}))

    assert found == {
        "projects": [f"Haies de la {word}"],
        "items": [f"Capitelle de la {word}"],
        "actions": [f"Chantier dans la {word}"],
        "collectives": [f"Amis de la {word}"],
        "initiatives": [f"Balade en {word}"],
        "wiki": [f"Plantes de la {word}"],
    }


def test_the_better_match_comes_first(client):
    ProjectFactory(title="Jardin", description="On y parle de compost une fois.")
    ProjectFactory(title="Compost collectif", summary="Du compost pour tous, compost!")

    assert kinds(client.get(URL, {"q": "compost"}))["projects"][0] == "Compost collectif"


def test_wiki_pages_are_found_by_their_current_text_only(client):
    collective = CollectiveFactory()
    member = MembershipFactory(collective=collective).user
    page = page_create(collective, "Matériel", "Une brouette rouillée.", member)
    page_save(page, 1, "Matériel", "Deux pelles.", "", member)

    assert "wiki" not in kinds(client.get(URL, {"q": "brouette"}))
    assert kinds(client.get(URL, {"q": "pelles"}))["wiki"] == ["Matériel"]


def test_what_an_anonymous_visitor_may_not_see_is_not_found(client):
    ProjectFactory(title="Mare secrète", status=Project.Status.DRAFT)
    make_action(title="Mare du dimanche", status=Action.Status.DRAFT)
    campaign = heritage_campaign()
    submit(campaign, title="Mare du lavoir")  # waiting for moderation
    closed = CollectiveFactory(
        name="Voisins", archive_visibility=Collective.ArchiveVisibility.MEMBERS
    )
    member = MembershipFactory(collective=closed).user
    initiative_propose(collective=closed, proposer=member, title="Mare commune", what="Creuser.")
    page_create(closed, "Mare aux grenouilles", "Privé.", member)

    response = client.get(URL, {"q": "mare"})

    assert response.status_code == 200
    assert kinds(response) == {}
    assert "Mare" not in response.content.decode().split("<main")[1]


def test_the_team_finds_its_draft_project_and_members_their_collective_wiki(client):
    draft = ProjectFactory(title="Mare secrète", status=Project.Status.DRAFT)
    closed = CollectiveFactory(archive_visibility=Collective.ArchiveVisibility.MEMBERS)
    member = MembershipFactory(collective=closed).user
    ProjectMembershipFactory(project=draft, user=member)
    page_create(closed, "Mare aux grenouilles", "Privé.", member)
    client.force_login(member)

    found = kinds(client.get(URL, {"q": "mare"}))

    assert found == {"projects": ["Mare secrète"], "wiki": ["Mare aux grenouilles"]}


@pytest.mark.parametrize("query", ["a", "é", "!!", "%_\\", "\x00", "- * :"])
def test_a_query_without_a_word_gets_a_clear_page(english, query):
    ProjectFactory(title="Compost")

    response = english.get(URL, {"q": query})

    assert response.status_code == 200
    assert "Type at least one word of two letters or more." in response.content.decode()
    assert response.context["results"].groups == []


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE x; --", '"*" OR NEAR(a b) :* & | !', "compost*", "compost:*"]
)
def test_search_syntax_in_a_query_is_only_text(english, query):
    ProjectFactory(title="Compost")

    response = english.get(URL, {"q": query})

    assert response.status_code == 200
    expected = ["Compost"] if query.startswith("compost") else None
    assert kinds(response).get("projects") == expected


def test_a_long_query_is_cut_not_refused(english):
    ProjectFactory(title="Compost")

    response = english.get(URL, {"q": "compost " + "x" * 500})

    assert response.status_code == 200
    assert len(response.context["results"].query) == 200
    assert kinds(response) == {}  # every word must match, and "xxx…" does not


def test_nothing_found_says_so(english):
    response = english.get(URL, {"q": "zyxwvu"})

    assert "Nothing found for “zyxwvu”." in response.content.decode()


def test_the_empty_page_offers_the_box(english):
    response = english.get(URL)

    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert "Nothing found" not in response.content.decode()


def test_every_page_has_the_search_box_in_its_header(english):
    page = english.get(reverse("projects:home")).content.decode()

    header = page.split("</header>")[0]
    assert f'action="{URL}"' in header
    assert 'role="search"' in header
    assert "Search the site" in header


def test_the_query_count_does_not_grow_with_the_results(client, django_assert_max_num_queries):
    commune = nimes_commune()

    def add(n: int) -> None:
        campaign = heritage_campaign(commune, title=f"Inventaire {n}")
        moderator = a_moderator(campaign)
        for i in range(n):
            ProjectFactory(title=f"Lavoir {n} {i}")
            make_action(title=f"Lavoir à nettoyer {n} {i}")
            published(campaign, moderator, title=f"Lavoir {n} {i}")
            CollectiveFactory(name=f"Lavoir {n} {i}")

    add(1)
    with django_assert_max_num_queries(12) as first:
        client.get(URL, {"q": "lavoir"})
    add(4)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(URL, {"q": "lavoir"})


def test_terms_are_plain_words():
    assert SearchTerms.parse("  L'Église, SAINT-Baudile! a ").words == (
        "eglise",
        "saint",
        "baudile",
    )
    assert SearchTerms.parse("x" * 10).fts5() == '"xxxxxxxxxx"*'


def test_whole_words_are_searched_in_either_number_on_sqlite():
    """`latest_matching`'s query on SQLite: no prefix (read in full by FTS5), each word
    with its other number, every word required."""
    assert SearchTerms.parse("Jardin châteaux").fts5_whole() == (
        '("jardin" OR "jardins") AND ("chateaux" OR "chateau" OR "chateal")'
    )
    assert SearchTerms.parse("canal jeu").fts5_whole() == (
        '("canal" OR "canals" OR "canaux") AND ("jeu" OR "jeux")'
    )
    assert SearchTerms.parse("as").fts5_whole() == '("as")'


def test_search_function_without_a_query_searches_nothing():
    results = search("", UserFactory())
    assert results.groups == [] and results.problem == ""


def test_the_search_index_stays_after_a_migration_rebuilt_a_table(client):
    """SQLite keeps its index with triggers, which a table rebuilt by a migration loses:
    they are put back after `migrate`. PostgreSQL keeps a GIN index, which stays."""
    from django.db import connection

    from tissage.core.search import search_triggers_restore

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # as a table rebuilt by a migration leaves it
            cursor.execute('DROP TRIGGER "projects_project_search_insert"')
    else:
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, "projects_project")
        assert any(index.get("type") == "gin" for index in indexes.values()), (
            "the projects' search index is missing"
        )

    search_triggers_restore()
    ProjectFactory(title="Ruchers")

    assert kinds(client.get(URL, {"q": "ruchers"})) == {"projects": ["Ruchers"]}


def test_the_matches_are_found_through_the_search_index_not_a_listing_order(client):
    """A model's default order (projects: latest first, on `project_recent_idx`) must not
    reach the search's candidates: the planner would walk that index and compute every
    project's vector (70 ms at 10,000 projects, issue #20) instead of asking the search
    index. Checked on the query the page sends, with the database's own plan."""
    from django.db import connection

    from tissage.core.tests.plans import page_reads, query_plan

    Project.objects.bulk_create(
        Project(
            organisation=ProjectFactory().organisation,
            title=f"Projet {i}",
            slug=f"projet-recherche-{i}",
            summary="Des haies et des lavoirs." if i % 100 == 0 else "Des haies.",
            status=Project.Status.PUBLISHED,
        )
        for i in range(3_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _response, ranked = page_reads(client, URL, "search_rank", data={"q": "lavoir"})
    (sql,) = [q for q in ranked if '"projects_project"."title"' in q.split("FROM")[0]]
    plan = query_plan(sql)
    assert "project_recent_idx" not in plan, plan
    if connection.vendor == "postgresql":
        # The candidates (the first matches) are asked without an order, each tested on
        # its stored vector: the planner may read the GIN index or, for a small table,
        # every row, never recomputing a vector.
        assert "search_vector @@" in plan, plan
        assert "to_tsvector" not in plan, plan
        candidates = sql[sql.index("IN (SELECT") : sql.index(f"LIMIT {RANKED_CANDIDATES})")]
        assert "ORDER BY" not in candidates, candidates
    else:
        # The newest matches only are ranked (from the rowid of the N-th newest on), and
        # the search table is walked once by its words: driven by a list of rowids
        # instead, FTS5 read every match again for each (700 ms for a word in 10,000
        # items).
        assert "projects_project_search" in plan, plan
        assert f"LIMIT {SQLITE_RANKED_MATCHES}))" in sql
        walks = [line for line in plan.splitlines() if "projects_project_search" in line]
        assert re.search(r"VIRTUAL TABLE INDEX \d+:M", walks[0]), plan  # not ":=M"


def search_queries(client, query: str) -> list[str]:
    from tissage.core.tests.plans import page_reads

    return page_reads(client, URL, data={"q": query})[1]


def test_a_kind_whose_index_lacks_the_words_costs_no_query(client):
    """One query asks which kinds' indexes hold the words; only those kinds build and
    run their ranked query (issue #20: the six kinds without a match were most of the
    page's time on PostgreSQL)."""
    ProjectFactory(title="Ruchers du causse")
    make_action(title="Chantier au lavoir")

    sql = search_queries(client, "ruchers")

    ranked = [q for q in sql if "search_rank" in q]
    assert len(ranked) == 1, ranked
    assert '"projects_project"' in ranked[0]
    assert not any('"actions_action"."title"' in q for q in sql)
    assert kinds(client.get(URL, {"q": "ruchers"})) == {"projects": ["Ruchers du causse"]}


def test_a_word_beyond_the_first_rows_read_is_found(client):
    """PostgreSQL tests the first rows' vectors, then asks the index: a word found only
    in a row read later is found all the same (on SQLite the FTS5 table answers)."""
    from tissage.core.search import HOLDING_SAMPLE

    organisation = ProjectFactory().organisation
    Project.objects.bulk_create(
        Project(
            organisation=organisation,
            title=f"Haies {i}",
            slug=f"haies-{i}",
            status=Project.Status.PUBLISHED,
        )
        for i in range(HOLDING_SAMPLE + 50)
    )
    ProjectFactory(title="Ruchers du causse")

    assert kinds(client.get(URL, {"q": "ruchers"})) == {"projects": ["Ruchers du causse"]}
    assert kinds(client.get(URL, {"q": "haies"}))["projects"]


def test_a_text_changed_without_the_orm_s_save_is_searched_by_its_new_words(client):
    """The index follows the rows on both databases: SQLite's triggers, PostgreSQL's
    stored generated column."""
    project = ProjectFactory(title="Ruchers du causse")
    Project.objects.filter(pk=project.pk).update(title="Vergers du causse")

    assert kinds(client.get(URL, {"q": "ruchers"})) == {}
    assert kinds(client.get(URL, {"q": "vergers"})) == {"projects": ["Vergers du causse"]}


def test_postgresql_ranks_the_stored_vectors_never_the_text(client):
    """Every kind's query reads its table's stored vector: recomputing each match's
    vector from its text was most of the projects' and items' time (issue #20)."""
    from django.db import connection

    word = "garrigue"
    in_every_kind(word)

    sql = search_queries(client, word)

    ranked = [q for q in sql if "search_rank" in q]
    assert len(ranked) == 6, ranked
    if connection.vendor == "postgresql":
        assert all("search_vector" in q and "to_tsvector" not in q for q in sql), sql
    else:
        assert all("bm25" in q for q in ranked), ranked
