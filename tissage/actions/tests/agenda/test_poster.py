"""The printable A4 poster of an action, with a QR code to its page."""

from __future__ import annotations

import pytest
import segno

from tissage.actions.tests.helpers import action_url, make_action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


# --- Poster and sign-in sheet ----------------------------------------------------------


def test_the_poster_has_the_facts_and_a_qr_code_of_the_absolute_url(client):
    action = make_action()
    response = client.get(action_url("poster", action))
    page = response.content.decode()
    assert response.status_code == 200
    for fact in (
        "Plantation de haies",
        "Place de la mairie",
        "Devant la mairie",
        "Gants et bottes",
    ):
        assert fact in page
    absolute = "http://testserver" + action_url("detail", action)
    expected = segno.make(absolute, error="m").svg_inline(
        svgclass="poster-qr", lineclass="poster-qr-line", omitsize=True, border=2
    )
    assert expected in page
    assert absolute in page
    assert "<script>" not in page and "style=" not in page
    assert "actions/print.css" in page
