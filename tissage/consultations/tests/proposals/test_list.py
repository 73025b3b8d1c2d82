"""The list of proposals: its three orders, filters, pages, bad input; its queries; the
part on the consultation page; similar titles while typing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tissage.consultations.models import Proposal, ProposalWord
from tissage.consultations.proposals import queries
from tissage.consultations.tests.factories import (
    CategoryFactory,
    CommentFactory,
    ConsultationFactory,
    ProposalFactory,
)
from tissage.core.tests.factories import CommuneFactory
from tissage.core.tests.plans import page_reads, query_plan, sorts_everything

pytestmark = pytest.mark.django_db


def list_url(consultation, query: str = "") -> str:
    return reverse("consultations:proposals", args=[consultation.slug]) + query


def titles(response) -> list[str]:
    return [proposal.title for proposal in response.context["page"].object_list]


def test_the_list_shows_published_ideas_with_what_each_card_says(client, consultation):
    category = CategoryFactory(consultation=consultation, name="Arbres")
    commune = CommuneFactory(name="Crest")
    proposal = ProposalFactory(
        consultation=consultation,
        title="Un verger",
        category=category,
        commune=commune,
        support_count=4,
        answer_status="accepted",
    )
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=2)
    ProposalFactory(consultation=consultation, title="Cachée", status=Proposal.Status.HIDDEN)
    ProposalFactory(
        consultation=consultation, title="Non confirmée", status=Proposal.Status.UNCONFIRMED
    )
    ProposalFactory(consultation=consultation, title="Sur la carte", part=Proposal.Part.MAP)
    ProposalFactory(title="D’une autre consultation")
    response = client.get(list_url(consultation))
    assert titles(response) == ["Un verger"]
    page = response.content.decode()
    assert "Arbres" in page and "Crest" in page
    assert "4 soutiens" in page
    assert "2 commentaires" in page
    assert "Retenue" in page


CARD = "consultations/proposals/_card.html"


def cards_rendered(response) -> int:  # type: ignore[no-untyped-def]
    return [template.name for template in response.templates].count(CARD)


def test_each_card_is_kept_until_what_it_shows_changes(client, consultation):
    category = CategoryFactory(consultation=consultation, name="Arbres")
    proposal = ProposalFactory(
        consultation=consultation, title="Un verger", category=category, support_count=4
    )
    ProposalFactory(consultation=consultation, title="Une haie", support_count=1)
    assert cards_rendered(client.get(list_url(consultation))) == 2
    assert cards_rendered(client.get(list_url(consultation, "?ordre=soutiens"))) == 0
    # A support, a comment, an answer, a category renamed: each shows at once, written
    # with or without a save.
    Proposal.objects.filter(pk=proposal.pk).update(
        support_count=5, comment_count=1, answer_status="accepted"
    )
    category.name = "Vergers"
    category.save()
    changed = client.get(list_url(consultation))
    assert cards_rendered(changed) == 1
    page = changed.content.decode()
    assert "5 soutiens" in page and "1 commentaire" in page and "Retenue" in page
    assert "Vergers" in page and "Arbres" not in page.split('class="item-cards"')[1]


def test_the_three_orders(client, consultation):
    old = ProposalFactory(consultation=consultation, title="Ancienne", support_count=9)
    new = ProposalFactory(consultation=consultation, title="Nouvelle", support_count=1)
    Proposal.objects.filter(pk=old.pk).update(created_at=new.created_at.replace(year=2020))
    assert titles(client.get(list_url(consultation, "?ordre=soutiens"))) == ["Ancienne", "Nouvelle"]
    assert titles(client.get(list_url(consultation, "?ordre=recentes"))) == ["Nouvelle", "Ancienne"]
    assert len(titles(client.get(list_url(consultation, "?ordre=hasard")))) == 2


def test_the_random_order_is_stable_for_a_visitor_and_differs_between_visitors(
    client, consultation
):
    for number in range(30):
        ProposalFactory(consultation=consultation, title=f"Idée {number:02d}")
    response = client.get(list_url(consultation))
    first = titles(response)
    # The same visitor, again and again: the same order, and no new cookie.
    again = client.get(list_url(consultation))
    assert titles(again) == first
    assert queries.SEED_COOKIE not in again.cookies
    # Paging: the second page follows, nothing twice, nothing missing.
    second = titles(client.get(list_url(consultation, "?page=2")))
    assert len(first) == 20 and len(second) == 10
    assert len(set(first + second)) == 30
    # Other seeds (starts spread round the circle, both ways): other orders, and no
    # proposal is always first or last.
    orders = [
        [p.title for p in queries.proposal_list(consultation, sort="hasard", seed=seed)]
        for seed in (1, 536_870_912, 1_073_741_825, 1_610_612_736, queries.SEED_LIMIT - 1)
    ]
    assert len({tuple(order) for order in orders}) == 5
    assert all(sorted(order) == sorted(first + second) for order in orders)
    assert len({order[0] for order in orders}) > 1
    assert len({order[-1] for order in orders}) > 1


def in_circle(consultation, count: int = 30) -> list[str]:  # type: ignore[no-untyped-def]
    """`count` proposals whose places in the circle are 1,000, 2,000…: their titles in
    that order."""
    placed = []
    for number in range(count):
        proposal = ProposalFactory(consultation=consultation, title=f"Idée {number:02d}")
        Proposal.objects.filter(pk=proposal.pk).update(shuffle_key=1000 * (number + 1))
        placed.append(proposal.title)
    return placed


def test_the_random_order_goes_round_the_circle_from_the_visitors_start(consultation):
    circle = in_circle(consultation)

    def order(seed: int) -> list[str]:
        return [p.title for p in queries.proposal_list(consultation, sort="hasard", seed=seed)]

    # An odd seed goes up from its start, then from the bottom of the circle.
    assert order(10_001) == circle[10:] + circle[:10]
    # An even seed goes down from its start (itself included), then from the top.
    assert order(10_000) == circle[9::-1] + circle[:9:-1]
    # Open-ended slices, within the first arc and past it.
    shuffled = queries.in_order(
        Proposal.objects.filter(consultation=consultation), "hasard", 20_001
    )
    whole = circle[20:] + circle[:20]
    assert [p.title for p in shuffled[5:]] == whole[5:]
    assert [p.title for p in shuffled[25:]] == whole[25:]


@pytest.mark.parametrize(
    ("seed", "pages"),
    [
        # The first arc fills the first page exactly; the second page is the rest.
        (10_001, (slice(10, 30), slice(0, 10))),
        # The first page runs past the top of the circle.
        (20_001, (slice(20, 30), slice(0, 10), slice(10, 20))),
    ],
)
def test_the_random_orders_pages_follow_each_other_round_the_circle(
    client, consultation, seed, pages
):
    circle = in_circle(consultation)
    client.cookies[queries.SEED_COOKIE] = str(seed)
    first, second = (
        titles(client.get(list_url(consultation))),
        titles(client.get(list_url(consultation, "?page=2"))),
    )
    expected = [title for part in pages for title in circle[part]]
    assert first + second == expected
    assert len(first) == 20


def test_the_random_order_reads_a_page_through_its_index_without_sorting_them_all(
    client, consultation
):
    Proposal.objects.bulk_create(
        [
            Proposal(
                consultation=consultation,
                part=Proposal.Part.IDEAS,
                status=Proposal.Status.PUBLISHED,
                title=f"Idée {number}",
                text="Une idée.",
            )
            for number in range(3000)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client.cookies[queries.SEED_COOKIE] = "1073741825"

    _response, reads = page_reads(
        client, list_url(consultation, "?ordre=hasard"), "shuffle_key", "ORDER BY"
    )

    assert reads
    for sql in reads:
        plan = query_plan(sql)
        assert "proposal_by_shuffle" in plan, plan
        assert not sorts_everything(plan), plan


@pytest.mark.parametrize("cookie", ["abc", "0", "99999999999", "-5"])
def test_a_bad_seed_is_replaced(client, consultation, cookie):
    ProposalFactory(consultation=consultation)
    client.cookies[queries.SEED_COOKIE] = cookie
    response = client.get(list_url(consultation))
    assert response.status_code == 200
    assert queries.seed_read(response.cookies[queries.SEED_COOKIE].value) is not None


def test_filters_by_category_and_commune(client, consultation):
    trees = CategoryFactory(consultation=consultation, name="Arbres")
    roads = CategoryFactory(consultation=consultation, name="Routes")
    crest = CommuneFactory(name="Crest")
    ProposalFactory(consultation=consultation, title="A", category=trees, commune=crest)
    ProposalFactory(consultation=consultation, title="B", category=roads, commune=crest)
    ProposalFactory(consultation=consultation, title="C", category=trees)
    response = client.get(list_url(consultation, f"?categorie={trees.pk}&ordre=recentes"))
    assert sorted(titles(response)) == ["A", "C"]
    response = client.get(list_url(consultation, f"?commune={crest.insee_code}"))
    assert sorted(titles(response)) == ["A", "B"]
    response = client.get(list_url(consultation, f"?commune=Crest&categorie={roads.pk}"))
    assert titles(response) == ["B"]


@pytest.mark.parametrize(
    "query",
    [
        "?categorie=999999",
        "?categorie=abc",
        "?commune=Nulle-part-du-tout",
        "?ordre=pire",
        "?page=abc",
        "?page=999",
        "?page=-1",
        "?commune=" + "x" * 500,
    ],
)
def test_bad_input_never_fails(client, consultation, query):
    ProposalFactory(consultation=consultation, title="Seule")
    response = client.get(list_url(consultation, query))
    assert response.status_code == 200
    assert titles(response) == ["Seule"]


def test_an_unknown_category_is_explained_next_to_its_field(client, consultation):
    CategoryFactory(consultation=consultation)
    response = client.get(list_url(consultation, "?categorie=999999"))
    assert 'id="id_categorie_error"' in response.content.decode()


def test_the_list_is_404_without_the_proposals_part(client):
    consultation = ConsultationFactory(proposals_enabled=False)
    assert client.get(list_url(consultation)).status_code == 404


@pytest.mark.parametrize("sort", queries.SORTS)
def test_the_list_reads_a_fixed_number_of_queries(
    client, consultation, sort, django_assert_max_num_queries
):
    categories = [CategoryFactory(consultation=consultation) for _ in range(3)]
    communes = [CommuneFactory() for _ in range(3)]

    def add(number: int) -> None:
        for n in range(number):
            proposal = ProposalFactory(
                consultation=consultation, category=categories[n % 3], commune=communes[n % 3]
            )
            CommentFactory(proposal=proposal)

    add(3)
    with django_assert_max_num_queries(8):
        assert len(titles(client.get(list_url(consultation, f"?ordre={sort}")))) == 3
    add(27)
    with django_assert_max_num_queries(8):
        assert (
            len(
                titles(
                    client.get(
                        list_url(consultation, f"?ordre={sort}&categorie={categories[0].pk}")
                    )
                )
            )
            == 10
        )
    with django_assert_max_num_queries(8):
        assert len(titles(client.get(list_url(consultation, f"?ordre={sort}")))) == 20


def test_the_consultation_page_shows_the_three_most_supported_and_the_way_to_propose(
    client, consultation
):
    for support in (1, 5, 3, 2):
        ProposalFactory(
            consultation=consultation, title=f"Soutenue {support}", support_count=support
        )
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Soutenue 5" in page and "Soutenue 3" in page and "Soutenue 2" in page
    assert "Soutenue 1" not in page
    assert page.index("Soutenue 5") < page.index("Soutenue 3")
    assert list_url(consultation) in page
    assert reverse("consultations:propose", args=[consultation.slug]) in page


def test_similar_titles_ignore_accents_case_and_common_words(client, consultation):
    ProposalFactory(consultation=consultation, title="Créer un JARDIN partagé", support_count=2)
    ProposalFactory(consultation=consultation, title="Jardin partagé à l'école", support_count=1)
    ProposalFactory(consultation=consultation, title="Réparer le pont")
    ProposalFactory(consultation=consultation, title="Jardin caché", status=Proposal.Status.HIDDEN)
    url = reverse("consultations:similar", args=[consultation.slug])
    response = client.get(url, {"titre": "un jardin partage pour les enfants"})
    assert response.status_code == 200
    found = [similar.title for similar in response.context["similar"]]
    assert found == ["Créer un JARDIN partagé", "Jardin partagé à l'école"]
    assert 'name="similar_seen"' in response.content.decode()
    # The box of the form sends `title`.
    assert len(client.get(url, {"title": "Jardin"}).context["similar"]) == 2
    for nothing in ("", "le la les", "x" * 400):
        response = client.get(url, {"titre": nothing})
        assert response.status_code == 200
        assert response.context["similar"] == []


def test_similar_titles_list_five_at_most(client, consultation):
    for number in range(8):
        ProposalFactory(consultation=consultation, title=f"Haie numéro {number}")
    response = client.get(
        reverse("consultations:similar", args=[consultation.slug]), {"titre": "haie"}
    )
    assert len(response.context["similar"]) == 5


def test_similar_titles_share_most_words_first_then_most_support(client, consultation):
    ProposalFactory(consultation=consultation, title="Une haie", support_count=50)
    ProposalFactory(consultation=consultation, title="Une haie près du stade", support_count=1)
    ProposalFactory(consultation=consultation, title="Le stade", support_count=9)
    ProposalFactory(consultation=consultation, title="Une haie", status=Proposal.Status.UNCONFIRMED)
    ProposalFactory(title="Une haie près du stade")  # another consultation's
    response = client.get(
        reverse("consultations:similar", args=[consultation.slug]),
        {"titre": "une haie près du stade"},
    )
    assert [(similar.title, similar.common) for similar in response.context["similar"]] == [
        ("Une haie près du stade", 3),
        ("Une haie", 1),
        ("Le stade", 1),
    ]


def test_similar_titles_read_a_bounded_number_of_proposals_a_word(
    client, consultation, monkeypatch
):
    """A word held by many proposals gives its newest ones only (`SIMILAR_PER_WORD`):
    what a request reads does not grow with the consultation."""
    monkeypatch.setattr(queries, "SIMILAR_PER_WORD", 3)
    hedges = [ProposalFactory(consultation=consultation, title=f"Haie {n}") for n in range(6)]
    ProposalFactory(consultation=consultation, title="Haie", status=Proposal.Status.HIDDEN)
    found = queries.similar_proposals(consultation, "haie verger")
    assert sorted(similar.pk for similar in found) == sorted(h.pk for h in hedges[-3:])


def test_similar_titles_walk_the_words_index_newest_first(client, consultation):
    """With the words of thousands of proposals (and the planner's statistics), each
    word's newest are read from the index, not found by a scan and a sort."""
    other = ConsultationFactory()
    words = ("haie", "verger", "jardin", "chemin", "pont", "stade", "lavoir", "mare")
    created = Proposal.objects.bulk_create(
        Proposal(
            consultation=consultation if number % 2 else other,
            part=Proposal.Part.IDEAS,
            status=Proposal.Status.PUBLISHED,
            title=f"{words[number % 8]} {words[number // 8 % 8]} {number}",
            text="Une idée.",
        )
        for number in range(3000)
    )
    ProposalWord.objects.bulk_create(
        [word for proposal in created for word in ProposalWord.of(proposal)]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    url = reverse("consultations:similar", args=[consultation.slug])
    response, reads = page_reads(
        client, url, "consultations_proposalword", data={"titre": "haie verger"}
    )
    assert len(response.context["similar"]) == queries.SIMILAR_MAX
    assert len(reads) == 1
    plan = query_plan(reads[0])
    assert "proposal_word_newest" in plan, plan
    assert not sorts_everything(plan), plan


def test_a_title_s_words_follow_the_title(consultation):
    proposal = ProposalFactory(consultation=consultation, title="Planter une haie")
    assert set(proposal.words.values_list("word", flat=True)) == {"planter", "haie"}
    proposal.title = "Réparer le lavoir"
    proposal.save()
    assert set(proposal.words.values_list("word", flat=True)) == {"reparer", "lavoir"}
    # A save of other fields leaves the words alone (no query for them).
    proposal.status = Proposal.Status.HIDDEN
    with CaptureQueriesContext(connection) as captured:
        proposal.save(update_fields=["status"])
    assert len(captured) == 1
    proposal.delete()
    assert not ProposalWord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_proposal_its_title_s_words_and_back(consultation):
    from django.core.management import call_command

    for title in ("Une haie au stade", "Le lavoir"):
        ProposalFactory(consultation=consultation, title=title)
    call_command("migrate", "consultations", "0008", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT title_key FROM consultations_proposal ORDER BY title_key")
        assert [row[0] for row in cursor.fetchall()] == [" haie stade ", " lavoir "]
    call_command("migrate", "consultations", verbosity=0)
    assert sorted(ProposalWord.objects.values_list("word", flat=True)) == [
        "haie",
        "lavoir",
        "stade",
    ]
    assert len(queries.similar_proposals(consultation, "la haie")) == 1


def test_similar_titles_of_a_draft_consultation_are_404(client):
    consultation = ConsultationFactory(published=False)
    url = reverse("consultations:similar", args=[consultation.slug])
    assert client.get(url, {"titre": "haie"}).status_code == 404


def test_the_list_leads_to_the_map_of_the_proposals(client, consultation):
    page = client.get(list_url(consultation)).content.decode()
    assert "Les voir sur la carte" in page
    assert reverse("consultations:map", args=[consultation.slug]) in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_proposal_there_its_own_place_in_the_circle(consultation):
    from django.core.management import call_command

    for _ in range(20):
        ProposalFactory(consultation=consultation)
    call_command("migrate", "consultations", "0007", verbosity=0)
    call_command("migrate", "consultations", verbosity=0)
    keys = list(Proposal.objects.values_list("shuffle_key", flat=True))
    assert len(keys) == 20 and len(set(keys)) == 20
    assert all(0 <= key < queries.SEED_LIMIT for key in keys)
