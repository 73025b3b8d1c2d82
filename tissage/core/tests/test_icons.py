"""The `{% icon %}` tag: Lucide's SVG inlined, hidden from assistive technologies."""

import pytest
from django.template import Context, Template, TemplateSyntaxError

from tissage.core.icons import ICONS


def render(source: str, **context: object) -> str:
    return Template("{% load tissage %}" + source).render(Context(context))


def test_an_icon_is_inlined_hidden_and_out_of_the_tab_order() -> None:
    html = render('{% icon "map-pin" %}')
    assert html.startswith('<svg class="icon icon-map-pin" aria-hidden="true" focusable="false"')
    assert 'viewBox="0 0 24 24"' in html
    assert 'stroke="currentColor"' in html
    assert html.endswith("</svg>")
    assert "lucide" not in html  # neither its class nor its licence comment


def test_an_icon_takes_an_extra_class() -> None:
    assert render('{% icon "calendar" "big" %}').startswith('<svg class="icon icon-calendar big"')


@pytest.mark.parametrize("name", ICONS)
def test_every_declared_icon_is_installed(name: str) -> None:
    assert "<path" in render("{% icon name %}", name=name) or "<circle" in render(
        "{% icon name %}", name=name
    )


def test_a_wrong_name_in_a_template_fails_when_the_template_is_read() -> None:
    with pytest.raises(TemplateSyntaxError, match="Unknown icon 'map-pim'"):
        render('{% icon "map-pim" %}')


def test_a_wrong_name_from_a_variable_fails_loudly_in_debug(settings) -> None:
    settings.DEBUG = True
    with pytest.raises(ValueError, match="Unknown icon"):
        render("{% icon name %}", name="nope")


def test_a_wrong_name_from_a_variable_is_left_out_in_production(settings) -> None:
    settings.DEBUG = False
    assert render("{% icon name %}x", name="nope") == "x"


@pytest.mark.django_db
def test_the_header_menu_shows_an_icon_beside_each_label(client) -> None:
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    menu = html[html.index('class="nav-list"') : html.index("</nav>")]
    assert menu.count('aria-hidden="true" focusable="false"') == 4
    assert "</svg>Agenda</a>" in menu
