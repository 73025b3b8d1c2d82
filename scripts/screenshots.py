"""Screenshots of Tissage's pages at a phone's width (390 px) and a laptop's (1280 px).

Look at each picture as an inhabitant would before calling a page done: is the next step
obvious, does it invite, does anything overflow? Run against a server, e.g. the demo:

    uv run tissage demo &            # serves http://127.0.0.1:8000
    uv run python scripts/screenshots.py                   # the demo's main pages
    uv run python scripts/screenshots.py /projets/ /page-qui-n-existe-pas/

Pages for a role: `--as EMAIL` opens a session for that person in the server's database
(run with the server's TISSAGE_DATA_DIR or DATABASE_URL, and its SECRET_KEY):

    TISSAGE_DATA_DIR=var SECRET_KEY=$(cat var/demo-secret-key) \
        uv run python scripts/screenshots.py --as animatrice@demo.tissage.local /inventaires/…

Staff pages, e.g. the API tokens (`--as` an organisation's admin; the page showing a new
token's secret answers a POST only: tests/browser/test_api_tokens.py goes through it at
390 and 1280 px and checks nothing overflows):

    ... scripts/screenshots.py --as admin@demo.tissage.local /compte/ /compte/jetons-api/

Pictures go to var/screenshots/<width>/<path>.png (full page). A page wider than the
window (something overflows) is said on the terminal. Uses Debian's Chromium
(/usr/bin/chromium, or TISSAGE_CHROMIUM) through Playwright; no network beyond the server.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

# The demo's pages an inhabitant meets first, one of each kind.
DEMO_PATHS = [
    "/",
    "/projets/demo-inventaire-petit-patrimoine/",
    "/projets/demo-inventaire-petit-patrimoine/actualites/",
    "/inventaires/demo-petit-patrimoine-garrigues/",
    "/inventaires/demo-petit-patrimoine-garrigues/contribuer/",
    "/actions/",
    "/actions/plantation-de-haies-champetres/",
    "/collectifs/",
    "/collectifs/clac-bassin-de-londres/",
    "/collectifs/clac-bassin-de-londres/initiatives/",
    "/structures/demo-petr-garrigues-costieres/",
    # A consultation: its page, the proposals, the form (similar titles), the map.
    "/consultations/demo-ou-planter-l-hiver-prochain/",
    "/consultations/demo-ou-planter-l-hiver-prochain/propositions/",
    "/consultations/demo-ou-planter-l-hiver-prochain/proposer/",
    "/consultations/demo-ou-planter-l-hiver-prochain/carte/",
    "/compte/connexion/",
    "/page-qui-n-existe-pas/",
    # Widgets, the frames other websites show (issue #18), and where staff get their code.
    "/actions/widget/projet/demo-sous-les-arbres/",
    "/actions/plantation-de-haies-champetres/widget/",
    "/inventaires/demo-petit-patrimoine-garrigues/widget/carte/",
    "/inventaires/demo-petit-patrimoine-garrigues/widget/progression/",
    "/actions/plantation-de-haies-champetres/integrer/?couleur=%23b8341b",
    "/inventaires/demo-petit-patrimoine-garrigues/integrer/",
    "/actions/integrer/projet/demo-sous-les-arbres/",
    # The open API's documentation (Swagger UI), for the developers of other sites.
    "/api/v1/docs",
]
WIDTHS = {390: 844, 1280: 900}


SCROLL_THROUGH = """async () => {
  const pause = () => new Promise((done) => setTimeout(done, 150));
  for (let top = 0; top < document.documentElement.scrollHeight; top += window.innerHeight) {
    window.scrollTo(0, top);
    await pause();
  }
  window.scrollTo(0, 0);
  await pause();
}"""


def file_name(path: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", path.strip("/")) or "home"
    return f"{name}.png"


def session_of(email: str) -> tuple[str, str]:
    """(cookie name, value) of a new session signed in as `email`, made in the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tissage.accounts.models import User

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return settings.SESSION_COOKIE_NAME, session.session_key or ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="paths to capture (default: the demo's)")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("var/screenshots"))
    parser.add_argument("--language", default="fr", choices=["fr", "en"])
    parser.add_argument("--as", dest="email", help="signed in as this person (see above)")
    options = parser.parse_args()
    cookies = []
    if options.email:
        name, value = session_of(options.email)
        cookies = [{"name": name, "value": value, "url": options.base_url}]
    paths = options.paths or DEMO_PATHS
    overflowing = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("TISSAGE_CHROMIUM", "/usr/bin/chromium")
        )
        for width, height in WIDTHS.items():
            folder = options.out / str(width)
            folder.mkdir(parents=True, exist_ok=True)
            context = browser.new_context(
                viewport={"width": width, "height": height},
                locale=options.language,
                extra_http_headers={"Accept-Language": options.language},
            )
            context.add_cookies(cookies)  # type: ignore[arg-type]
            for path in paths:
                # A page of its own: two paths that differ by their #fragment (a map's
                # view, `#map=13/43.84/4.36`) would otherwise be one page, not loaded again.
                page = context.new_page()
                response = page.goto(options.base_url + path, wait_until="networkidle")
                status = response.status if response else "?"
                # Down the page a screen at a time, as a reader scrolls: what is loaded when
                # it comes near the view (the home page's map, lazy images) is in the picture.
                page.evaluate(SCROLL_THROUGH)
                page.wait_for_load_state("networkidle")
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                target = folder / file_name(path)
                page.screenshot(path=str(target), full_page=True)
                note = ""
                if scroll_width > width:
                    overflowing += 1
                    note = f"  OVERFLOWS: {scroll_width} px wide"
                print(f"{width:>5} {status} {path} -> {target}{note}")
                page.close()
            context.close()
        browser.close()
    return 1 if overflowing else 0


if __name__ == "__main__":
    sys.exit(main())
