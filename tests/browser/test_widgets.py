"""A commune's website embeds the agenda widget (issue #18 §2): the facilitator takes the
code from "Embed on a website", the code is pasted in a page served from another origin
(a small web server on 127.0.0.1 while the platform is on localhost), and the widget
renders in the frame with its colour, is axe-clean inside the frame, and its links open
the platform in the whole window. Screenshots of the host page at 390 and 1280 px go to
var/screenshots/widgets/ (looked at by hand)."""

from __future__ import annotations

import functools
import html
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import AXE_RUN, AXE_TAGS, REPO_ROOT, _format_violations
from .helpers import PHONE_390

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_ROOT / "var" / "screenshots" / "widgets"
HOST_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mairie d’Albon</title></head>
<body>
<main>
<h1>Mairie d’Albon</h1>
<p>Les prochaines actions près de chez vous :</p>
{snippet}
<p>Et la carte de l’inventaire :</p>
{map_snippet}
</main>
</body>
</html>
"""
# axe on the host page alone: the frame is checked by its own run, inside it.
AXE_RUN_TOP = AXE_RUN.replace(
    "runOnly: {type: 'tag', values: tags}", "runOnly: {type: 'tag', values: tags}, iframes: false"
)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def commune_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A website of another origin: (its address, the folder it serves)."""
    folder = tmp_path / "site"
    folder.mkdir()
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", folder
    finally:
        server.shutdown()
        server.server_close()


def test_a_commune_site_embeds_the_agenda(
    new_context,
    new_page,
    visit,
    check_page,
    sign_in_as,
    world,
    planting,
    campaign,
    live_server,
    commune_site,
    axe_source,
):
    site, folder = commune_site
    # The facilitator takes the code, in the colour of the commune's site.
    staff = new_context()
    sign_in_as(staff, world.facilitator)
    page = new_page(staff)
    visit(page, world.project.get_absolute_url())
    embed_url = reverse("actions:embed_agenda_project", args=[world.project.slug])
    page.locator(f"a[href='{embed_url}']").click()
    expect(page).to_have_url(f"{live_server.url}{embed_url}")
    check_page(page)
    page.locator("#id_couleur").fill("#8a2be2")
    page.locator("form.embed-options [type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{embed_url}?couleur=%238a2be2&lang=fr")
    check_page(page)
    preview = page.frame_locator("iframe.embed-preview")
    expect(preview.get_by_role("link", name=planting.title)).to_be_visible()
    snippet = page.locator("textarea.embed-snippet").input_value()
    widget = (
        f"{live_server.url}{reverse('actions:widget_agenda_project', args=[world.project.slug])}"
    )
    assert snippet.startswith(f'<iframe src="{widget}?couleur=8a2be2" title="')

    map_widget = f"{live_server.url}{reverse('inventories:widget_map', args=[campaign.slug])}"
    map_snippet = (
        f'<iframe src="{html.escape(map_widget)}" title="Carte" width="600" height="560" '
        'loading="lazy" style="max-width:100%;border:0"></iframe>'
    )
    (folder / "index.html").write_text(
        HOST_PAGE.format(snippet=snippet, map_snippet=map_snippet), encoding="utf-8"
    )

    # A visitor of the commune's site, never signed in to the platform.
    for name, options in (
        ("390", PHONE_390),
        ("1280", {"viewport": {"width": 1280, "height": 900}}),
    ):
        context = new_context(also_allow=(site,), **options)
        visitor = new_page(context)
        response = visitor.goto(f"{site}/index.html")
        assert response is not None and response.status == 200
        frame_element = visitor.locator("iframe").first
        expect(frame_element).to_be_visible()
        agenda = visitor.frame_locator("iframe").first
        link = agenda.get_by_role("link", name=planting.title)
        expect(link).to_be_visible()
        expect(agenda.locator(".widget-footer a")).to_have_attribute(
            "href", f"{reverse('actions:agenda')}?project={world.project.slug}"
        )
        frame = frame_element.element_handle().content_frame()
        assert frame is not None
        assert frame.url == f"{widget}?couleur=8a2be2"
        # Its colour came through the CSP nonce: the button band is the commune's violet.
        # Read with a retrying assertion: the frame's text can be laid out before its
        # stylesheet has arrived (black, the default, was read once under CI's load).
        expect(agenda.locator("body")).to_have_css("border-top-color", "rgb(138, 43, 226)")
        # Nothing set a cookie for the platform.
        assert [c for c in context.cookies() if "localhost" in c["domain"]] == []
        # Axe inside the frame, then on the host page.
        frame.evaluate(axe_source)
        violations = frame.evaluate(AXE_RUN, AXE_TAGS)
        assert not violations, _format_violations(frame.url, violations)
        visitor.wait_for_load_state("load")
        visitor.evaluate(axe_source)
        violations = visitor.evaluate(AXE_RUN_TOP, AXE_TAGS)
        assert not violations, _format_violations(visitor.url, violations)
        map_frame = visitor.locator("iframe").nth(1)
        map_frame.scroll_into_view_if_needed()
        expect(visitor.frame_locator("iframe").nth(1).locator("svg.widget-map")).to_be_visible()
        assert not visitor.problems, visitor.problems  # type: ignore[attr-defined]
        # Chromium draws another origin's frames wrongly in full-page captures: the window
        # is made as tall as the page instead.
        width = visitor.viewport_size["width"] if visitor.viewport_size else 1280
        height = visitor.evaluate("document.documentElement.scrollHeight")
        visitor.set_viewport_size({"width": width, "height": height})
        visitor.evaluate("window.scrollTo(0, 0)")
        expect(agenda.get_by_role("heading")).to_be_in_viewport()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        visitor.screenshot(path=str(SCREENSHOTS / f"host-{name}.png"))

        # The link opens the platform in the whole window, not inside the frame.
        link.click()
        expect(visitor).to_have_url(
            f"{live_server.url}{reverse('actions:detail', args=[planting.slug])}"
        )
        check_page(visitor)


# A WordPress page that embedded the widget by oEmbed discovery, as WordPress writes it for
# a site it does not know: the frame in a sandbox that lets scripts run but not open the
# whole window, a secret in its address, and the host's side of the exchange (what
# wp-embed.js does, written again here: open a link of the frame's own site, size the
# frame).
WORDPRESS_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>Agenda — Mairie d’Albon</title></head>
<body>
<main>
<h1>Agenda</h1>
<iframe sandbox="allow-scripts" security="restricted" src="{src}#?secret=Zq8Wd3Lk1p"
  data-secret="Zq8Wd3Lk1p" width="600" height="200" title="{title}"
  class="wp-embedded-content"></iframe>
</main>
<script>
window.heights = [];
window.addEventListener("message", function (event) {{
  var data = event.data || {{}};
  var frame = document.querySelector('iframe[data-secret="' + data.secret + '"]');
  if (!frame || frame.contentWindow !== event.source) {{ return; }}
  if (data.message === "height") {{
    window.heights.push(data.value);
    frame.height = Math.min(1000, Math.max(200, parseInt(data.value, 10)));
  }}
  if (data.message === "link" && new URL(data.value).host === new URL(frame.src).host) {{
    window.top.location.href = data.value;
  }}
}});
</script>
</body>
</html>
"""


def test_a_wordpress_page_embeds_the_action_by_its_address(
    new_context, new_page, check_page, world, planting, live_server, commune_site
):
    site, folder = commune_site
    context = new_context(also_allow=(site,), **PHONE_390)
    # WordPress asks the oEmbed endpoint about the pasted address of the action.
    page_url = f"{live_server.url}{reverse('actions:detail', args=[planting.slug])}"
    answer = context.request.get(
        f"{live_server.url}/oembed/", params={"url": page_url, "format": "json"}
    )
    assert answer.status == 200
    src = html.unescape(answer.json()["html"].split('src="', 1)[1].split('"', 1)[0])
    assert src == f"{live_server.url}{reverse('actions:widget_action', args=[planting.slug])}"
    (folder / "index.html").write_text(
        WORDPRESS_PAGE.format(src=src, title=html.escape(planting.title)), encoding="utf-8"
    )

    visitor = new_page(context)
    visitor.goto(f"{site}/index.html")
    card = visitor.frame_locator("iframe").first
    expect(card.get_by_role("link", name="S’inscrire")).to_be_visible()
    # The frame told its height, and the host sized the frame to it.
    visitor.wait_for_function("window.heights.length > 0")
    height = visitor.evaluate("window.heights[window.heights.length - 1]")
    assert 200 <= height <= 1000
    expect(visitor.locator("iframe")).to_have_attribute("height", str(height))

    # In the sandbox the button cannot open the whole window by itself: the widget asks
    # the host, which opens the action's page.
    card.get_by_role("link", name="S’inscrire").click()
    expect(visitor).to_have_url(f"{page_url}#register-title")
    check_page(visitor)
