"""Finding a commune: suggestions while typing (an HTMX fragment) and the communes of a
department, the way without JavaScript."""

from __future__ import annotations

import re

import factory
import pytest

from tissage.core.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

SUGGESTIONS = "/communes/suggestions/"
COMMUNES = "/communes/"


@pytest.fixture
def gard():
    # Real names and codes, as people type them.
    return [
        CommuneFactory(name="Nîmes", insee_code="30189"),
        CommuneFactory(name="Saint-Jean-du-Gard", insee_code="30259"),
        CommuneFactory(name="Sainte-Anastasie", insee_code="30243"),
        CommuneFactory(name="Saint-Gilles", insee_code="30258"),
        CommuneFactory(name="L’Estréchure", insee_code="30108"),
        CommuneFactory(name="Alès", insee_code="30007"),
        CommuneFactory(name="Ajaccio", insee_code="2A004", department="2A"),
    ]


def suggested(client, **params) -> list[str]:
    response = client.get(SUGGESTIONS, params)
    assert response.status_code == 200
    return re.findall(r'<option value="([^"]*)">', response.content.decode())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nimes", ["Nîmes (30189)"]),
        ("NÎM", ["Nîmes (30189)"]),
        ("ni", ["Nîmes (30189)"]),
        ("st j", ["Saint-Jean-du-Gard (30259)"]),
        ("saint-g", ["Saint-Gilles (30258)"]),
        ("ste", ["Sainte-Anastasie (30243)"]),
        ("l'estre", ["L’Estréchure (30108)"]),
        ("ales", ["Alès (30007)"]),
        ("3018", ["Nîmes (30189)"]),
        # A code's start lists by code.
        ("302", ["Sainte-Anastasie (30243)", "Saint-Gilles (30258)", "Saint-Jean-du-Gard (30259)"]),
        ("2a", ["Ajaccio (2A004)"]),
        ("Nîmes (30189)", ["Nîmes (30189)"]),  # what choosing a suggestion puts in the box
    ],
)
def test_suggestions_match_a_name_as_typed_or_a_code(client, gard, typed, expected):
    assert suggested(client, q=typed) == expected


def test_the_abbreviation_st_also_begins_other_names(client, gard):
    stenay = CommuneFactory(name="Stenay", insee_code="55502", department="55")

    assert suggested(client, q="st") == [
        "Saint-Gilles (30258)",
        "Saint-Jean-du-Gard (30259)",
        "Sainte-Anastasie (30243)",
        f"Stenay ({stenay.insee_code})",
    ]


def test_the_widget_sends_the_text_under_the_field_name(client, gard):
    assert suggested(client, field="home_commune", home_commune="nîm") == ["Nîmes (30189)"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "n"},
        {"q": "  n  "},
        {"q": "zzzz"},
        {"q": "%%"},
        {"q": "_é"},
        {"q": "nî\x00m"},
        {"q": "'-.  "},
        {"q": "99999"},
        {"q": "n" * 5000},
        {"field": "nothing"},
    ],
)
def test_short_unknown_or_garbage_text_suggests_nothing(client, gard, params):
    assert suggested(client, **params) == []


def test_at_most_ten_suggestions_found_on_one_query(client, django_assert_num_queries):
    CommuneFactory.create_batch(30, name=factory.Sequence(lambda n: f"Villeneuve {n:02d}"))

    with django_assert_num_queries(1) as queries:
        assert len(suggested(client, q="vill")) == 10
    (query,) = queries.captured_queries
    # Never the contours: a suggestion is a name and a code.
    assert "geometry" not in query["sql"]


def test_too_short_a_text_makes_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert suggested(client, q="v") == []


def test_suggestions_may_be_cached_by_the_browser(client, gard):
    assert "max-age=3600" in client.get(SUGGESTIONS, {"q": "ni"})["Cache-Control"]


# The communes of a department ---------------------------------------------------------------


def test_the_communes_of_a_department_by_first_letter(client, gard):
    client.cookies["django_language"] = "en"

    response = client.get(COMMUNES, {"departement": "30"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Communes of department 30</h1>" in page
    assert "Nîmes (30189)" in page and "L’Estréchure (30108)" in page
    assert "Ajaccio" not in page  # another department
    assert re.findall(r'<h2 id="letter-([A-Z])">', page) == ["A", "L", "N", "S"]
    # Alphabetical as people read, accents aside.
    saints = re.findall(r"<li>(Saint[^<]*)</li>", page)
    assert saints == [
        "Saint-Gilles (30258)",
        "Saint-Jean-du-Gard (30259)",
        "Sainte-Anastasie (30243)",
    ]


def test_the_department_is_chosen_among_those_with_communes(client, gard):
    client.cookies["django_language"] = "en"

    page = client.get(COMMUNES).content.decode()

    assert "<h1>Communes by department</h1>" in page
    assert '<option value="30">30 (6 communes)</option>' in page
    assert '<option value="2A">2A (1 commune)</option>' in page
    assert "<h2" not in page  # no list before a choice


def test_an_unknown_department_is_said_so(client, gard):
    client.cookies["django_language"] = "en"

    response = client.get(COMMUNES, {"departement": "99\x00"})

    assert response.status_code == 200
    assert (
        "The platform knows no commune in this department: choose one from the list."
        in response.content.decode()
    )
    assert "Nîmes" not in response.content.decode()


def test_with_one_department_its_communes_are_shown_at_once(client):
    CommuneFactory(name="Nîmes", insee_code="30189")

    assert "Nîmes (30189)" in client.get(COMMUNES).content.decode()


def test_the_list_of_a_department_holds_its_query_count(
    client, gard, django_assert_max_num_queries
):
    CommuneFactory.create_batch(40)

    with django_assert_max_num_queries(2) as queries:
        page = client.get(COMMUNES, {"departement": "30"}).content.decode()
    assert page.count("<li>") >= 46
    assert not any("geometry" in query["sql"] for query in queries.captured_queries)
