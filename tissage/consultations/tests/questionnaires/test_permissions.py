"""The role-by-view matrix of the questionnaires (docs/permissions.md)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.consultations.models import Question, Questionnaire
from tissage.core.tests.factories import ROLES, ProjectFactory, user_with_role
from tissage.core.tests.matrices import (
    EVERYONE,
    FORBIDDEN,
    LOGIN,
    OK,
    SEEN_BY_STAFF,
    STAFF,
    STAFF_DRAFT,
    assert_answer,
    matrix,
)
from tissage.projects.models import Project

from ..factories import ConsultationFactory
from .factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db

# Results not public yet: the team only; signing in could help.
RESULTS_NOT_PUBLIC = STAFF
# A members-only questionnaire: its project's members and facilitators answer.
MEMBERS_ANSWER = matrix(
    anonymous=LOGIN,
    participant=FORBIDDEN,
    project_member=OK,
    project_facilitator=OK,
    organisation_facilitator=FORBIDDEN,
    organisation_admin=FORBIDDEN,
    superuser=FORBIDDEN,
)
CLOSED = matrix(**dict.fromkeys(ROLES, FORBIDDEN))


def login(client, role, questionnaire):  # type: ignore[no-untyped-def]
    user = user_with_role(role, questionnaire.consultation.project)
    if user is not None:
        client.force_login(user)
    return user


def make(**fields):  # type: ignore[no-untyped-def]
    item = QuestionnaireFactory(**fields)
    QuestionFactory(questionnaire=item, kind=Question.Kind.TEXT, label="Une idée ?")
    return item


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_a_published_questionnaire_is_seen_by_everyone(client, role, expected):
    item = make()
    login(client, role, item)
    assert_answer(client.get(reverse("consultations:questionnaire", args=[item.pk])), expected)
    assert_answer(client.get(reverse("consultations:code")), expected)
    assert_answer(
        client.get(reverse("consultations:questionnaire_thanks", args=[item.pk])), expected
    )


@pytest.mark.parametrize(("role", "expected"), SEEN_BY_STAFF)
def test_an_unpublished_questionnaire_is_for_the_team(client, role, expected):
    item = make(published=False)
    login(client, role, item)
    assert_answer(client.get(reverse("consultations:questionnaire", args=[item.pk])), expected)


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_anyone_answers_a_questionnaire_open_to_anyone(client, role, expected):
    item = make()
    login(client, role, item)
    question = item.questions.get()
    data = {question.field_name: "Un verger", "email": "invite@example.org"}
    response = client.post(reverse("consultations:questionnaire", args=[item.pk]), data)
    assert_answer(response, expected, ok_status=302)


@pytest.mark.parametrize(("role", "expected"), MEMBERS_ANSWER)
def test_a_members_questionnaire_is_answered_by_members(client, role, expected):
    item = make(audience=Questionnaire.Audience.MEMBERS)
    login(client, role, item)
    question = item.questions.get()
    response = client.post(
        reverse("consultations:questionnaire", args=[item.pk]), {question.field_name: "Oui"}
    )
    assert_answer(response, expected, ok_status=302)


@pytest.mark.parametrize(("role", "expected"), CLOSED)
def test_nobody_answers_once_the_consultation_is_closed(client, role, expected):
    today = timezone.localdate()
    consultation = ConsultationFactory(
        opens_on=today - datetime.timedelta(days=10), closes_on=today - datetime.timedelta(days=1)
    )
    item = make(consultation=consultation)
    login(client, role, item)
    question = item.questions.get()
    data = {question.field_name: "Un verger", "email": "invite@example.org"}
    response = client.post(reverse("consultations:questionnaire", args=[item.pk]), data)
    assert_answer(response, expected)


STAFF_PAGES = [
    "questionnaire_manage",
    "questionnaire_edit",
    "question_add",
    "questionnaire_codes",
    "questionnaire_codes_print",
    "questionnaire_paper",
    "questionnaire_assist",
    "questionnaire_moderation",
]


@pytest.mark.parametrize("page", STAFF_PAGES)
@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_the_team_pages_are_for_who_runs_the_consultation(client, role, expected, page):
    item = make()
    login(client, role, item)
    assert_answer(client.get(reverse(f"consultations:{page}", args=[item.pk])), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_creating_and_editing_questions_is_for_the_team(client, role, expected):
    item = make()
    login(client, role, item)
    question = item.questions.get()
    assert_answer(
        client.get(reverse("consultations:questionnaire_create", args=[item.consultation.slug])),
        expected,
    )
    assert_answer(client.get(reverse("consultations:question_edit", args=[question.pk])), expected)
    moved = client.post(
        reverse("consultations:question_move", args=[question.pk]), {"direction": "up"}
    )
    assert_answer(moved, expected, ok_status=302)
    deleted = client.post(reverse("consultations:question_delete", args=[question.pk]))
    assert_answer(deleted, expected, ok_status=302)
    assert Question.objects.filter(pk=question.pk).exists() == (expected != OK)


@pytest.mark.parametrize(("role", "expected"), STAFF_DRAFT)
def test_the_team_pages_of_a_draft_project(client, role, expected):
    consultation = ConsultationFactory(project=ProjectFactory(status=Project.Status.DRAFT))
    item = make(consultation=consultation)
    login(client, role, item)
    response = client.get(reverse("consultations:questionnaire_manage", args=[item.pk]))
    assert_answer(response, expected)


@pytest.mark.parametrize("page", ["questionnaire_results", "questionnaire_export"])
@pytest.mark.parametrize(("role", "expected"), RESULTS_NOT_PUBLIC)
def test_results_are_for_the_team_until_public(client, role, expected, page):
    item = make()
    login(client, role, item)
    args = [item.pk] if page == "questionnaire_results" else [item.pk, "csv"]
    assert_answer(client.get(reverse(f"consultations:{page}", args=args)), expected)


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_public_results_are_for_everyone(client, role, expected):
    item = make(results_public=True)
    login(client, role, item)
    assert_answer(
        client.get(reverse("consultations:questionnaire_results", args=[item.pk])), expected
    )
    assert_answer(
        client.get(reverse("consultations:questionnaire_export", args=[item.pk, "ods"])), expected
    )


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_results_are_public_once_the_consultation_is_closed(client, role, expected):
    today = timezone.localdate()
    consultation = ConsultationFactory(
        opens_on=today - datetime.timedelta(days=10), closes_on=today - datetime.timedelta(days=1)
    )
    item = make(consultation=consultation)
    login(client, role, item)
    assert_answer(
        client.get(reverse("consultations:questionnaire_results", args=[item.pk])), expected
    )


def test_every_role_is_in_the_matrices():
    for table in (SEEN_BY_STAFF, MEMBERS_ANSWER, CLOSED):
        assert [role for role, _ in table] == ROLES


def test_a_bad_export_format_is_not_found(client):
    item = make(results_public=True)
    assert client.get(f"/consultations/questionnaires/{item.pk}/reponses.pdf").status_code == 404
