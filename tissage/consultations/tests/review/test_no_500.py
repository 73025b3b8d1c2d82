"""Every address of the app, asked with garbage by every kind of visitor, never answers
500: ids out of range, bad tokens, unexpected methods, garbage query strings and forms.

The sweep walks the app's URL patterns themselves, so a page added later is swept too.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tissage.consultations.models import Question
from tissage.core.tests.factories import UserFactory

from ..factories import CommentFactory, ProposalFactory
from ..questionnaires.factories import AccessCodeFactory, QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db

GARBAGE = {
    "page": "-1e999",
    "lat": "nan",
    "lon": "1e999",
    "partie": "carte",
    "pour": "autrui",
    "ordre": "\x00",
    "category": "99999999999999999999999",
    "commune": "\u202e" * 50,
    "bbox": "a,b,c,d",
    "zoom": "99999999999999999999",
    "titre": "x" * 3000,
    "code": "é" * 60,
    "next": "https://evil.example/",
    "confirmer": "1",
    "direction": "sideways",
    "count": "99999999999999999999",
    "answers": "x",
    "decision": "maybe",
    "action": "retirer",
    "email": "not an address",
    "text": "\x00",
    "title": "",
    "parent": "99999999999999999999",
    "reason": "x" * 5000,
    "longitude": "inf",
    "latitude": "-inf",
}


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            found += _patterns(item, prefix + str(item.pattern))
        else:
            found.append((prefix + str(item.pattern), item))
    return found


def consultation_routes() -> list[str]:
    resolver = get_resolver()
    routes = []
    for route, _pattern in _patterns(resolver):
        if route.startswith("consultations/"):
            routes.append(route)
    return sorted(set(routes))


def _fill(route: str, values: dict[str, str]) -> str:
    path = route
    for name, value in values.items():
        path = path.replace(name, value)
    return "/" + path


@pytest.fixture
def world(consultation, facilitator):
    proposal = ProposalFactory(consultation=consultation)
    comment = CommentFactory(proposal=proposal)
    questionnaire = QuestionnaireFactory(consultation=consultation)
    for position, kind in enumerate(Question.Kind.values):
        choices = ["Un", "Deux", "Trois"] if "choice" in kind or kind == "ranking" else []
        QuestionFactory(questionnaire=questionnaire, kind=kind, choices=choices, position=position)
    AccessCodeFactory()
    return {
        "consultation": consultation,
        "proposal": proposal,
        "comment": comment,
        "questionnaire": questionnaire,
        "question": questionnaire.questions.first(),
    }


@pytest.mark.parametrize("who", ["anonymous", "participant", "facilitator"])
def test_no_address_answers_500(client, world, facilitator, who):
    if who == "participant":
        client.force_login(UserFactory())
    elif who == "facilitator":
        client.force_login(facilitator)
    routes = consultation_routes()
    assert len(routes) > 30
    ids = {
        "<int:pk>": [
            str(world["proposal"].pk),
            str(world["comment"].pk),
            str(world["questionnaire"].pk),
            str(world["question"].pk),
            "0",
            "99999999999999999999",
        ],
    }
    tried = 0
    for route in routes:
        variants = []
        for pk in ids["<int:pk>"]:
            variants.append(
                _fill(
                    route,
                    {
                        "<consultation_slug:slug>": world["consultation"].slug,
                        "<slug:project_slug>": world["consultation"].project.slug,
                        "<slug:slug>": world["consultation"].slug,
                        "<int:pk>": pk,
                        "<proposal_photo_size:size>": "image",
                        "<uuid:key>": "5b1f5a3e-6a43-4f4e-9a8e-2b3f0f8a0c11",
                        "<str:token>": "garbage:token",
                        "<questionnaire_format:fmt>": "csv",
                    },
                )
            )
        for path in set(variants):
            for method in ("get", "post", "put"):
                response = getattr(client, method)(
                    path, GARBAGE if method != "put" else "", secure=True
                )
                tried += 1
                assert response.status_code < 500, (method, path, response.status_code)
    assert tried > 100
