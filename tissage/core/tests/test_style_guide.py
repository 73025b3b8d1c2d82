"""The style guide (/style/): for staff, or anyone on a development server."""

import pytest

from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client) -> None:
    client.cookies["django_language"] = "en"


def test_anonymous_visitors_do_not_find_it(client) -> None:
    assert client.get("/style/").status_code == 404


def test_people_who_are_not_staff_do_not_find_it(client) -> None:
    client.force_login(UserFactory())
    assert client.get("/style/").status_code == 404


def test_staff_see_every_component(client) -> None:
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/style/")
    assert response.status_code == 200
    html = response.content.decode()
    for section in (
        "Typeface and sizes",
        "Colours and contrast",
        "Buttons",
        "Cards",
        "Notices",
        "Form controls",
        "Icons",
    ):
        assert f">{section}</h2>" in html
    assert "--green</code> / <code>--paper" in html
    assert "7.59:1 (at least 4.5:1)" in html
    # The sample form shows its errors, summed up at the top with links to the fields.
    assert '<a href="#id_name">Your name: This field is required.</a>' in html
    assert 'type="radio"' in html and 'type="checkbox"' in html and 'type="file"' in html
    assert html.count('class="icon icon-') >= 11


def test_on_a_development_server_anyone_sees_it(client, settings) -> None:
    settings.DEBUG = True
    assert client.get("/style/").status_code == 200
