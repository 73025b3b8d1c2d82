"""Who may create, edit and set up a consultation (docs/permissions.md): who runs the
project; a draft project's outsiders get 404 once signed in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.consultations.tests.factories import CategoryFactory, ConsultationFactory
from tissage.core.tests.factories import ProjectFactory, user_with_role
from tissage.core.tests.matrices import (
    OK,
    STAFF,
    STAFF_DRAFT,
    STAFF_HIDDEN,
    assert_answer,
)
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


def _as(client, role, project):  # type: ignore[no-untyped-def]
    user = user_with_role(role, project)
    if user is not None:
        client.force_login(user)
    return client


def _pages(consultation):  # type: ignore[no-untyped-def]
    category = CategoryFactory(consultation=consultation)
    slug = consultation.slug
    return [
        reverse("consultations:edit", args=[slug]),
        reverse("consultations:categories", args=[slug]),
        reverse("consultations:category_edit", args=[slug, category.pk]),
        reverse("consultations:category_delete", args=[slug, category.pk]),
    ]


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_who_may_start_a_consultation(client, role, expected):
    project = ProjectFactory()
    response = _as(client, role, project).get(reverse("consultations:create", args=[project.slug]))
    assert_answer(response, expected)


@pytest.mark.parametrize(("role", "expected"), STAFF_DRAFT)
def test_who_may_start_a_consultation_in_a_draft_project(client, role, expected):
    project = ProjectFactory(status=Project.Status.DRAFT)
    response = _as(client, role, project).get(reverse("consultations:create", args=[project.slug]))
    assert_answer(response, expected)


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_who_may_set_a_published_consultation_up(client, role, expected):
    consultation = ConsultationFactory()
    client = _as(client, role, consultation.project)
    for url in _pages(consultation):
        assert_answer(client.get(url), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF_HIDDEN)
def test_who_may_set_a_draft_consultation_up(client, role, expected):
    consultation = ConsultationFactory(published=False)
    client = _as(client, role, consultation.project)
    for url in _pages(consultation):
        assert_answer(client.get(url), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF_DRAFT)
def test_who_may_set_up_a_consultation_of_a_draft_project(client, role, expected):
    consultation = ConsultationFactory(project=ProjectFactory(status=Project.Status.DRAFT))
    client = _as(client, role, consultation.project)
    for url in _pages(consultation):
        assert_answer(client.get(url), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_who_may_delete_a_category(client, role, expected):
    consultation = ConsultationFactory()
    category = CategoryFactory(consultation=consultation)
    client = _as(client, role, consultation.project)
    response = client.post(
        reverse("consultations:category_delete", args=[consultation.slug, category.pk])
    )
    assert_answer(response, expected, ok_status=302)
    assert consultation.categories.exists() == (expected != OK)


def test_an_unknown_project_or_consultation_is_not_found(client, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("consultations:create", args=["nulle-part"])).status_code == 404
    assert client.get(reverse("consultations:edit", args=["nulle-part"])).status_code == 404


def test_a_category_of_another_consultation_is_not_found(client, consultation, facilitator):
    client.force_login(facilitator)
    other = CategoryFactory()
    url = reverse("consultations:category_edit", args=[consultation.slug, other.pk])
    assert client.get(url).status_code == 404
