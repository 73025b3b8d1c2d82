"""The base layout's header and footer (core.layout, issue #20): kept for anonymous
visitors, with their own CSRF token and their own path filled in, the current menu entry
marked, and never kept for a signed-in person."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SWITCH = re.compile(
    r'<form class="lang-switch" action="/langue/" method="post">\s*'
    r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">\s*'
    r'<input type="hidden" name="next" value="([^"]*)">'
)
CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')


def header(client: Client, url: str) -> tuple[str, str, list[str], str]:
    """(CSRF token, `next` of the language switch, menu entries marked current, page)."""
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    switch = SWITCH.search(page)
    assert switch is not None, page
    nav = page[page.index('<header class="site-header">') : page.index("</header>")]
    return switch[1], switch[2], CURRENT.findall(nav), page


def test_each_visitor_switches_language_with_their_own_token_back_to_their_page():
    url = reverse("projects:list") + "?q=jardins&tri=<recent>"
    visitors = [Client(enforce_csrf_checks=True) for _ in range(3)]
    seen = [header(visitor, url) for visitor in visitors]

    for visitor, (token, back, _current, page) in zip(visitors, seen, strict=True):
        assert "\ue000" not in page and "\ue001" not in page  # every hole filled
        assert back == "/projets/?q=jardins&amp;tri=%3Crecent%3E"
        response = visitor.post(
            "/langue/", {"csrfmiddlewaretoken": token, "language": "en", "next": "/projets/"}
        )
        assert response.status_code == 302, response.status_code
        assert response.cookies["django_language"].value == "en"
    assert len({cookie.cookies["csrftoken"].value for cookie in visitors}) == 3


def test_the_menu_marks_the_page_s_own_entry(client):
    pages = [
        ("/", ["/"]),
        ("/actions/", ["/actions/"]),
        ("/collectifs/", ["/collectifs/"]),
        ("/compte/connexion/", ["/compte/connexion/"]),
        ("/mentions-legales/", []),
    ]
    for _visit in range(2):  # rendered, then kept: one header per entry
        for url, current in pages:
            assert header(client, url)[2] == current, url


def test_a_signed_in_person_s_header_is_their_own():
    anonymous = Client()
    page = header(anonymous, "/actions/")[3]
    assert reverse("accounts:my_space") not in page

    person = Client()
    person.force_login(UserFactory())
    _token, back, current, page = header(person, "/actions/")
    assert reverse("accounts:my_space") in page and reverse("engagement:list") in page
    assert current == ["/actions/"] and back == "/actions/"
    assert reverse("accounts:sign_in") not in page[: page.index("</header>")]


def test_the_platform_s_name_and_the_language_make_other_headers(client, settings):
    first = header(client, "/actions/")[3]
    assert '<a class="brand" href="/">' in first
    settings.PLATFORM_NAME = "Tissons la Drôme"
    renamed = header(client, "/actions/")[3]
    assert '<a class="brand" href="/">Tissons la Drôme</a>' in renamed
    assert "Tissons la Drôme is free software" in renamed or "Tissons la Drôme est" in renamed

    client.cookies["django_language"] = "en"
    english = header(client, "/actions/")[3]
    assert ">Sign in<" in english and ">Se connecter<" not in english
