"""Who sees which questionnaire on the consultation page (`access.questionnaires_seen`):
a draft only by who runs the consultation, a published one by everyone who sees it."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import ROLES, user_with_role
from tissage.core.tests.matrices import STAFF

from ..questionnaires.factories import QuestionnaireFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_a_draft_questionnaire_is_listed_only_for_who_runs_it(client, consultation, role, expected):
    assert role in ROLES
    QuestionnaireFactory(consultation=consultation, title="Brouillon secret", published=False)
    QuestionnaireFactory(consultation=consultation, title="Questionnaire ouvert")
    user = user_with_role(role, consultation.project)
    if user is not None:
        client.force_login(user)
    page = client.get(consultation.get_absolute_url())
    assert page.status_code == 200
    assert "Questionnaire ouvert" in page.text
    assert ("Brouillon secret" in page.text) == (expected == "ok")
