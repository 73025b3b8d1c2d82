"""Walk the inhabitants' journeys on a phone against the demo, count them, write docs/journeys.md.

Issue #13: each journey with its screens counted and a screenshot at phone size. The
script is a person with a 390 × 844 touch phone and JavaScript on, who reads their email:

  a. a guest's first contribution to the demo inventory, then the confirmation email;
  b. registering for a work-day from the agenda as a guest, then cancelling from the email;
  c. signing in with the emailed code and finding one's participation in "Mon espace";
  d. joining a collective (a name asked if the account has none) and posting a message;
  e. proposing an initiative in the collective.

Each run uses a fresh guest address, so it can be run again and again on the same demo.
What is counted, per journey: screens (pages the browser loads; the steps of the
contribution form are one page), emails needed, and required inputs (what the person
must fill, tick or choose: what the script had to give, with the form's `[required]`
controls that were empty). Screenshots (JPEG, one per screen) go to docs/journeys/, and
docs/journeys.md is rewritten with the tables, the totals and the targets of issue #13.

Emails: the demo stores every email it sends (core.emails.OutgoingEmail) and the script
reads them from its database, so it needs the demo's data folder and key. The sign-in
code is a secret that the stored copy hides once the email is delivered: the script then
reads it from the demo's mailbox, the folder of EMAIL_URL=file:///… (default: the
`mail` folder of the data folder) or the demo's terminal output saved to a file.

    TISSAGE_DATA_DIR=/tmp/demo EMAIL_URL=file:///tmp/demo/mail uv run tissage demo --port 8000 &
    TISSAGE_DATA_DIR=/tmp/demo SECRET_KEY=$(cat /tmp/demo/demo-secret-key) \\
        uv run python scripts/journeys.py --base-url http://127.0.0.1:8000

Exit status 1, with one line saying why, when a journey fails or a target is missed.
Uses Debian's Chromium (/usr/bin/chromium, or TISSAGE_CHROMIUM) through Playwright; no
request leaves the machine (map tiles are answered with a blank tile).
"""

from __future__ import annotations

import argparse
import datetime
import email
import email.policy
import io
import os
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}
CAMPAIGN = "/inventaires/demo-petit-patrimoine-garrigues/"
COLLECTIVE = "/collectifs/clac-bassin-de-londres/"
# Issue #13, part 1: a guest's first contribution.
TARGET_SCREENS = 3
TARGET_INPUTS = 6
TIMEOUT_MS = 30_000
EMAIL_WAIT_S = 30
SEPARATOR = "-" * 79
CODE_RE = re.compile(r"^\s*(\d{6})\s*$", re.MULTILINE)


# --- What is recorded ------------------------------------------------------------------


@dataclass
class Screen:
    number: int
    path: str
    heading: str
    image: str
    does: list[str] = field(default_factory=list)
    # control name → what the person reads (its label)
    given: dict[str, str] = field(default_factory=dict)
    required: dict[str, str] = field(default_factory=dict)
    prefilled: set[str] = field(default_factory=set)
    steps: list[str] = field(default_factory=list)
    wide: int = 0  # page width when wider than the phone
    # How far down the page the first thing the person acts on starts, in phone screens
    # (0: at the top; 1.5: one and a half screens of scrolling).
    reach: float | None = None
    after_email: bool = False

    @property
    def inputs(self) -> dict[str, str]:
        """What the person must give here: what they gave, and any required control
        that was empty when the page came (none should be left)."""
        needed = {
            k: v for k, v in self.required.items() if k not in self.prefilled | set(self.given)
        }
        return {**self.given, **needed}


@dataclass
class Journey:
    key: str
    title: str
    screens: list[Screen] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    loads: int = 0  # documents the browser loaded (redirects not counted)
    error: str = ""
    note: str = ""

    @property
    def inputs(self) -> int:
        return sum(len(screen.inputs) for screen in self.screens)

    def screens_before_email(self) -> int:
        return sum(1 for screen in self.screens if not screen.after_email)


class Failed(Exception):
    """A journey could not be walked: the message says where."""


# --- The demo's emails -----------------------------------------------------------------


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")
    # Playwright's sync API runs an asyncio loop in this thread; the ORM calls here are
    # sequential, between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()


def mailbox_messages(mailbox: Path | None, since: float) -> list[tuple[str, str]]:
    """(to, plain text) of the messages delivered to the demo's mailbox since `since`:
    a folder of EMAIL_URL=file:///… files, or a file of the demo's terminal output
    (console: its messages are framed by lines of 79 dashes too)."""
    if mailbox is None or not mailbox.exists():
        return []
    files = sorted(mailbox.glob("*.log")) if mailbox.is_dir() else [mailbox]
    found = []
    for path in files:
        if path.stat().st_mtime < since - 1:
            continue
        for chunk in path.read_bytes().split(SEPARATOR.encode()):
            chunk = chunk.strip(b"\n")
            if b"\nTo:" not in b"\n" + chunk:
                continue
            message = email.message_from_bytes(chunk, policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",)) if message.is_multipart() else None
            text = (body or message).get_content()  # type: ignore[union-attr]
            found.append((str(message.get("To", "")), str(text)))
    return found


def email_read(to: str, since: datetime.datetime, mailbox: Path | None, *, secret: bool) -> str:
    """The text of the last email sent to `to` since `since`, as its person reads it.

    From the demo's database (OutgoingEmail); an email whose stored copy hides a secret
    (a sign-in code) is read with it while the worker has not sent it yet, else from the
    mailbox it was delivered to."""
    from tissage.core.emails import REDACTED
    from tissage.core.models import OutgoingEmail

    deadline = time.monotonic() + EMAIL_WAIT_S
    while True:
        stored = (
            OutgoingEmail.objects.filter(to__iexact=to, created_at__gte=since)
            .order_by("-created_at", "-pk")
            .first()
        )
        if stored is not None:
            if REDACTED not in stored.body_text:
                return stored.body_text
            if stored.unredacted.get("body_text"):
                return stored.unredacted["body_text"]
            delivered = [
                text
                for address, text in mailbox_messages(mailbox, since.timestamp())
                if to.lower() in address.lower()
            ]
            if delivered:
                return delivered[-1]
        if time.monotonic() > deadline:
            if stored is None:
                raise Failed(f"no email to {to} in the demo's database after {EMAIL_WAIT_S} s")
            raise Failed(
                f"the email to {to} hides its {'code' if secret else 'link'} once sent and "
                "was not found in the demo's mailbox: start the demo with "
                "EMAIL_URL=file:///<data folder>/mail (or give --mailbox)"
            )
        time.sleep(0.3)


def link_in(text: str, path_re: str, base_url: str) -> str:
    """The link of an email matching `path_re`, on the server the browser uses."""
    match = re.search(r"https?://[^\s<>\"]*" + path_re + r"[^\s<>\"]*", text)
    if not match:
        raise Failed(f"no link matching {path_re} in the email:\n{text}")
    parts = urlsplit(match.group(0))
    return base_url + parts.path + (f"?{parts.query}" if parts.query else "")


# --- The walker --------------------------------------------------------------------------

REQUIRED_CONTROLS = """
(root) => {
  const found = {};
  const forms = root ? [root] : [...document.querySelectorAll('main form')];
  for (const form of forms) {
    for (const el of form.elements) {
      if (!el.required || el.disabled || el.type === 'hidden' || !el.name) continue;
      if (found[el.name]) continue;
      let label = '';
      if (el.type === 'radio' || el.type === 'checkbox') {
        const group = el.closest('fieldset');
        const legend = group && group.querySelector('legend');
        label = legend ? legend.innerText : (el.labels[0] ? el.labels[0].innerText : '');
      } else if (el.labels && el.labels[0]) {
        label = el.labels[0].innerText;
      }
      const filled = (el.type === 'radio' || el.type === 'checkbox')
        ? form.querySelector(`[name="${el.name}"]:checked`) !== null
        : el.value !== '';
      found[el.name] = {label: (label || el.name).trim().replace(/\\s*:$/, ''), filled};
    }
  }
  return found;
}
"""


class Walk:
    """A person on a phone: every page they reach is a screen, recorded with its picture."""

    def __init__(self, page, base_url: str, out: Path, mailbox: Path | None) -> None:
        self.page = page
        self.base_url = base_url
        self.out = out
        self.mailbox = mailbox
        self.journey: Journey | None = None
        self.after_email = False
        self._first = None
        page.on("response", self._loaded)

    def _loaded(self, response) -> None:
        request = response.request
        if (
            self.journey is not None
            and request.is_navigation_request()
            and request.frame == self.page.main_frame
            and not 300 <= response.status < 400
        ):
            self.journey.loads += 1

    def start(self, journey: Journey) -> None:
        self.journey = journey
        self.after_email = False

    @property
    def screen(self) -> Screen:
        assert self.journey is not None and self.journey.screens, "no page yet"
        return self.journey.screens[-1]

    def arrive(self, status: int = 200) -> Screen:
        """A page has loaded: record it, picture it."""
        journey = self.journey
        assert journey is not None
        page = self.page
        page.wait_for_load_state("networkidle")
        number = len(journey.screens) + 1
        image = f"{journey.key}{number}.jpg"
        heading = page.locator("main h1").first
        screen = Screen(
            number=number,
            path=urlsplit(page.url).path,
            heading=heading.inner_text().strip() if heading.count() else page.title(),
            image=image,
            after_email=self.after_email,
        )
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["viewport"]["width"]:  # type: ignore[index]
            screen.wide = width
        for name, control in page.evaluate(REQUIRED_CONTROLS, None).items():
            if control["filled"]:
                screen.prefilled.add(name)
        self.picture(image)
        journey.screens.append(screen)
        return screen

    def picture(self, image: str) -> None:
        self.page.screenshot(path=str(self.out / image), type="jpeg", quality=70)

    def does(self, text: str) -> None:
        self.screen.does.append(text)

    def _reach(self, locator) -> None:
        """The first thing the person acts on in a screen: how far down it is."""
        screen = self.screen
        if screen.reach is not None:
            return
        top = locator.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
        height = PHONE["viewport"]["height"]  # type: ignore[index]
        screen.reach = round(top / height, 1)
        self._first = locator

    def _leaving(self) -> None:
        """Below the fold, the screen is pictured where the person acts, not at its top."""
        height = PHONE["viewport"]["height"]  # type: ignore[index]
        if self.screen.reach is not None and self.screen.reach * height > height - 120:
            self._first.evaluate("el => el.scrollIntoView({block: 'center'})")
            self.picture(self.screen.image)

    def _give(self, locator, label: str | None = None) -> None:
        self._reach(locator)
        name = locator.get_attribute("name") or locator.get_attribute("id") or "?"
        if label is None:
            label = locator.evaluate(
                "el => (el.labels && el.labels[0] ? el.labels[0].innerText : el.name)"
            )
        self.screen.given[name] = clean(label)

    def fill(self, selector: str, value: str) -> None:
        locator = self.page.locator(selector)
        locator.fill(value)
        self._give(locator)

    def select(self, selector: str, label: str) -> None:
        locator = self.page.locator(selector)
        locator.select_option(label=label)
        self._give(locator)

    def choose(self, selector: str) -> None:
        """Tick a radio button or a box: the group's question is the input."""
        locator = self.page.locator(selector)
        locator.check()
        legend = locator.evaluate(
            "el => { const f = el.closest('fieldset'); const l = f && f.querySelector('legend');"
            " return l ? l.innerText : (el.labels[0] ? el.labels[0].innerText : el.name); }"
        )
        self._give(locator, legend)

    def tap(self, selector: str) -> None:
        """A link within the page (to a form further down): not a new screen."""
        link = self.page.locator(selector).first
        self._reach(link)
        link.click()

    def upload(self, selector: str, path: Path) -> None:
        locator = self.page.locator(selector)
        locator.set_input_files(str(path))
        self._give(locator)

    def step(self, name: str) -> None:
        """A step of a form shown in steps (one page), as the person leaves it: pictured,
        not a screen. The first step is the screen's own picture."""
        if not self.screen.steps:
            self.picture(self.screen.image)
            self.screen.steps.append(name)
            return
        image = f"{self.screen.image[:-4]}-{len(self.screen.steps) + 1}.jpg"
        self.picture(image)
        self.screen.steps.append(f"{name}|{image}")

    def submit(self, button: str) -> Screen:
        """Send the form of `button`: its required controls are recorded, the next page
        is a new screen."""
        locator = self.page.locator(button)
        form = locator.evaluate_handle("el => el.form")
        for name, control in self.page.evaluate(REQUIRED_CONTROLS, form).items():
            self.screen.required[name] = clean(control["label"])
        self._reach(locator)
        if not self.screen.steps:
            self._leaving()
        with self.page.expect_navigation(wait_until="load"):
            locator.click()
        return self.arrive()

    def follow(self, selector: str) -> Screen:
        link = self.page.locator(selector).first
        self._reach(link)
        self._leaving()
        with self.page.expect_navigation(wait_until="load"):
            link.click()
        return self.arrive()

    def go(self, path: str) -> Screen:
        self.page.goto(self.base_url + path, wait_until="load")
        return self.arrive()

    def email(self, to: str, since: datetime.datetime, what: str, *, secret: bool = False) -> str:
        text = email_read(to, since, self.mailbox, secret=secret)
        assert self.journey is not None
        self.journey.emails.append(what)
        return text

    def open_link(self, url: str) -> Screen:
        """A link followed from an email: the screens after it come after the email."""
        self.after_email = True
        self.page.goto(url, wait_until="load")
        return self.arrive()

    def expect_text(self, selector: str, pattern: str) -> str:
        locator = self.page.locator(selector)
        try:
            locator.first.wait_for(state="visible", timeout=TIMEOUT_MS)
        except Exception as error:
            raise Failed(f"{selector} not shown on {self.page.url}") from error
        text = " ".join(locator.all_inner_texts())
        if not re.search(pattern, text, re.IGNORECASE):
            raise Failed(f"on {self.page.url}, {selector} says {text[:200]!r}, not /{pattern}/")
        return text


def clean(label: str) -> str:
    """A label as a sentence part: no colon, no (non-breaking) space at its end."""
    return re.sub(r"[\s:]+$", "", " ".join(label.split()))


def a_photo(folder: Path) -> Path:
    """A small phone-like picture: a JPEG of a stone wash-house's colours."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 900), "#c9b99a")
    draw = ImageDraw.Draw(image)
    draw.rectangle((150, 450, 1050, 750), fill="#8d7b62")
    draw.rectangle((200, 500, 1000, 700), fill="#5f7f8c")
    draw.polygon([(100, 450), (600, 200), (1100, 450)], fill="#a4553a")
    target = folder / "lavoir.jpg"
    image.save(target, format="JPEG", quality=80)
    return target


# --- The journeys ------------------------------------------------------------------------


@dataclass
class Person:
    name: str
    email: str


def now() -> datetime.datetime:
    from django.utils import timezone

    # The demo's clock and this one are the same machine's; a second of margin.
    return timezone.now() - datetime.timedelta(seconds=1)


def contribute(walk: Walk, guest: Person, photo: Path) -> str:
    """a. From the campaign page (a poster's link) to the thank-you, then the email."""
    walk.go(CAMPAIGN)
    walk.does("Reads the campaign; taps “Contribuer”.")
    walk.follow(f"main a[href$='{CAMPAIGN}contribuer/']")
    page = walk.page
    walk.does("Step 1, the place: taps the map where the item is.")
    map_box = page.locator("[data-location-picker] .leaflet-container")
    map_box.wait_for(state="visible")
    box = map_box.bounding_box()
    if box is None:
        raise Failed("the contribution form shows no map")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    if not page.locator("#id_longitude").input_value():
        raise Failed("a tap on the map did not place the point")
    walk.screen.given["longitude"] = "the place (a tap on the map)"
    next_step(walk)
    walk.does("Step 2, the item: chooses the kind, types its name.")
    walk.select("#id_category", "Lavoir")
    title = f"Lavoir du chemin n° {secrets.randbelow(1000)}"
    walk.fill("#id_title", title)
    next_step(walk)
    walk.does("Step 3, the photos: takes or picks one.")
    # With JavaScript the photo leaves at once (kept on the server): wait for it to arrive.
    with page.expect_response(lambda r: "/photos-gardees/" in r.url):
        walk.upload("#id_photos", photo)
    page.wait_for_load_state("networkidle")
    next_step(walk)
    walk.does("Step 4, you: types a name and an email address; taps “Envoyer”.")
    walk.fill("#id_guest_name", guest.name)
    walk.fill("#id_guest_email", guest.email)
    # The last step pictured with its Send button, below the fields.
    send = page.locator("main form[data-steps] button[type=submit]")
    send.evaluate("el => el.scrollIntoView({block: 'end'})")
    walk.step(walk.page.locator("#steps-progress").inner_text().strip())
    since = now()
    walk.submit("main form[data-steps] button[type=submit]")
    walk.expect_text("[role=status]", re.escape(guest.email))
    walk.does("Reads the thank-you: an email is on its way.")
    text = walk.email(guest.email, since, "the confirmation, with its link")
    walk.open_link(link_in(text, "/inventaires/confirmer/", walk.base_url))
    walk.expect_text("[role=status]", "confirm")
    walk.does("Opens the email's link: the contribution goes to the team.")
    return title


def next_step(walk: Walk) -> None:
    name = walk.page.locator("#steps-progress").inner_text().strip()
    walk.step(name)
    walk.page.locator(".steps-nav").get_by_role(
        "button", name=re.compile(r"^(Suivant|Next)$")
    ).click()


def register_and_cancel(walk: Walk, guest: Person) -> None:
    """b. From the agenda, register for a work-day as a guest; cancel from the email."""
    walk.go("/actions/")
    walk.does("Reads the agenda; taps a work-day.")
    walk.follow("main .card-title a[href^='/actions/plantation']")
    box = "main section[aria-labelledby=register-title]"
    jump = "main header a.button[href='#register-title']"
    if walk.page.locator(jump).count():
        walk.tap(jump)
        walk.does("Reads the work-day; taps “S’inscrire” at the top, which leads to the form.")
    walk.does("Fills the registration form; taps “S’inscrire”.")
    walk.fill(f"{box} #id_name", guest.name)
    walk.fill(f"{box} #id_email", guest.email)
    if walk.page.locator(f"{box} input[name=role]:checked").count() == 0:
        walk.choose(f"{box} input[name=role] >> nth=0")
    since = now()
    walk.submit(f"{box} button[type=submit]")
    walk.expect_text("[role=status]", "inscrit|registered|attente|waiting")
    walk.does("Reads that the registration is taken.")
    text = walk.email(guest.email, since, "the registration, with its cancel link")
    walk.open_link(link_in(text, "/actions/annuler/", walk.base_url))
    walk.does("Opens the email's cancel link; taps “Oui, annuler”.")
    walk.submit("main form button[type=submit]")
    walk.expect_text("[role=status]", "annul|cancel")
    walk.does("Reads that the registration is cancelled.")


def sign_in(walk: Walk, person: Person, item_title: str | None) -> None:
    """c. Sign in with the emailed code; find one's participation in "Mon espace"."""
    walk.go("/")
    walk.does("Taps “Se connecter” in the header.")
    walk.follow("header nav a[href='/compte/connexion/']")
    walk.does("Types the email address; sends.")
    walk.fill("#id_email", person.email)
    since = now()
    walk.submit("main form:has(#id_email) [type=submit]")
    text = walk.email(person.email, since, "the sign-in code", secret=True)
    code = CODE_RE.search(text)
    if not code:
        raise Failed(f"no code in the sign-in email:\n{text}")
    walk.does("Types the code from the email (the email stays in the mailbox).")
    walk.fill("#id_code", code.group(1))
    walk.submit("main form:has(#id_code) [type=submit]")
    walk.does("Signed in; taps “Mon espace” in the header.")
    walk.follow("header nav a[href='/compte/mon-espace/']")
    if item_title:
        walk.expect_text("main", re.escape(item_title))
        walk.does(f"Finds the contribution “{item_title}” with its status.")
    else:
        walk.does("Reads their participation.")


def join_and_post(walk: Walk, person: Person) -> None:
    """d. Join the collective (a name asked when the account has none); post a message."""
    walk.go("/collectifs/")
    walk.does("Reads the collectives; taps one.")
    walk.follow(f"main a[href='{COLLECTIVE}']")
    join = "main section[aria-labelledby=join-title]"
    name = walk.page.locator(f"{join} input[name=display_name], {join} input[type=text]")
    if name.count():
        walk.fill(f"{join} input[type=text] >> nth=0", person.name)
        walk.does("Types the name the members will read; taps “Rejoindre”.")
    else:
        walk.does("Taps “Rejoindre”.")
    walk.submit(f"{join} button[type=submit]")
    walk.expect_text(f"{join} h2", "membre|member")
    walk.does("A member now; taps the “Discussions” tab.")
    walk.follow(f"main a[href='{COLLECTIVE}discussions/']")
    walk.does("Taps “Nouvelle discussion”.")
    walk.follow(f"main a[href='{COLLECTIVE}discussions/nouvelle/']")
    walk.does("Types a subject and a message; sends.")
    walk.fill("#id_subject", "Bonjour à toutes et tous")
    walk.fill("#id_body", "Je viens d’arriver dans le quartier.\nQui va au marché samedi ?")
    walk.submit("main form:has(#id_subject) [type=submit]")
    walk.does("Reads the message in its discussion (or that it waits for a coordinator).")


def propose_initiative(walk: Walk) -> None:
    """e. Propose an initiative in the collective."""
    walk.go(COLLECTIVE)
    walk.does("Taps the “Initiatives” tab.")
    walk.follow(f"main a[href='{COLLECTIVE}initiatives/']")
    walk.does("Taps “Proposer une initiative”.")
    walk.follow(f"main a[href='{COLLECTIVE}initiatives/nouvelle/']")
    walk.does("Names the initiative, says what it is; sends.")
    walk.fill("#id_title", "Un composteur partagé place de l’église")
    walk.fill("#id_what", "Un bac à compost pour les épluchures du quartier, tenu à plusieurs.")
    walk.submit("main form:has(#id_title) [type=submit]")
    walk.does("Reads the initiative's page: others can say “j’en suis”.")


# --- The document ------------------------------------------------------------------------


def targets(contribution: Journey) -> list[tuple[str, bool]]:
    screens = contribution.screens_before_email()
    emails = len(contribution.emails)
    inputs = contribution.inputs
    return [
        (
            f"a guest's first contribution takes at most {TARGET_SCREENS} screens plus the "
            f"confirmation email: {screens} screens to the thank-you, {emails} email",
            not contribution.error and screens <= TARGET_SCREENS and emails <= 1,
        ),
        (
            f"… and at most {TARGET_INPUTS} required inputs: {inputs}",
            not contribution.error and inputs <= TARGET_INPUTS,
        ),
    ]


def short(path: str) -> str:
    """A path with its signed tokens (a link from an email) shortened."""
    return "/".join(part if len(part) <= 40 else "…" for part in path.split("/"))


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def document(journeys: list[Journey], base_url: str) -> str:
    lines = [
        "# Inhabitants' journeys on a phone",
        "",
        "<!-- Written by scripts/journeys.py: edit the script, not this file. -->",
        "",
        "Each journey of issue #13 walked on a 390 × 844 touch phone with JavaScript on, "
        "against the demo, by `scripts/journeys.py` (rerun it to refresh this page and its "
        "pictures; how, in its `--help`). Last run: "
        f"{datetime.date.today().isoformat()}, against `{base_url}`.",
        "",
        "What is counted:",
        "",
        "- **screens**: the pages the browser loads (a form sent and the page it leads to "
        "are two; a redirect is not one). The contribution form shows in steps on a phone "
        "(Le lieu → L'élément → Les photos → Vous): they are one page, one screen, and "
        "their pictures are shown under it;",
        "- **emails**: the emails the person must open to go on;",
        "- **required inputs**: what the person must fill, tick or choose — what the script "
        "had to give, and the `[required]` controls of each form sent that were empty "
        "(a control filled in advance, such as the number of companions, is not counted). "
        "The place of a contribution counts as one input (a tap on the map, or a commune);",
        "- **scroll**: how far down the page the first thing the person acts on starts, in "
        "phone screens (0.4: in the first screen; 2.1: after two screens of scrolling). "
        "Such a screen is pictured where the person acts, not at its top.",
        "",
        "## Summary",
        "",
        "| Journey | Screens | Emails | Required inputs | Result |",
        "| --- | --- | --- | --- | --- |",
    ]
    for journey in journeys:
        result = f"failed: {journey.error}" if journey.error else "walked"
        lines.append(
            f"| {journey.key}. {journey.title} | {len(journey.screens)} | "
            f"{len(journey.emails)} | {journey.inputs} | {cell(result)} |"
        )
    lines += ["", "## Targets (issue #13)", ""]
    for text, holds in targets(journeys[0]):
        lines.append(f"- {'holds' if holds else '**missed**'}: {text}.")
    for journey in journeys:
        lines += ["", f"## {journey.key}. {journey.title}", ""]
        if journey.note:
            lines += [journey.note, ""]
        if journey.error:
            lines += [f"**Failed**: {journey.error}", ""]
        lines += [
            "| Screen | Page | What the person does | Scroll | Inputs |",
            "| --- | --- | --- | --- | --- |",
        ]
        for screen in journey.screens:
            inputs = ", ".join(screen.inputs.values()) or "—"
            page = f"{screen.heading} (`{short(screen.path)}`)"
            if screen.wide:
                page += f" — **wider than the phone: {screen.wide} px**"
            marker = " (from the email)" if screen.after_email else ""
            scroll = "—" if screen.reach is None else f"{screen.reach:g}"
            lines.append(
                f"| {screen.number}{marker} | {cell(page)} | {cell(' '.join(screen.does))} | "
                f"{scroll} | {len(screen.inputs)}: {cell(inputs)} |"
            )
        lines += [
            "",
            f"Totals: {len(journey.screens)} screens, {len(journey.emails)} "
            f"email{'s' if len(journey.emails) != 1 else ''}"
            + (f" ({'; '.join(journey.emails)})" if journey.emails else "")
            + f", {journey.inputs} required inputs.",
            "",
        ]
        for screen in journey.screens:
            label = f"{journey.key}{screen.number}: {cell(screen.heading)}"
            if screen.steps:
                label += f" — {cell(screen.steps[0])}"
            pictures = [f"![{label}](journeys/{screen.image})"]
            for step in screen.steps[1:]:
                name, image = step.split("|")
                pictures.append(f"![{journey.key}{screen.number}: {cell(name)}](journeys/{image})")
            lines += [" ".join(pictures), ""]
    return "\n".join(lines).rstrip() + "\n"


# --- Running -------------------------------------------------------------------------------


def offline(tile: bytes, base_url: str) -> Callable:
    def route(route) -> None:
        if route.request.url.startswith(base_url + "/"):
            route.continue_()
        elif route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/png", body=tile)
        else:
            route.abort("internetdisconnected")

    return route


def blank_tile() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), "#e8e4d8").save(buffer, format="PNG")
    return buffer.getvalue()


# The first screens issue #14 redesigns, pictured before and after (`--pages LABEL`).
FIRST_SCREENS = [
    ("home", "/"),
    ("project", "/projets/demo-inventaire-petit-patrimoine/"),
    ("action", "/actions/plantation-de-haies-champetres/"),
    ("campaign", "/inventaires/demo-petit-patrimoine-garrigues/"),
    ("map", "/inventaires/demo-petit-patrimoine-garrigues/carte/"),
    ("agenda", "/actions/"),
]
SCREEN_SIZES = {390: 844, 1280: 900}
PAGES_BEGIN = "<!-- first screens: begin -->"
PAGES_END = "<!-- first screens: end -->"


def pictures_of_pages(options: argparse.Namespace) -> None:
    """The first screen (what shows before any scrolling) of each page of FIRST_SCREENS,
    at a phone's and a laptop's width, into `<out>/pages/<label>/`."""
    from playwright.sync_api import sync_playwright

    folder = options.out / "pages" / options.pages
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("TISSAGE_CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu"],
        )
        tile = blank_tile()
        for width, height in SCREEN_SIZES.items():
            phone = width < 600
            context = browser.new_context(
                locale="fr-FR",
                viewport={"width": width, "height": height},
                is_mobile=phone,
                has_touch=phone,
            )
            context.route(re.compile(r"^https?://"), offline(tile, options.base_url))
            page = context.new_page()
            for name, path in FIRST_SCREENS:
                answer = page.goto(options.base_url + path, wait_until="networkidle")
                if answer is None or answer.status != 200:
                    raise Failed(f"{path} answered {answer.status if answer else 'nothing'}")
                page.screenshot(path=str(folder / f"{name}-{width}.jpg"), type="jpeg", quality=70)
            context.close()
        browser.close()


def pages_section(out: Path) -> list[str]:
    """The first screens' pictures of every label taken (before, after…), side by side."""
    root = out / "pages"
    labels = sorted(
        (folder.name for folder in root.iterdir() if folder.is_dir()) if root.exists() else [],
        key=lambda label: (label != "before", label),
    )
    if not labels:
        return [PAGES_BEGIN, PAGES_END]
    lines = [
        PAGES_BEGIN,
        "## First screens, before and after issue #14",
        "",
        "What each page shows before any scrolling, on a 390 × 844 phone and a 1280 × 900 "
        "laptop (`scripts/journeys.py --pages LABEL` takes them; labels: "
        + ", ".join(f"`{label}`" for label in labels)
        + ").",
        "",
    ]
    for name, path in FIRST_SCREENS:
        lines += [f"### {name} (`{path}`)", ""]
        for width in SCREEN_SIZES:
            pictures = [
                f"![{name}, {width} px, {label}](journeys/pages/{label}/{name}-{width}.jpg)"
                for label in labels
                if (root / label / f"{name}-{width}.jpg").exists()
            ]
            lines += [f"{width} px — " + ", ".join(labels) + ":", "", " ".join(pictures), ""]
    return [*lines, PAGES_END]


def doc_with_pages(text: str, out: Path) -> str:
    """The document with its first screens' section (re)written in place, or added."""
    section = "\n".join(pages_section(out))
    if PAGES_BEGIN in text and PAGES_END in text:
        head, rest = text.split(PAGES_BEGIN, 1)
        return head + section + rest.split(PAGES_END, 1)[1]
    return text.rstrip() + "\n\n" + section + "\n"


def walk_all(options: argparse.Namespace) -> list[Journey]:
    from playwright.sync_api import sync_playwright
    from screenshots import session_of  # scripts/screenshots.py

    token = secrets.token_hex(3)
    guest = Person("Nadia Journeys", f"nadia.{token}@example.org")
    attendee = Person("Yves Journeys", f"yves.{token}@example.org")
    journeys = [
        Journey("a", "A guest's first contribution"),
        Journey("b", "Registering for a work-day as a guest, cancelling from the email"),
        Journey("c", "Signing in with the emailed code, finding one's participation"),
        Journey("d", "Joining a collective, posting a message"),
        Journey("e", "Proposing an initiative"),
    ]
    a, b, c, d, e = journeys
    options.out.mkdir(parents=True, exist_ok=True)
    for old in options.out.glob("*.jpg"):
        old.unlink()
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("TISSAGE_CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu"],
        )
        tile = blank_tile()

        def phone(cookies: list | None = None) -> Walk:
            context = browser.new_context(locale="fr-FR", **PHONE)  # type: ignore[arg-type]
            context.set_default_timeout(TIMEOUT_MS)
            context.route(re.compile(r"^https?://"), offline(tile, options.base_url))
            if cookies:
                context.add_cookies(cookies)
            return Walk(context.new_page(), options.base_url, options.out, options.mailbox)

        def run(journey: Journey, walk: Walk, do: Callable[[], None]) -> bool:
            walk.start(journey)
            try:
                do()
            except Exception as error:  # said in the report; the other journeys go on
                where = f" (on {walk.page.url})" if walk.page.url.startswith("http") else ""
                journey.error = (str(error).strip().splitlines() or [repr(error)])[0] + where
            if not journey.error and journey.loads != len(journey.screens):
                journey.error = (
                    f"the browser loaded {journey.loads} pages but {len(journey.screens)} "
                    "were recorded"
                )
            print(
                f"{journey.key}. {journey.title}: "
                + (f"FAILED: {journey.error}" if journey.error else "walked")
                + f" — {len(journey.screens)} screens, {len(journey.emails)} emails, "
                f"{journey.inputs} required inputs"
            )
            return not journey.error

        photo = a_photo(Path(folder))
        guest_walk = phone()
        titles: list[str] = []
        run(a, guest_walk, lambda: titles.append(contribute(guest_walk, guest, photo)))
        attendee_walk = phone()
        run(b, attendee_walk, lambda: register_and_cancel(attendee_walk, attendee))
        if options.email:
            # d and e as an existing person, whose session is opened in the database.
            name, value = session_of(options.email)
            member = phone([{"name": name, "value": value, "url": options.base_url}])
            c.note = f"Not walked: `--as {options.email}` was given for d and e."
        else:
            member = phone()
            run(c, member, lambda: sign_in(member, guest, titles[0] if titles else None))
        if c.error:
            d.error = e.error = "not walked: journey c did not sign in"
        else:
            run(d, member, lambda: join_and_post(member, guest))
            run(e, member, lambda: propose_initiative(member))
        browser.close()
    return journeys


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--mailbox",
        type=Path,
        help="where the demo delivers its emails: the folder of EMAIL_URL=file:///… or a "
        "file of its terminal output (default: the data folder's mail/)",
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "docs" / "journeys", help="pictures' folder"
    )
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "journeys.md")
    parser.add_argument(
        "--pages",
        metavar="LABEL",
        help="only picture the first screens of the main pages (home, project, action, "
        "campaign, map, agenda) at 390 and 1280 px under this label (e.g. before, after), "
        "and rewrite that section of the document; no journey is walked",
    )
    parser.add_argument(
        "--as",
        dest="email",
        help="walk journeys d and e as this existing person (as screenshots.py --as) "
        "instead of the account journey c signs in",
    )
    options = parser.parse_args()
    options.base_url = options.base_url.rstrip("/")
    if options.pages:
        try:
            pictures_of_pages(options)
        except Failed as error:
            print(f"journeys: {error}", file=sys.stderr)
            return 1
        text = options.doc.read_text() if options.doc.exists() else ""
        options.doc.write_text(doc_with_pages(text, options.out))
        print(f"Written: {options.doc} and the first screens under {options.pages!r}")
        return 0
    if not os.environ.get("SECRET_KEY"):
        print(
            "journeys: SECRET_KEY is not set: run with the demo's TISSAGE_DATA_DIR and "
            "SECRET_KEY (see --help)",
            file=sys.stderr,
        )
        return 2
    if options.mailbox is None:
        options.mailbox = Path(os.environ.get("TISSAGE_DATA_DIR", "var")) / "mail"
    sys.path.insert(0, str(REPO / "scripts"))
    django_setup()
    journeys = walk_all(options)
    options.doc.write_text(doc_with_pages(document(journeys, options.base_url), options.out))
    print(f"Written: {options.doc} and {len(list(options.out.glob('*.jpg')))} pictures")
    failed = [j for j in journeys if j.error]
    missed = [text for text, holds in targets(journeys[0]) if not holds]
    if failed:
        print(f"journeys: {failed[0].key}. failed: {failed[0].error}", file=sys.stderr)
        return 1
    if missed:
        print(f"journeys: target missed: {missed[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
