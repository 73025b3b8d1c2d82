"""The one rule for a visitor who may not do something (core.access)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from tissage.core.access import SignInRequired, require, signs_in_back_to
from tissage.core.tests.factories import ProjectFactory, UserFactory


def _request(user=None, method="get", path="/projets/x/rejoindre/"):
    request = getattr(RequestFactory(), method)(path)
    request.user = user or AnonymousUser()
    return request


def test_require_lets_through_what_is_allowed():
    assert require(_request(), True) is None


def test_require_asks_an_anonymous_visitor_to_sign_in():
    with pytest.raises(SignInRequired):
        require(_request(), False)


@pytest.mark.django_db
def test_require_refuses_a_signed_in_person():
    with pytest.raises(PermissionDenied):
        require(_request(UserFactory()), False)


@pytest.mark.django_db
def test_the_middleware_sends_an_anonymous_visitor_to_sign_in_and_back(client):
    project = ProjectFactory()
    response = client.get(f"/projets/{project.slug}/modifier/?onglet=2")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/compte/connexion/?next=/projets/{project.slug}/modifier/%3Fonglet%3D2"
    )


def test_a_post_only_view_sends_back_to_the_page_holding_its_form():
    @signs_in_back_to("projects:detail", "slug")
    def join(request, slug):
        raise SignInRequired

    response = join(_request(method="post"), slug="le-verger")
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/?next=/projets/le-verger/"


def test_signs_in_back_to_changes_nothing_else():
    @signs_in_back_to("projects:detail", "slug")
    def view(request, slug):
        return HttpResponse(slug)

    assert view(_request(), slug="ok").content == b"ok"

    @signs_in_back_to("projects:detail", "slug")
    def refusing(request, slug):
        raise PermissionDenied

    with pytest.raises(PermissionDenied):
        refusing(_request(), slug="ok")


@pytest.mark.django_db
def test_a_link_problem_is_a_400_page_that_says_why_and_is_not_indexed(client):
    response = client.get("/actions/annuler/not-a-token/")
    assert response.status_code == 400
    assert "core/link_problem.html" in [t.name for t in response.templates]
    assert "Copiez le lien en entier" in response.text  # French unless chosen otherwise
    assert '<meta name="robots" content="noindex">' in response.text
