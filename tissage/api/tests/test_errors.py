"""Every 4xx is JSON with a message in the request's language: French unless
Accept-Language asks for English; hidden things are 404 exactly like unknown ones."""

import pytest

from tissage.actions.models import Action
from tissage.api.tests.builders import an_action
from tissage.core.tests.factories import ProjectFactory
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db

# The territories' own message for a box, translated in the catalogue already.
BOX_FR = "bbox est formé de quatre nombres"
BOX_EN = "bbox is four numbers separated by commas"


def test_a_bad_query_is_answered_in_french_by_default_and_in_english_when_asked(client):
    french = client.get("/api/v1/actions?bbox=nord")
    english = client.get("/api/v1/actions?bbox=nord", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    german = client.get("/api/v1/actions?bbox=nord", HTTP_ACCEPT_LANGUAGE="de")

    assert french.status_code == english.status_code == 400
    assert french.json()["errors"][0]["message"].startswith(BOX_FR)
    assert english.json()["errors"][0]["message"].startswith(BOX_EN)
    assert german.json()["errors"][0]["message"].startswith(BOX_FR)
    assert BOX_FR in french.json()["message"]


def test_a_hidden_object_answers_exactly_as_an_unknown_one(client):
    draft = an_action(status=Action.Status.DRAFT)
    of_draft = an_action(ProjectFactory(status=Project.Status.DRAFT))

    answers = {
        client.get(f"/api/v1/actions/{slug}", HTTP_ACCEPT_LANGUAGE="en").content
        for slug in (draft.slug, of_draft.slug, "jamais-vue")
    }

    assert len(answers) == 1
    assert b"Nothing here" in answers.pop()


def test_nothing_is_saved_and_nothing_answers_a_write(client):
    response = client.post("/api/v1/projects", {"title": "Nouveau"})

    assert response.status_code == 405
    assert Project.objects.count() == 0
