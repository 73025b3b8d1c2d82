"""The action page kept for anonymous visitors (core.kept_pages, issue #20): the same page as
one rendered afresh, its places left and CSRF token filled for each request, every change
shown at once, never a visitor's own page kept."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tissage.actions.models import ActionReport, Need, Registration
from tissage.actions.tests.helpers import make_action
from tissage.actions.tests.helpers import register as make_registration
from tissage.core import kept_pages
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def detail_url(action):
    return reverse("actions:detail", kwargs={"slug": action.slug})


def visit(action, **headers):
    """A new anonymous visitor's page: (its HTML, its client, the tokens in it)."""
    client = Client(enforce_csrf_checks=True, **headers)
    response = client.get(detail_url(action))
    assert response.status_code == 200
    page = response.content.decode()
    return page, client, TOKEN.findall(page) + HEADER_TOKEN.findall(page)


def without_tokens(page):
    return HEADER_TOKEN.sub("", TOKEN.sub("", page))


def fresh(action, monkeypatch):
    """The page rendered afresh, the kept pages turned off."""
    with monkeypatch.context() as patch:
        patch.setattr(kept_pages, "may_keep", lambda request: False)
        page, _client, _tokens = visit(action)
    return page


def test_the_kept_page_is_the_page_rendered_afresh(monkeypatch):
    action = make_action(places=5)
    Need.objects.create(action=action, label="Bêches", quantity=4)
    make_registration(action, 1)

    first, _client, _tokens = visit(action)
    kept, _client, _tokens = visit(action)

    assert "\ue000" not in kept and "\ue001" not in kept  # every hole filled
    assert "4 places restantes" in kept  # Planter: 5 places, 1 taken
    assert "Planter — 4 places restantes" in kept  # the form's choice
    assert "Bêches" in kept
    afresh = fresh(action, monkeypatch)
    assert without_tokens(kept) == without_tokens(first) == without_tokens(afresh)


def test_each_visitor_gets_their_own_token_and_registers_with_it():
    action = make_action(places=5)
    role = action.roles.get(name="Planter")
    (_page, client_a, tokens_a), (_page, client_b, tokens_b) = visit(action), visit(action)
    # A token in the form, the language switch and the HTMX header of each page.
    assert len(tokens_a) == 3 and len(set(tokens_a)) == 1
    assert client_a.cookies["csrftoken"].value != client_b.cookies["csrftoken"].value
    for number, (client, tokens) in enumerate(((client_a, tokens_a), (client_b, tokens_b))):
        data = {
            "csrfmiddlewaretoken": tokens[0],
            "name": f"Personne {number}",
            "email": f"personne{number}@example.org",
            "role": role.pk,
            "companions": 0,
        }
        assert client.post(detail_url(action), data).status_code == 302
    assert Registration.objects.filter(status="confirmed").count() == 2


def test_places_left_change_at_once_and_a_full_role_changes_the_page():
    action = make_action(places=2)
    page, _client, _tokens = visit(action)
    assert "Planter — 2 places restantes" in page
    make_registration(action, 1)
    page, _client, _tokens = visit(action)
    assert "Planter — 1 place restante" in page
    assert page.count("1 place restante") == 2  # the list of places and the form
    make_registration(action, 2)
    make_registration(action, 3, role="Accueil et café")
    make_registration(action, 4, role="Accueil et café")
    page, _client, _tokens = visit(action)
    assert "Planter — complet : liste d’attente" in page
    assert '<span class="badge">Complet</span>' in page
    assert "S’inscrire sur la liste d’attente" in page  # every role full: the button says so


@pytest.mark.parametrize(
    ("row", "field", "value"),
    [
        (lambda action: action, "title", "Chantier de murets"),
        (lambda action: action.project, "title", "Murets en pierre sèche"),
        (lambda action: action.project.organisation, "name", "Mairie de Crest"),
    ],
    ids=["action", "project", "organisation"],
)
def test_an_edit_shows_at_once(row, field, value):
    action = make_action()
    before, _client, _tokens = visit(action)
    assert value not in before
    changed = row(action)
    # Only this row changes (`update`: no other row's `updated_at` moves with it).
    type(changed).objects.filter(pk=changed.pk).update(**{field: value})
    after, _client, _tokens = visit(action)
    assert value in after


def test_a_new_need_and_a_role_renamed_show_at_once():
    action = make_action()
    visit(action)
    Need.objects.create(action=action, label="Brouette", quantity=1)
    action.roles.filter(name="Planter").update(name="Planteur")
    page, _client, _tokens = visit(action)
    assert "Brouette" in page and "Planteur — 10 places restantes" in page


def test_messages_signed_in_people_and_query_strings_get_a_page_of_their_own():
    action = make_action(places=5)
    role = action.roles.get(name="Planter")
    visit(action)  # the page is kept
    client = Client()
    response = client.post(
        detail_url(action),
        {"name": "Jeanne", "email": "jeanne@example.org", "role": role.pk, "companions": 0},
        follow=True,
    )
    assert "Vous êtes inscrit ou inscrite" in response.content.decode()

    person = UserFactory(email="paul@example.org", display_name="Paul Martin")
    client.force_login(person)
    page = client.get(detail_url(action)).content.decode()
    assert "Mon espace" in page and 'name="email"' not in page

    # An address with a query string is rendered, never kept: no key per address typed.
    def pages_kept():
        return {key for key in cache._cache if ":page:" in key}  # LocMemCache's own dict

    kept = pages_kept()
    assert kept
    for number in range(3):
        assert Client().get(f"{detail_url(action)}?utm_source={number}").status_code == 200
    assert pages_kept() == kept


def test_the_page_in_english_is_kept_apart():
    action = make_action(places=5)
    french, _client, _tokens = visit(action)
    assert "5 places restantes" in french
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    page = english_client.get(detail_url(action)).content.decode()
    assert "Planter — 5 places left" in page and "5 places left / 5" in page


def test_text_typed_into_the_platform_cannot_make_a_hole():
    action = make_action()
    action.title = "Plantation \ue000csrf\ue001 \ue000left-1\ue001"
    action.save()
    page, _client, tokens = visit(action)
    assert "Plantation \ue000csrf\ue001 \ue000left-1\ue001" in page
    assert all(token not in page.split("<h1")[1].split("</h1>")[0] for token in tokens)


def test_a_page_with_its_report_is_rendered_each_time():
    action = make_action()
    visit(action)
    ActionReport.objects.create(action=action, text="Nous avons planté **120** arbres.")
    page, _client, _tokens = visit(action)
    assert "<strong>120</strong>" in page


def test_a_kept_page_costs_an_anonymous_visitor_one_query(django_assert_num_queries):
    """The action with its roles, their places taken, whether it lists needs and has a
    report: what decides the kept page."""
    action = make_action(places=2)
    for number in range(3):
        make_registration(action, number)
    visit(action)

    with django_assert_num_queries(1):
        page, _client, _tokens = visit(action)

    assert "Complet" in page  # Planter: 2 places, 3 people
    assert "2 places restantes" in page  # Accueil et café


def test_only_pages_open_for_registration_are_kept():
    """What is kept is bounded by the actions people can register for: a closed or past
    action's page is rendered each time."""
    cache.clear()  # what earlier tests of this process kept
    action = make_action(status="cancelled")
    visit(action)
    assert not any(":page:" in key for key in cache._cache)  # LocMemCache's own dict
    open_action = make_action()
    visit(open_action)
    assert any(":page:" in key for key in cache._cache)
