"""Chromium, driven by Playwright, against pytest-django's live server.

Every page a test opens goes through `visit` (or `check_page` after a form
submission), which runs axe-core's WCAG 2.1 A/AA rules and fails on any violation.

Written to pass on a cold first run of a loaded machine, every time (issue #10):
- every wait is on a state (`expect`, `expect_response`, `wait_for_function`), never on
  a timer, with timeouts long enough for a loaded machine (`TIMEOUT_MS`);
- no request leaves the machine: map tiles are answered by the context with a local
  PNG, any other request off the live server is refused and fails the test;
- the front-end files and Chromium's first start are dealt with once, before the first
  test, not inside its timeouts;
- a request the page itself cancels (Leaflet's tiles leaving the view, the map's
  superseded loads of items) is not a failed request.
"""

from __future__ import annotations

import datetime
import fcntl
import io
import itertools
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Request,
    Response,
    Route,
    expect,
    sync_playwright,
)

from tissage.accounts.models import User
from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Action
from tissage.collectives.collective import services as collective_services
from tissage.collectives.models import Collective
from tissage.core.management.commands.assets import assets_missing
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.models import Campaign
from tissage.organisations.models import Organisation
from tissage.organisations.services import organisation_create
from tissage.projects.models import Project
from tissage.projects.services import news_post_publish, project_create, project_join
from tissage.territories.models import Commune

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("TISSAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}
"""
# Every wait returns as soon as its state holds, so a long timeout costs nothing when
# things work. Playwright's defaults (5 s for `expect`, the 10 s set here before) are
# short for a loaded 2-core machine, where the first page of a session, the first map
# or axe on a long page can take several seconds (issue #10: 10 of 30 failed cold).
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)
CODE_RE = re.compile(r"^\s*(\d{6})\s*$", re.MULTILINE)
LINK_RE = re.compile(r"https?://\S+/compte/connexion/lien/\S+/")

Visit = Callable[..., Response | None]
CheckPage = Callable[[Page], None]


@pytest.fixture(scope="session", autouse=True)
def axe_source() -> str:
    """axe-core, and the pinned front-end files the pages load (htmx, Leaflet).

    A fresh checkout installs them once (`tissage assets`), before the first test: a page
    missing its scripts would fail in ways that say nothing of the cause.
    """
    # Several pytest-xdist workers may get here at once: one installs, the others wait.
    lock = Path(tempfile.gettempdir()) / f"tissage-assets-{os.getuid()}.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if assets_missing() or not AXE_PATH.exists():
            from django.core.management import call_command

            call_command("assets")
    return AXE_PATH.read_text()


def _tile_url_re(template: str) -> re.Pattern[str]:
    """settings.MAP_TILE_URL as a pattern: its {s}, {z}, {x}, {y}, {r} match any part."""
    parts = re.split(r"(\{[a-z]+\})", template)
    return re.compile(
        "^" + "".join("[^/]*" if re.fullmatch(r"\{[a-z]+\}", p) else re.escape(p) for p in parts)
    )


TILE_URL_RE = _tile_url_re(settings.MAP_TILE_URL)


@pytest.fixture(scope="session")
def tile_png() -> bytes:
    """One plain 256 × 256 tile, the answer to every map tile request."""
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), "#e8e4d8").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop running in this thread, and Django
    # refuses ORM calls while a loop runs. The tests are sequential, so it is safe.
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is needed for the browser tests and was not found at {CHROMIUM}: "
            "install Debian's package (`apt-get install chromium`) or set TISSAGE_CHROMIUM."
        )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000
            )
            # Chromium's first page of a session starts a renderer and reads the fonts
            # (seconds, cold): pay it here rather than inside the first test's timeouts.
            warm = browser.new_page()
            warm.set_content("<p>Tissage</p>")
            warm.close()
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(
    browser: Browser, live_server, tile_png: bytes
) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts on the live server; French, like most visitors.

    No request leaves the machine: map tiles get a local PNG; any other address off the
    live server is refused, which fails the test (`request failed`) with its address.
    """
    contexts: list[BrowserContext] = []
    off_the_live_server = re.compile("^(?!" + re.escape(live_server.url) + "/)https?://")

    def offline(route: Route) -> None:
        if TILE_URL_RE.match(route.request.url):
            route.fulfill(status=200, content_type="image/png", body=tile_png)
        else:
            route.abort("internetdisconnected")

    def open_context(*, also_allow: tuple[str, ...] = (), **options: object) -> BrowserContext:
        options = {"locale": "fr-FR", "accept_downloads": True, **options}
        context = browser.new_context(base_url=live_server.url, **options)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.route(off_the_live_server, offline)
        # Another origin on this machine that a test serves itself (a website embedding a
        # widget, tests/browser/test_widgets.py): let through, and nothing else. Routes
        # registered later are asked first.
        for origin in also_allow:
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", origin), origin
            context.route(
                re.compile("^" + re.escape(origin) + "/"), lambda route: route.continue_()
            )
        context.javascript_enabled = options.get("java_script_enabled", True)  # type: ignore[attr-defined]
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return _watched_page(context)


def _watched_page(context: BrowserContext) -> Page:
    """A page that records Content-Security-Policy refusals, script errors and failed
    requests; `check_page` fails on them."""
    page = context.new_page()
    problems: list[str] = []
    # The order of events: requests sent, and the main frame's navigations (a new page
    # replacing the last); the cancelled requests are judged once the next page has
    # loaded (`_left_behind`).
    started: dict[Request, int] = {}
    navigations: list[int] = []
    aborted: list[Request] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    # A missing stylesheet would hide contrast problems from axe: fail on it.
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} for {response.url}")
            if response.status >= 400 and response.request.resource_type != "document"
            else None
        ),
    )
    order = itertools.count()
    page.on("request", lambda request: started.setdefault(request, next(order)))
    page.on(
        "framenavigated",
        lambda frame: navigations.append(next(order)) if frame.parent_frame is None else None,
    )

    def failed(request: Request) -> None:
        if _cancelled_by_the_page(request):
            return
        if request.failure == "net::ERR_ABORTED":
            aborted.append(request)
        else:
            problems.append(f"request failed: {request.url} ({request.failure})")

    page.on("requestfailed", failed)
    page.problems = problems  # type: ignore[attr-defined]
    page.started = started  # type: ignore[attr-defined]
    page.navigations = navigations  # type: ignore[attr-defined]
    page.aborted = aborted  # type: ignore[attr-defined]
    return page


def _cancelled_by_the_page(request: Request) -> bool:
    """A request the page cancelled on purpose, not one that failed.

    Leaflet cancels the tiles that leave the view while they load (zoom, pan), and
    inventories/map.js cancels a load of the items that a newer one supersedes (its only
    `fetch`); both end in net::ERR_ABORTED, and more often on a loaded machine, where
    requests take longer. Any other failure counts; any other cancelled request counts
    unless the page was left meanwhile (`_left_behind`).
    """
    if request.failure != "net::ERR_ABORTED":
        return False
    return (
        request.resource_type == "image" and TILE_URL_RE.match(request.url) is not None
    ) or request.resource_type == "fetch"


def _left_behind(page: Page) -> None:
    """Count as problems the cancelled requests of `page` that no navigation explains.

    Chromium cancels what a page still loads when another replaces it (net::ERR_ABORTED):
    a favicon, a late image, when a test goes on as soon as the address has changed;
    the favicon is even asked for after the next page was requested, if the page being
    left finishes loading meanwhile. It happens more on a loaded machine. A request sent
    before the main frame navigated was left behind, not failed; any other cancelled
    request counts. (A same-page navigation, history.replaceState, counts as one too: in
    Tissage only the map does it, whose cancelled tiles and loads are forgiven anyway.)
    """
    started: dict[Request, int] = getattr(page, "started", {})
    navigations: list[int] = getattr(page, "navigations", [])
    aborted: list[Request] = getattr(page, "aborted", [])
    for request in aborted:
        sent = started.get(request)
        if sent is None or not any(navigation > sent for navigation in navigations):
            page.problems.append(  # type: ignore[attr-defined]
                f"request failed: {request.url} ({request.failure})"
            )
    aborted.clear()


@pytest.fixture(autouse=True)
def _emails_link_to_the_live_server(settings, live_server) -> None:  # type: ignore[no-untyped-def]
    """Links in emails (a magic link a test follows) lead to the server the browser uses;
    outside these tests they lead to the test client's `http://testserver`."""
    settings.SITE_URL = live_server.url


@pytest.fixture
def new_page() -> Callable[[BrowserContext], Page]:
    return _watched_page


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}")
            for detail in (node["summary"] or "").splitlines():
                lines.append(f"      {detail}")
    return "\n".join(lines)


@pytest.fixture
def check_page(axe_source: str) -> CheckPage:
    """Fail on axe violations, CSP refusals and script errors on the current page."""

    def check(page: Page) -> None:
        page.wait_for_load_state("load")
        _left_behind(page)
        problems = getattr(page, "problems", [])
        assert not problems, f"on {page.url}:\n" + "\n".join(problems)
        if not getattr(page.context, "javascript_enabled", True):
            return
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # evaluate() is not subject to the page's CSP, unlike add_script_tag.
            page.evaluate(axe_source)
        violations = page.evaluate(AXE_RUN, AXE_TAGS)
        assert not violations, _format_violations(page.url, violations)

    return check


@pytest.fixture
def visit(check_page: CheckPage) -> Visit:
    """Open `url`, check its status code, then its accessibility."""

    def go(page: Page, url: str, *, status: int = 200) -> Response | None:
        response = page.goto(url)
        assert response is not None
        assert response.status == status, f"{url} answered {response.status}, not {status}"
        check_page(page)
        return response

    return go


# --- Data --------------------------------------------------------------------------


@dataclass
class World:
    organisation: Organisation
    project: Project
    admin: User
    facilitator: User
    participant: User


@pytest.fixture
def world(transactional_db: None) -> World:
    """A small organisation with one published project, its team and a news item."""
    communes = [
        Commune.objects.create(
            insee_code=code,
            name=name,
            department="26",
            geometry={
                "type": "Polygon",
                "coordinates": [[[5.0, 44.0], [5.1, 44.0], [5.1, 44.1], [5.0, 44.1], [5.0, 44.0]]],
            },
            min_lon=5.0,
            min_lat=44.0,
            max_lon=5.1,
            max_lat=44.1,
        )
        for code, name in [("26001", "Albon"), ("26002", "Allan")]
    ]
    admin = User.objects.create_user("admin@example.org", display_name="Alice Admin")
    facilitator = User.objects.create_user("animation@example.org", display_name="Fanny Facile")
    participant = User.objects.create_user("paul@example.org", display_name="Paul Part")
    organisation = organisation_create(
        name="Association des Vergers de la Drôme",
        kind=Organisation.Kind.ASSOCIATION,
        description="Nous **recensons** et sauvons les vieux vergers.",
        website="https://vergers.example.org",
        contact_email="contact@vergers.example.org",
        communes=communes,
        admins=[admin],
    )
    project = project_create(
        organisation=organisation,
        creator=facilitator,
        title="Inventaire des vergers anciens",
        summary="Recensons ensemble les vergers anciens de la vallée.",
        description="## Pourquoi\n\nLes vieux vergers disparaissent.",
        status=Project.Status.PUBLISHED,
        call_to_action="Signalez un verger près de chez vous",
        communes=communes[:1],
    )
    project_join(project=project, user=participant)
    news_post_publish(
        project=project,
        author=facilitator,
        title="Première sortie le 12 avril",
        body="Rendez-vous à la mairie d'Albon à *9 h*.",
    )
    return World(organisation, project, admin, facilitator, participant)


@pytest.fixture
def sign_in_as(live_server) -> Callable[[BrowserContext, User], None]:
    """Give a browser context the session of `user`, skipping the emailed code."""

    def sign_in(context: BrowserContext, user: User) -> None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )

    return sign_in


@pytest.fixture
def sign_in_email() -> Callable[[str], tuple[str, str]]:
    """Read the code and the magic link of the last sign-in email sent to an address."""

    def read(to: str) -> tuple[str, str]:
        assert mail.outbox, "no email was sent"
        message = mail.outbox[-1]
        assert message.to == [to]
        code = CODE_RE.search(message.body)
        link = LINK_RE.search(message.body)
        assert code and link, f"no code or link in:\n{message.body}"
        return code.group(1), link.group(0)

    return read


@pytest.fixture
def sign_in_with_code(
    visit: Visit, check_page: CheckPage, sign_in_email: Callable[[str], tuple[str, str]]
) -> Callable[[Page, str], None]:
    """Sign in as a person does: email, then the code received, from the sign-in page."""

    def sign_in(page: Page, email: str) -> None:
        expect(page).to_have_url(re.compile(re.escape(reverse("accounts:sign_in"))))
        page.locator("#id_email").fill(email)
        page.locator("main form:has(#id_email) [type=submit]").click()
        expect(page).to_have_url(re.compile(re.escape(reverse("accounts:sign_in_code")) + "$"))
        check_page(page)
        code, _link = sign_in_email(email)
        page.locator("#id_code").fill(code)
        page.locator("main form:has(#id_code) [type=submit]").click()
        space_link = page.locator(f"header nav a[href='{reverse('accounts:my_space')}']")
        expect(space_link).to_be_visible()
        check_page(page)

    return sign_in


@pytest.fixture
def campaign(world: World, settings, tmp_path: Path) -> Campaign:  # type: ignore[no-untyped-def]
    """A heritage inventory of the world's project on Albon; photos go to a temporary
    folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return campaign_create(
        project=world.project,
        title="Petit patrimoine des vergers",
        template=Campaign.Template.HERITAGE,
        method="Photographiez de face, en plein jour.",
        communes=[Commune.objects.get(insee_code="26001")],
    )


@pytest.fixture
def collective(world: World) -> Collective:
    """An open, public collective made by a person of the organisation's staff, its
    coordinator."""
    return collective_services.collective_create(
        organisation=world.organisation,
        creator=world.admin,
        name="Bassin de Londres en transition",
        description="Les habitants du **bassin de Londres** s’organisent.",
        communes=world.organisation.communes.all(),
        admission=Collective.Admission.OPEN,
        archive_visibility=Collective.ArchiveVisibility.PUBLIC,
        hold_first_posts=False,
    )


@pytest.fixture
def planting(world: World) -> Action:
    """A published work-day of the world's project in ten days, with a meeting point and
    12 places."""
    starts_at = (timezone.now() + datetime.timedelta(days=10)).replace(hour=9, minute=0)
    return action_create(
        project=world.project,
        title="Plantation d'une haie à Albon",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=[RoleInput("Planter", 12)],
        address="Chemin des Vergers, Albon",
        longitude=5.05,
        latitude=44.05,
        status="published",
    )
