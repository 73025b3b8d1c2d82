"""Widgets (core.widgets): the frame policy (relaxed for widgets only), no cookie, the
language, the colour and its contrast, the registry of embeddable pages, and oEmbed."""

from __future__ import annotations

import itertools

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from tissage.actions.tests.helpers import make_action
from tissage.core import registry
from tissage.core.design import contrast_ratio
from tissage.core.tests.factories import ProjectFactory, ProjectMembershipFactory
from tissage.core.widgets import DEFAULT_COLOUR, Theme, colour_parse, fitted
from tissage.inventories.tests.helpers import heritage_campaign, published, submit
from tissage.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db

OEMBED = reverse("core:oembed")
HOST = "http://testserver"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


# --- Colour ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "colour"),
    [
        ("1d5b3a", "#1d5b3a"),
        ("#1D5B3A", "#1d5b3a"),
        (" abc ", "#aabbcc"),
        ("#fc0", "#ffcc00"),
        ("", None),
        (None, None),
        ("red", None),
        ("#12345", None),
        ("#1234567", None),
        ("1d5b3a;background:url(x)", None),
        ("gggggg", None),
    ],
)
def test_a_colour_is_a_hex_code_or_nothing(given, colour):
    assert colour_parse(given) == colour


def test_every_colour_keeps_its_text_and_links_at_aa():
    # Every colour of a 16-level grid per channel (4,096 colours, the darkest to the
    # lightest): the button's text on it and the links on white stay at WCAG AA.
    levels = [f"{value:x}" * 2 for value in range(16)]
    for red, green, blue in itertools.product(levels, repeat=3):
        theme = Theme.of(f"#{red}{green}{blue}")
        assert contrast_ratio(theme.on_colour, theme.colour) >= 4.5, theme
        assert contrast_ratio(theme.link, "#ffffff") >= 4.5, theme


def test_a_light_colour_takes_dark_text_and_dark_links():
    theme = Theme.of("#ffcc00")
    assert theme.on_colour == "#000000"
    assert theme.link != "#ffcc00"
    assert Theme.of(None).colour == DEFAULT_COLOUR
    assert Theme.of("#1d5b3a").on_colour == "#ffffff"


# --- Frames, cookies, language -----------------------------------------------------------


@pytest.fixture
def action():
    return make_action()


def test_a_widget_may_be_framed_by_any_site(client, action):
    response = client.get(reverse("actions:widget_action", args=[action.slug]))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    directives = policy(response)
    assert directives["frame-ancestors"] == ["*"]
    # Nothing else is relaxed: our own script file only, styles by nonce only.
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert any(value.startswith("'nonce-") for value in directives["style-src"])
    assert response["Cache-Control"] == "public, max-age=300"


def test_every_other_page_keeps_refusing_frames(client, action):
    campaign = heritage_campaign(project=action.project)
    pages = [
        reverse("projects:home"),
        reverse("actions:detail", args=[action.slug]),
        reverse("actions:agenda"),
        reverse("actions:embed_action", args=[action.slug]),
        reverse("inventories:campaign", args=[campaign.slug]),
        reverse("inventories:embed", args=[campaign.slug]),
        OEMBED + "?url=" + HOST + reverse("actions:detail", args=[action.slug]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert response["X-Frame-Options"] == "DENY", page
        assert policy(response)["frame-ancestors"] == ["'none'"], page


def test_a_widget_sets_no_cookie_even_for_a_signed_in_person(client, action, settings):
    member = ProjectMembershipFactory(
        project=action.project, role=ProjectMembership.Role.FACILITATOR
    ).user
    client.force_login(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    urls = [
        reverse("actions:widget_action", args=[action.slug]),
        reverse("actions:widget_agenda_project", args=[action.project.slug]),
        reverse("actions:widget_action", args=["no-such-action"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.cookies == {}, url
        assert "Set-Cookie" not in response, url
        # Answered as to anyone: never the person's own page, so never a "private" copy.
        assert "Cookie" not in response.get("Vary", ""), url
        # The language cookie is not read: French unless the snippet says otherwise.
        assert response["Content-Language"] == "fr", url


def test_the_language_comes_from_the_snippet_only(client, action):
    url = reverse("actions:widget_action", args=[action.slug])
    english = client.get(url + "?lang=en")
    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in english.content.decode()
    assert "Register" in english.content.decode()
    for asked in ("", "?lang=de", "?lang=" + "x" * 300):
        response = client.get(url + asked, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert response["Content-Language"] == "fr"
        assert "S’inscrire" in response.content.decode()


def test_a_widget_is_themed_by_a_valid_colour_only(client, action):
    url = reverse("actions:widget_action", args=[action.slug])
    page = client.get(url + "?couleur=ffcc00").content.decode()
    assert "--widget-colour:#ffcc00;--widget-on-colour:#000000" in page
    for bad in ("red", "ffcc00;}body{display:none", "%3C/style%3E", "#" * 500):
        response = client.get(url, {"couleur": bad})
        assert response.status_code == 200
        page = response.content.decode()
        assert f"--widget-colour:{DEFAULT_COLOUR};" in page
        assert "display:none" not in page and "</style><" not in page.replace("</style>\n<", "")


def test_links_open_on_the_platform_not_inside_the_frame(client, action):
    page = client.get(reverse("actions:widget_action", args=[action.slug])).content.decode()
    assert '<base target="_top">' in page
    assert f'href="{reverse("actions:detail", args=[action.slug])}"' in page


def test_a_hidden_thing_is_a_404_inside_the_frame_too(client, action):
    draft = make_action(status="draft")
    response = client.get(reverse("actions:widget_action", args=[draft.slug]))
    assert response.status_code == 404
    assert "X-Frame-Options" not in response
    assert policy(response)["frame-ancestors"] == ["*"]
    assert "Cache-Control" not in response or "public" not in response["Cache-Control"]
    assert draft.title not in response.content.decode()


# --- The registry ------------------------------------------------------------------------


def test_the_embeddable_pages_come_from_their_apps():
    assert set(registry.embeds()) == {
        "actions:detail",
        "projects:detail",
        "inventories:campaign",
        "inventories:map",
        "inventories:item",
    }


def test_two_apps_may_not_declare_the_same_page(monkeypatch):
    config = apps.get_app_config("organisations")
    monkeypatch.setattr(
        config, "embeds", {"actions:detail": "tissage.actions.widgets.embeds.action_embed"}
    )
    with pytest.raises(ValueError, match="actions:detail"):
        registry.embeds()


# --- oEmbed ------------------------------------------------------------------------------


def oembed(client, url: str, **query):
    return client.get(OEMBED, {"url": url, **query})


def test_oembed_for_an_action(client, action):
    page = HOST + reverse("actions:detail", args=[action.slug])
    response = oembed(client, page, format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert data["title"] == action.title
    assert data["provider_name"] == settings.PLATFORM_NAME
    assert data["provider_url"] == HOST + "/"
    widget = HOST + reverse("actions:widget_action", args=[action.slug])
    assert data["html"].startswith(f'<iframe src="{widget}" title="{action.title}"')
    assert (data["width"], data["height"]) == (400, 340)
    assert response.cookies == {}


def test_oembed_for_a_campaign_its_map_and_an_item(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = heritage_campaign()
    moderator = ProjectMembershipFactory(
        project=campaign.project, role=ProjectMembership.Role.FACILITATOR
    ).user
    item = published(campaign, moderator, title="Lavoir de la Fontaine")
    map_widget = HOST + reverse("inventories:widget_map", args=[campaign.slug])
    for page in (
        reverse("inventories:campaign", args=[campaign.slug]),
        reverse("inventories:map", args=[campaign.slug]),
    ):
        data = oembed(client, HOST + page).json()
        assert data["type"] == "rich"
        assert f'src="{map_widget}"' in data["html"]
        assert campaign.title in data["title"]
    data = oembed(
        client, HOST + reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk})
    ).json()
    assert data["title"] == "Lavoir de la Fontaine"
    item_widget = reverse("inventories:widget_item", kwargs={"slug": campaign.slug, "pk": item.pk})
    assert f'src="{HOST}{item_widget}"' in data["html"]


def test_oembed_for_a_project_is_its_agenda(client, action):
    data = oembed(client, HOST + action.project.get_absolute_url()).json()
    widget = reverse("actions:widget_agenda_project", args=[action.project.slug])
    assert f'src="{HOST}{widget}"' in data["html"]


def test_oembed_honours_maxwidth_and_maxheight(client, action):
    page = HOST + reverse("actions:detail", args=[action.slug])
    data = oembed(client, page, maxwidth=300, maxheight=1000).json()
    assert (data["width"], data["height"]) == (300, 340)
    assert 'width="300" height="340"' in data["html"]
    data = oembed(client, page, maxheight=100).json()
    assert (data["width"], data["height"]) == (400, 100)
    assert fitted(600, 480, None, None) == (600, 480)


def test_oembed_refuses_what_is_not_public(client, action, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = make_action(status="draft")
    hidden_project = ProjectFactory(status=Project.Status.DRAFT)
    hidden_campaign = heritage_campaign(project=hidden_project)
    campaign = heritage_campaign(
        project=action.project, commune=hidden_campaign.communes.get(), title="Public"
    )
    waiting = submit(campaign)
    for page in (
        reverse("actions:detail", args=[draft.slug]),
        hidden_project.get_absolute_url(),
        reverse("inventories:campaign", args=[hidden_campaign.slug]),
        reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": waiting.pk}),
    ):
        response = oembed(client, HOST + page)
        assert response.status_code == 404, page
        assert "error" in response.json()


def test_oembed_refuses_a_draft_even_to_its_team(client):
    draft = make_action(status="draft")
    member = ProjectMembershipFactory(
        project=draft.project, role=ProjectMembership.Role.FACILITATOR
    ).user
    client.force_login(member)
    assert oembed(client, HOST + reverse("actions:detail", args=[draft.slug])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/actions/plantation-de-haies/",
        "http://testserver.example/actions/plantation-de-haies/",
        "ftp://testserver/actions/plantation-de-haies/",
        "/actions/plantation-de-haies/",
        "http://[bad/actions/",
        "http://testserver:99999/actions/plantation-de-haies/",
        HOST + "/actions/",
        HOST + "/nowhere/",
        HOST + "/compte/",
        "javascript:alert(1)",
    ],
)
def test_oembed_refuses_an_address_that_is_not_an_embeddable_page_of_ours(client, action, url):
    response = oembed(client, url)
    assert response.status_code == 404
    assert response.json()["error"]


def test_oembed_takes_the_site_url_as_ours(client, action, settings):
    settings.SITE_URL = "https://tissage.example.org"
    page = "https://tissage.example.org" + reverse("actions:detail", args=[action.slug])
    data = oembed(client, page).json()
    assert data["html"].startswith('<iframe src="https://tissage.example.org/actions/')


def test_oembed_speaks_json_only(client, action):
    page = HOST + reverse("actions:detail", args=[action.slug])
    response = oembed(client, page, format="xml")
    assert response.status_code == 501
    assert response.json()["error"]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"url": ""},
        {"url": HOST + "/x/", "maxwidth": "wide"},
        {"url": HOST + "/x/", "maxwidth": "0"},
        {"url": HOST + "/x/", "maxheight": "-5"},
        {"url": HOST + "/x/", "maxheight": "99999999999999999999"},
        {"url": "x" * 3000},
    ],
)
def test_oembed_says_what_is_wrong_with_a_bad_query(client, query):
    response = client.get(OEMBED, query)
    assert response.status_code == 400
    data = response.json()
    assert data["error"] and data["errors"]


def test_oembed_answers_only_get(client, action):
    assert client.post(OEMBED, {"url": HOST + "/"}).status_code == 405


# --- Discovery ---------------------------------------------------------------------------


def discovery(page: str) -> str:
    marker = '<link rel="alternate" type="application/json+oembed" href="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_public_pages_say_where_their_oembed_is(client, action, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = heritage_campaign(project=action.project)
    moderator = ProjectMembershipFactory(
        project=campaign.project, role=ProjectMembership.Role.FACILITATOR
    ).user
    item = published(campaign, moderator)
    for page in (
        reverse("actions:detail", args=[action.slug]),
        reverse("inventories:campaign", args=[campaign.slug]),
        reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk}),
        action.project.get_absolute_url(),
    ):
        link = discovery(client.get(page).content.decode())
        assert link.startswith(HOST + OEMBED + "?url=")
        # The link leads to an answer for this very page.
        answer = client.get(link.replace("&amp;", "&").removeprefix(HOST))
        assert answer.status_code == 200, page
        assert answer.json()["type"] == "rich"


def test_a_draft_page_does_not_offer_oembed(client):
    draft = make_action(status="draft")
    member = ProjectMembershipFactory(
        project=draft.project, role=ProjectMembership.Role.FACILITATOR
    ).user
    client.force_login(member)
    page = client.get(reverse("actions:detail", args=[draft.slug])).content.decode()
    assert "application/json+oembed" not in page
