"""Core pages: error pages, health check, privacy and legal notice."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_project_gets_the_friendly_404(client):
    response = client.get("/projets/no-such-project/")

    assert response.status_code == 404
    assert "errors/page.html" in [t.name for t in response.templates]
    assert 'href="/"' in response.text
    assert "<html" in response.text
    # Nothing of Django's technical 404 page.
    assert "DEBUG = True" not in response.text
    assert "URLconf" not in response.text
    assert "Traceback" not in response.text


def test_a_404_offers_an_anonymous_visitor_to_sign_in_and_come_back(client):
    """Hidden pages (drafts, members-only content) answer 404: a team member who is not
    signed in yet gets there in one step."""
    response = client.get("/projets/brouillon/?onglet=2")

    assert response.status_code == 404
    assert 'href="/compte/connexion/?next=%2Fprojets%2Fbrouillon%2F%3Fonglet%3D2"' in response.text


def test_a_404_offers_no_sign_in_to_a_signed_in_person(client):
    from tissage.core.tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/projets/brouillon/")

    assert response.status_code == 404
    assert "/compte/connexion/" not in response.text


def test_unknown_address_gets_the_friendly_404(client):
    response = client.get("/nowhere/at/all/")

    assert response.status_code == 404
    assert "errors/page.html" in [t.name for t in response.templates]
    assert "URLconf" not in response.text


def test_forbidden_page_is_friendly(client):
    from tissage.core.tests.factories import ProjectFactory, UserFactory

    project = ProjectFactory()
    client.force_login(UserFactory())

    response = client.get(f"/projets/{project.slug}/modifier/")

    assert response.status_code == 403
    assert "errors/page.html" in [t.name for t in response.templates]
    assert 'href="/"' in response.text


def test_server_error_page_needs_nothing(client):
    from tissage.core.views import server_error

    response = server_error(None)  # type: ignore[arg-type]

    assert response.status_code == 500
    assert b'href="/"' in response.content


def test_csrf_failure_is_friendly(db):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post("/compte/connexion/", {"email": "a@example.org"})

    assert response.status_code == 403
    assert "errors/page.html" in [t.name for t in response.templates]


def test_healthz(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.parametrize("url", ["/confidentialite/", "/mentions-legales/"])
def test_privacy_and_legal_pages(client, settings, url):
    settings.LEGAL_PUBLISHER = "Pays Cévennes"

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["legal_publisher"] == "Pays Cévennes"


def test_browser_language_is_ignored(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.text


def test_language_switch_changes_the_pages(client):
    response = client.post("/langue/", {"language": "en", "next": "/projets/"})

    assert response.status_code == 302
    assert response["Location"] == "/projets/"
    response = client.get("/")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.text
