"""Consultations and proposals in site search (consultations.search, /recherche/): only
published consultations of projects the visitor sees, and their published proposals;
never a draft, a hidden proposal or a guest's proposal waiting for its email. Runs on
SQLite (FTS5) and PostgreSQL (french_unaccent full-text search)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.consultations.models import Proposal
from tissage.consultations.tests.factories import ConsultationFactory, ProposalFactory
from tissage.core.tests.factories import ROLES, ProjectFactory, user_with_role
from tissage.core.tests.matrices import DRAFT_SEEN_BY_TEAM, OK
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db

URL = reverse("core:search")

# An anonymous visitor (no session read): one query per kind of result of every app
# (projects, items, actions, collectives, initiatives, wiki, consultations, proposals):
# the consultations' two whatever the number of results.
SEARCH_QUERIES = 8


def found(client, query: str, role: str | None = None, project=None) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    if role is not None:
        user = user_with_role(role, project)
        if user is not None:
            client.force_login(user)
    return kinds(search(client, query))


def kinds(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    results = response.context["results"]
    return {group.kind: [hit.title for hit in group.hits] for group in results.groups}


def search(client, query: str):  # type: ignore[no-untyped-def]
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    return response


def test_a_consultation_is_found_with_its_state_and_dates(client):
    today = timezone.localdate()
    ConsultationFactory(
        title="Avenir du bocage",
        text="Haies et chemins creux.",
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 4, 15),
    )
    assert today > datetime.date(2026, 4, 15)  # the dates above are past: "answering"

    response = search(client, "bocage")

    assert kinds(response) == {"consultations": ["Avenir du bocage"]}
    hit = response.context["results"].groups[0].hits[0]
    assert hit.detail == "Réponses en cours · du 1 mars 2026 au 15 avril 2026"
    page = response.content.decode()
    assert "Réponses en cours · du 1 mars 2026 au 15 avril 2026" in page
    assert 'href="/consultations/' in page


def test_a_consultation_is_found_by_its_text(client):
    ConsultationFactory(title="Notre vallée", text="Les fontaines du village.")

    assert kinds(search(client, "fontaines")) == {"consultations": ["Notre vallée"]}


def test_a_proposal_is_found_with_its_consultation(client):
    consultation = ConsultationFactory(title="Vivre à Anduze")
    ProposalFactory(consultation=consultation, title="Un composteur partagé")
    ProposalFactory(
        consultation=consultation,
        part=Proposal.Part.MAP,
        title="Croisement dangereux",
        text="Un composteur déborde ici.",
        longitude=3.98,
        latitude=44.05,
    )

    response = search(client, "composteur")

    groups = {group.kind: group for group in response.context["results"].groups}
    assert sorted(hit.title for hit in groups["proposals"].hits) == [
        "Croisement dangereux",
        "Un composteur partagé",
    ]
    details = {hit.title: hit.detail for hit in groups["proposals"].hits}
    assert details == {
        "Un composteur partagé": "Vivre à Anduze",
        "Croisement dangereux": "Remarque sur la carte · Vivre à Anduze",
    }
    assert "consultations" not in groups


def test_the_better_match_comes_first(client):
    ProposalFactory(title="Jardin", text="On y parlerait de ruches une fois.")
    ProposalFactory(title="Ruches communales", text="Des ruches, des ruches partout.")

    assert kinds(search(client, "ruches"))["proposals"][0] == "Ruches communales"


@pytest.mark.parametrize("query", ["eglise", "ÉGLISE", "Église  Saint-Jean", "saint jean"])
def test_accents_and_capitals_do_not_matter(client, query):
    consultation = ConsultationFactory(title="L’église Saint-Jean")
    ProposalFactory(consultation=consultation, title="Rouvrir l’Église Saint-Jean")

    assert kinds(search(client, query)) == {
        "consultations": ["L’église Saint-Jean"],
        "proposals": ["Rouvrir l’Église Saint-Jean"],
    }


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_consultation_and_its_proposals_are_found_by_no_one(client, role):
    draft = ConsultationFactory(title="Projet de lavoir", published=False)
    ProposalFactory(consultation=draft, title="Nettoyer le lavoir")

    assert found(client, "lavoir", role, draft.project) == {}


@pytest.mark.parametrize("role", ROLES)
def test_hidden_and_unconfirmed_proposals_are_found_by_no_one(client, role):
    consultation = ConsultationFactory(title="Consultation d’hiver")
    ProposalFactory(
        consultation=consultation, title="Moulin hors sujet", status=Proposal.Status.HIDDEN
    )
    ProposalFactory(
        consultation=consultation,
        title="Moulin d’un invité",
        status=Proposal.Status.UNCONFIRMED,
        author=None,
        author_name="Invité",
        author_email="invite@example.org",
    )

    assert found(client, "moulin", role, consultation.project) == {}


@pytest.mark.parametrize(("role", "expected"), DRAFT_SEEN_BY_TEAM)
def test_a_draft_projects_consultation_is_found_by_its_team_only(client, role, expected):
    project = ProjectFactory(status=Project.Status.DRAFT)
    consultation = ConsultationFactory(project=project, title="Sentier des crêtes")
    ProposalFactory(consultation=consultation, title="Baliser le sentier")

    results = found(client, "sentier", role, project)

    if expected == OK:
        assert results == {
            "consultations": ["Sentier des crêtes"],
            "proposals": ["Baliser le sentier"],
        }
    else:
        assert results == {}


@pytest.mark.parametrize("role", ["anonymous", "participant"])
def test_hidden_text_does_not_leak_into_the_page(client, role):
    consultation = ConsultationFactory(published=False, title="Secret du verger")
    ProposalFactory(consultation=ConsultationFactory(), title="Verger", status="hidden")

    user = user_with_role(role, consultation.project)
    if user is not None:
        client.force_login(user)
    page = search(client, "verger").content.decode()

    main = page.split("<main")[1]
    assert "Rien trouvé pour « verger »" in main
    assert "Secret du verger" not in main
    assert "Verger" not in main


@pytest.mark.parametrize("size", [3, 30])
def test_the_query_count_does_not_grow_with_the_results(
    client, django_assert_max_num_queries, size
):
    for n in range(size):
        consultation = ConsultationFactory(title=f"Garrigue {n}")
        ProposalFactory(consultation=consultation, title=f"Garrigue en fleurs {n}")
        ProposalFactory(
            consultation=consultation,
            part=Proposal.Part.MAP,
            title=f"Garrigue brûlée {n}",
            longitude=3.9,
            latitude=44.0,
        )

    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = search(client, "garrigue")

    groups = {group.kind: group for group in response.context["results"].groups}
    assert len(groups["consultations"].hits) == min(size, 10)
    assert len(groups["proposals"].hits) == min(2 * size, 10)
    assert groups["proposals"].more is (2 * size > 10)
