"""Joining and leaving with HTMX: the call-to-action box is swapped in place."""

import pytest

from tissage.core.tests.factories import ProjectFactory, UserFactory
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db


def test_join_with_htmx_answers_the_box_only(client):
    project = ProjectFactory(status="published")
    user = UserFactory()
    client.force_login(user)

    response = client.post(f"/projets/{project.slug}/rejoindre/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="cta-box" id="cta"')
    assert "<html" not in html
    assert f'action="/projets/{project.slug}/quitter/"' in html
    assert 'role="status"' in html
    assert ProjectMembership.objects.filter(project=project, user=user).count() == 1


def test_leave_with_htmx_offers_to_join_again(client):
    project = ProjectFactory(status="published")
    user = UserFactory()
    ProjectMembership.objects.create(project=project, user=user, role="member")
    client.force_login(user)

    response = client.post(f"/projets/{project.slug}/quitter/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert f'action="/projets/{project.slug}/rejoindre/"' in response.content.decode()
    assert not ProjectMembership.objects.filter(project=project, user=user).exists()


def test_join_without_htmx_still_redirects_to_the_page(client):
    project = ProjectFactory(status="published")
    client.force_login(UserFactory())
    response = client.post(f"/projets/{project.slug}/rejoindre/")
    assert response.status_code == 302
    assert response["Location"] == f"/projets/{project.slug}/"
