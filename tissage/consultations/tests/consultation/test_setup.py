"""Creating and editing a consultation without code, and its categories: what is saved,
and bad input refused next to its field with nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.consultations.models import Category, Consultation
from tissage.consultations.tests.factories import (
    CategoryFactory,
    ConsultationFactory,
    ProposalFactory,
)
from tissage.core.tests.factories import ProjectFactory, ProjectMembershipFactory
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db


def _day(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Les haies du plateau",
        "text": "Où planter **l’hiver prochain** ?",
        "opens_on": _day(1),
        "closes_on": _day(30),
        "answers_until": _day(60),
        "parts": ["proposals", "map"],
        "requires_account": "0",
        "published": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def runner(client):
    """A facilitator of a published project, signed in."""
    project = ProjectFactory()
    user = ProjectMembershipFactory(project=project, role=ProjectMembership.Role.FACILITATOR).user
    client.force_login(user)
    client.project = project
    client.user = user
    return client


def test_a_facilitator_creates_a_draft_consultation(runner):
    response = runner.post(reverse("consultations:create", args=[runner.project.slug]), _data())
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:categories", args=[consultation.slug])
    assert consultation.project == runner.project
    assert consultation.title == "Les haies du plateau"
    assert consultation.published is False
    assert consultation.map_enabled and consultation.proposals_enabled
    assert consultation.requires_account is False
    assert consultation.created_by == runner.user
    assert consultation.answers_until == timezone.localdate() + datetime.timedelta(days=60)
    assert consultation.state() == Consultation.State.DRAFT


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closes_on": _day(0)}, "closes_on", "La date de clôture ne peut pas précéder"),
        ({"answers_until": _day(10)}, "answers_until", "Les réponses officielles viennent après"),
        ({"opens_on": "31/02/2027"}, "opens_on", "Écrivez la date"),
        ({"closes_on": None}, "closes_on", "Donnez le jour de clôture"),
        ({"title": "   "}, "title", "Donnez un titre"),
        ({"text": ""}, "text", "Dites sur quoi porte la consultation"),
        ({"parts": None}, "parts", "Choisissez au moins une partie"),
        ({"parts": ["ailleurs"]}, "parts", "Sélectionnez un choix valide"),
        ({"published": "peut-être"}, "published", "Sélectionnez un choix valide"),
        ({"requires_account": None}, "requires_account", "Choisissez qui participe"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(
    runner, changes, field, message
):
    response = runner.post(
        reverse("consultations:create", args=[runner.project.slug]), _data(**changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    page = response.content.decode()
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert not Consultation.objects.exists()


def test_a_facilitator_edits_and_publishes_it(runner):
    consultation = ConsultationFactory(project=runner.project, published=False)
    url = reverse("consultations:edit", args=[consultation.slug])
    page = runner.get(url).content.decode()
    assert consultation.title in page
    response = runner.post(
        url, _data(title="Nouveau titre", published="1", parts=["proposals"], requires_account="1")
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Nouveau titre"
    assert consultation.published is True
    assert consultation.map_enabled is False
    assert consultation.requires_account is True
    assert consultation.slug in response["Location"]


def test_editing_with_bad_dates_changes_nothing(runner):
    consultation = ConsultationFactory(project=runner.project)
    before = (consultation.opens_on, consultation.closes_on)
    response = runner.post(
        reverse("consultations:edit", args=[consultation.slug]),
        _data(opens_on=_day(10), closes_on=_day(5)),
    )
    assert response.status_code == 200
    consultation.refresh_from_db()
    assert (consultation.opens_on, consultation.closes_on) == before
    assert consultation.title != "Les haies du plateau"


def test_categories_are_added_for_each_part_renamed_and_listed(runner):
    consultation = ConsultationFactory(project=runner.project)
    url = reverse("consultations:categories", args=[consultation.slug])
    assert runner.post(url, {"part": "idea", "name": "Mobilité"}).status_code == 302
    assert runner.post(url, {"part": "map", "name": "Passage dangereux"}).status_code == 302
    assert runner.post(url, {"part": "idea", "name": "Haies"}).status_code == 302
    ideas = Category.objects.filter(consultation=consultation, part="idea")
    assert [(c.name, c.position) for c in ideas] == [("Mobilité", 0), ("Haies", 1)]
    haies = ideas.get(name="Haies")
    edit = reverse("consultations:category_edit", args=[consultation.slug, haies.pk])
    assert runner.post(edit, {"name": "Haies et arbres"}).status_code == 302
    haies.refresh_from_db()
    assert haies.name == "Haies et arbres"
    assert haies.part == "idea"
    page = runner.get(url).content.decode()
    assert "Haies et arbres" in page
    assert "Passage dangereux" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"part": "idea", "name": "mobilité"}, "Il existe déjà une catégorie de ce nom."),
        ({"part": "idea", "name": "  "}, "Donnez un nom à la catégorie."),
        ({"part": "ailleurs", "name": "Eau"}, "Sélectionnez un choix valide."),
    ],
)
def test_a_bad_category_is_refused_next_to_its_field(runner, data, message):
    consultation = ConsultationFactory(project=runner.project)
    CategoryFactory(consultation=consultation, name="Mobilité")
    response = runner.post(reverse("consultations:categories", args=[consultation.slug]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert consultation.categories.count() == 1


def test_the_same_name_may_serve_both_parts(runner):
    consultation = ConsultationFactory(project=runner.project)
    CategoryFactory(consultation=consultation, name="Eau")
    url = reverse("consultations:categories", args=[consultation.slug])
    assert runner.post(url, {"part": "map", "name": "Eau"}).status_code == 302
    assert consultation.categories.count() == 2


def test_deleting_a_category_in_use_says_so_then_leaves_its_proposals_without_one(runner):
    consultation = ConsultationFactory(project=runner.project)
    category = CategoryFactory(consultation=consultation, name="Mobilité")
    proposals = ProposalFactory.create_batch(2, consultation=consultation, category=category)
    url = reverse("consultations:category_delete", args=[consultation.slug, category.pk])
    page = runner.get(url).content.decode()
    assert "2 propositions sont classées sous « Mobilité »" in page
    assert runner.post(url).status_code == 302
    assert not Category.objects.filter(pk=category.pk).exists()
    for proposal in proposals:
        proposal.refresh_from_db()
        assert proposal.category is None


def test_the_project_page_offers_to_start_a_consultation_to_who_runs_it(client, runner):
    url = runner.project.get_absolute_url()
    create = reverse("consultations:create", args=[runner.project.slug])
    page = runner.get(url).content.decode()
    assert "Lancer une consultation" in page
    assert create in page
    client.logout()
    page = client.get(url).content.decode()
    assert create not in page
    assert "Lancer une consultation" not in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_categories_page_reads_a_fixed_number_of_queries(
    runner, django_assert_max_num_queries, size
):
    consultation = ConsultationFactory(project=runner.project)
    for i in range(size):
        category = CategoryFactory(consultation=consultation, part=("idea", "map")[i % 2])
        ProposalFactory(consultation=consultation, category=category)
    with django_assert_max_num_queries(7):
        response = runner.get(reverse("consultations:categories", args=[consultation.slug]))
    assert sum(len(part["categories"]) for part in response.context["parts"]) == size
