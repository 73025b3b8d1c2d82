"""htmx only on a page that uses it (base.html's `{% htmx_when_used %}`): a phone's first
visit of a page without any hx-get, hx-post… spares its 15 KB (issue #20)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from tissage.core.tests.factories import ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db

HTMX = "vendor/htmx.min.js"


def head(page: str) -> str:
    return page.split("</head>", 1)[0]


@pytest.mark.parametrize(
    ("fragment", "needed"),
    [
        ('<form hx-post="/suivre/">', True),
        ('<span hx-get="/a-traiter/" hx-trigger="load">', True),
        ('<input data-hx-get="/communes/suggestions/">', True),
        ('<body hx-headers=\'{"X-CSRFToken": "x"}\'><a href="/">', False),
        ("<p>Les attributs hx-get servent à…</p>", False),
    ],
)
def test_htmx_s_script_is_written_in_the_head_only_when_the_page_asks_for_it(fragment, needed):
    template = Template(
        "{% load tissage %}{% htmx_when_used %}<head>{% htmx_script %}</head>"
        "<body>{{ fragment|safe }}</body>{% endhtmx_when_used %}"
    )
    page = template.render(Context({"fragment": fragment}))
    assert (HTMX in head(page)) is needed
    assert "<!-- htmx -->" not in page


def test_a_visitor_s_agenda_has_no_htmx_and_a_member_s_project_page_has_it(client):
    project = ProjectFactory()
    anonymous = client.get(reverse("actions:agenda")).content.decode()
    assert HTMX not in anonymous
    assert "hx-headers" in anonymous  # the CSRF header stays ready for a later swap

    client.force_login(user_with_role("participant", project))
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'hx-post="' in page  # the follow button, swapped in place by htmx
    assert HTMX in head(page)
    assert page.count(HTMX) == 1
