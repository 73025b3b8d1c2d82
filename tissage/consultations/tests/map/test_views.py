"""The participatory map: the page (and its list without JavaScript) and its data."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.consultations.models import Category, Consultation, Proposal
from tissage.consultations.tests.factories import (
    CategoryFactory,
    ConsultationFactory,
    ProposalFactory,
)
from tissage.core.tests.factories import ProjectFactory, user_with_role
from tissage.core.tests.matrices import (
    DRAFT_SEEN_BY_TEAM,
    EVERYONE,
    OK,
    SEEN_BY_STAFF,
    assert_answer,
)
from tissage.inventories.map import data as inventory_map
from tissage.projects.models import Project
from tissage.territories.models import Commune

pytestmark = pytest.mark.django_db

VIEW = "5.0,44.0,5.2,44.2"


def _remark(consultation: Consultation, i: int = 0, **fields) -> Proposal:  # type: ignore[no-untyped-def]
    return ProposalFactory(
        consultation=consultation,
        part=Proposal.Part.MAP,
        longitude=5.05 + (i % 10) * 0.001,
        latitude=44.05 + (i // 10) * 0.001,
        **fields,
    )


def _as(client, role: str, consultation: Consultation) -> None:  # type: ignore[no-untyped-def]
    user = user_with_role(role, consultation.project)
    if user is not None:
        client.force_login(user)


def _map(consultation: Consultation) -> str:
    return reverse("consultations:map", args=[consultation.slug])


def _data(consultation: Consultation, **query: str):  # type: ignore[no-untyped-def]
    return reverse("consultations:map_data", args=[consultation.slug]), query


# --- Who sees it ----------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_the_map_of_a_published_consultation_is_for_everyone(client, role, expected):
    consultation = ConsultationFactory()
    _as(client, role, consultation)
    assert_answer(client.get(_map(consultation)), expected)
    url, query = _data(consultation, bbox=VIEW, zoom="12")
    assert_answer(client.get(url, query), expected)


@pytest.mark.parametrize(("role", "expected"), SEEN_BY_STAFF)
def test_the_map_of_a_draft_consultation_is_for_who_runs_it(client, role, expected):
    consultation = ConsultationFactory(published=False)
    _as(client, role, consultation)
    assert_answer(client.get(_map(consultation)), expected)
    url, query = _data(consultation, bbox=VIEW, zoom="12")
    response = client.get(url, query)
    assert_answer(response, expected)
    if expected == OK:
        assert response["Cache-Control"] == "private, max-age=60"


@pytest.mark.parametrize(("role", "expected"), DRAFT_SEEN_BY_TEAM)
def test_the_map_of_a_draft_project_is_for_its_team(client, role, expected):
    consultation = ConsultationFactory(project=ProjectFactory(status=Project.Status.DRAFT))
    _as(client, role, consultation)
    assert_answer(client.get(_map(consultation)), expected)


# --- The page -------------------------------------------------------------------------


def test_the_page_lists_what_is_placed_with_kind_commune_and_supports(client):
    consultation = ConsultationFactory()
    hedge = CategoryFactory(consultation=consultation, part=Category.Part.MAP, name="Haie")
    commune = Commune.objects.create(
        insee_code="26001", name="Albon", department="26", geometry={}, min_lon=5.0,
        min_lat=44.0, max_lon=5.1, max_lat=44.1,
    )  # fmt: skip
    _remark(consultation, title="Le long du chemin", category=hedge, commune=commune,
            support_count=3)  # fmt: skip
    _remark(consultation, 1, title="Remarque cachée", status=Proposal.Status.HIDDEN)
    ProposalFactory(consultation=consultation, title="Idée sans lieu")
    page = client.get(_map(consultation)).content.decode()
    assert "Le long du chemin" in page
    assert "Haie · Albon · 3 soutiens" in page
    assert "Remarque cachée" not in page
    assert "Idée sans lieu" not in page
    # The legend names the kinds, with their colours.
    assert 'map-swatch map-kind-k0" aria-hidden="true"></span> Haie' in page
    assert reverse("consultations:proposal", args=[1]).replace("/1/", "/{id}/") in page


def test_the_list_is_paginated_and_a_bad_page_number_shows_a_page(client):
    consultation = ConsultationFactory()
    for i in range(25):
        _remark(consultation, i, title=f"Remarque {i:02}")
    first = client.get(_map(consultation)).content.decode()
    assert "Remarque 24" in first and "Remarque 04" not in first
    second = client.get(_map(consultation), {"page": "2"}).content.decode()
    assert "Remarque 04" in second and "Remarque 24" not in second
    assert client.get(_map(consultation), {"page": "abc"}).status_code == 200
    assert client.get(_map(consultation), {"page": "999"}).status_code == 200


def test_an_open_consultation_offers_to_place_a_remark_a_closed_one_does_not(client):
    consultation = ConsultationFactory()
    propose = reverse("consultations:propose", args=[consultation.slug])
    page = client.get(_map(consultation)).content.decode()
    assert f'href="{propose}?partie=carte"' in page
    assert f'data-propose-url="{propose}"' in page
    today = timezone.localdate()
    consultation.closes_on = today - datetime.timedelta(days=1)
    consultation.opens_on = today - datetime.timedelta(days=10)
    consultation.save()
    page = client.get(_map(consultation)).content.decode()
    assert propose not in page


def test_a_consultation_without_the_map_part_offers_no_remark(client):
    consultation = ConsultationFactory(map_enabled=False)
    page = client.get(_map(consultation)).content.decode()
    assert reverse("consultations:propose", args=[consultation.slug]) not in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    consultation = ConsultationFactory()
    kinds = [
        CategoryFactory(consultation=consultation, part=Category.Part.MAP, name=f"Sorte {i}")
        for i in range(3)
    ]
    for i in range(size):
        _remark(consultation, i, category=kinds[i % 3])
    with django_assert_max_num_queries(10):
        response = client.get(_map(consultation))
    assert response.content.decode().count('class="card"') == min(size, 20)


# --- The data -------------------------------------------------------------------------


def test_the_data_gives_the_points_in_view_with_their_kind_colour_and_supports(client):
    consultation = ConsultationFactory()
    hedge = CategoryFactory(consultation=consultation, part=Category.Part.MAP, name="Haie")
    remark = _remark(consultation, category=hedge, support_count=2, title="Haie ici")
    idea = ProposalFactory(consultation=consultation, longitude=5.1, latitude=44.1)
    _remark(consultation, 3, status=Proposal.Status.HIDDEN)
    ProposalFactory(consultation=consultation, longitude=6.0, latitude=45.0)  # out of view
    _remark(ConsultationFactory())  # another consultation
    url, query = _data(consultation, bbox=VIEW, zoom="12")
    response = client.get(url, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Cache-Control"] == "public, max-age=60"
    data = response.json()
    assert data["kind"] == "points" and data["total"] == 2
    by_id = {f["properties"]["id"]: f for f in data["features"]}
    assert by_id[remark.pk]["properties"] == {
        "id": remark.pk,
        "title": "Haie ici",
        "part": "map",
        "category": "Haie",
        "colour": "k0",
        "supports": 2,
    }
    assert by_id[remark.pk]["geometry"]["coordinates"] == [5.05, 44.05]
    assert by_id[idea.pk]["properties"]["colour"] == "idea"


def test_many_points_are_grouped_in_clusters_that_add_up(client, monkeypatch):
    monkeypatch.setattr(inventory_map, "POINT_LIMIT", 10)
    consultation = ConsultationFactory()
    for i in range(30):
        _remark(consultation, i)
    url, query = _data(consultation, bbox="4.0,43.0,6.0,45.0", zoom="8")
    data = client.get(url, query).json()
    assert data["kind"] == "clusters"
    assert data["total"] == 30
    assert sum(f["properties"]["count"] for f in data["features"]) == 30


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"bbox": "-200,44,5,45", "zoom": "8"}, "bbox"),
        ({"bbox": "5,95,6,96", "zoom": "8"}, "bbox"),
        ({"bbox": "5,44,6", "zoom": "8"}, "bbox"),
        ({"bbox": "a,b,c,d", "zoom": "8"}, "bbox"),
        ({"zoom": "8"}, "bbox"),
        ({"bbox": VIEW, "zoom": "abc"}, "zoom"),
        ({"bbox": VIEW, "zoom": "-1"}, "zoom"),
        ({"bbox": VIEW, "zoom": "99"}, "zoom"),
        ({"bbox": VIEW}, "zoom"),
    ],
)
def test_bad_parameters_get_a_clear_400(client, query, field):
    consultation = ConsultationFactory()
    url, _ = _data(consultation)
    response = client.get(url, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][field]


def test_the_data_of_a_missing_consultation_is_404(client):
    response = client.get(
        reverse("consultations:map_data", args=["nothing-here"]), {"bbox": VIEW, "zoom": "8"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_the_data_reads_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, monkeypatch, size
):
    monkeypatch.setattr(inventory_map, "POINT_LIMIT", 10)
    consultation = ConsultationFactory()
    for i in range(size):
        _remark(consultation, i)
    url, query = _data(consultation, bbox=VIEW, zoom="10")
    with django_assert_max_num_queries(6):
        data = client.get(url, query).json()
    assert data["total"] == size
    assert data["kind"] == ("points" if size <= 10 else "clusters")


# --- The part on the consultation page -------------------------------------------------


def test_the_consultation_page_presents_the_map_its_kinds_and_count(client):
    consultation = ConsultationFactory()
    CategoryFactory(consultation=consultation, part=Category.Part.MAP, name="Où planter une haie")
    CategoryFactory(consultation=consultation, part=Category.Part.MAP, name="Passage dangereux")
    _remark(consultation)
    _remark(consultation, 1)
    page = client.get(reverse("consultations:detail", args=[consultation.slug])).content.decode()
    assert "Où planter une haie, Passage dangereux" in page
    assert "2 remarques et propositions placées sur la carte" in page
    assert f'class="button" href="{_map(consultation)}"' in page


def test_a_closed_consultation_page_shows_the_map_without_inviting_to_place(client):
    today = timezone.localdate()
    consultation = ConsultationFactory(
        opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1)
    )
    page = client.get(reverse("consultations:detail", args=[consultation.slug])).content.decode()
    assert f'<a href="{_map(consultation)}">' in page
    assert f'class="button" href="{_map(consultation)}"' not in page
