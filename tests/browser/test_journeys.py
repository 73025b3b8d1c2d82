"""Issue #13's acceptance, as an inhabitant lives it on a 390 × 844 phone, with and
without JavaScript: the action page knows who is looking (not registered, registered,
waiting with a position, full); "Mon espace" finds a guest's contribution once the
address is proven; a new collective member is asked for a name; a message keeps its
line breaks; deleting an account gives its place to the next person waiting.

Pages are in English (the `django_language` cookie), so that the assertions read the
catalogue's msgids and hold whatever the French translation says.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from playwright.sync_api import BrowserContext, Page, expect

from tissage.accounts.models import User
from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Action, Registration
from tissage.actions.registration.services import registration_create
from tissage.collectives.models import CollectiveMembership, Message
from tissage.inventories.contributions.services import contribution_submit
from tissage.inventories.models import Campaign, Contribution
from tissage.inventories.tests.helpers import a_photo

from .helpers import PHONE_390, url_is

pytestmark = pytest.mark.browser

# The phone of issue #13's acceptance: 390 × 844, touch.

with_and_without_javascript = pytest.mark.parametrize(
    "javascript", [True, False], ids=["js", "no-js"]
)

CONFIRM_RE = re.compile(r"https?://\S+/inventaires/confirmer/\S+/")


@pytest.fixture
def phone(
    new_context: Callable[..., BrowserContext],
    new_page: Callable[[BrowserContext], Page],
    sign_in_as: Callable[[BrowserContext, User], None],
    live_server,
) -> Callable[..., Page]:
    """A phone's page in English, with or without JavaScript, signed in as `user` if
    one is given."""

    def open_phone(*, javascript: bool, user: User | None = None) -> Page:
        context = new_context(java_script_enabled=javascript, **PHONE_390)
        context.add_cookies(
            [
                {
                    "name": settings.LANGUAGE_COOKIE_NAME,
                    "value": "en",
                    "url": live_server.url,
                }
            ]
        )
        if user is not None:
            sign_in_as(context, user)
        return new_page(context)

    return open_phone


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE_390["viewport"]["width"], f"{page.url} is {width}px wide"


# --- 1. The action page in each state -------------------------------------------------


@pytest.fixture
def small_action(world) -> Action:
    """A planting with one place and a waiting list, at 9:00 (Paris) in ten days."""
    starts_at = timezone.localtime(timezone.now() + datetime.timedelta(days=10)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return action_create(
        project=world.project,
        title="Plantation d'une haie à Albon",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=[RoleInput("Planter", 1)],
        address="Chemin des Vergers, Albon",
        status="published",
        waiting_list=True,
    )


def registered_line(action: Action, role: str) -> str:
    """'Planter, Monday 14 July 2031 at 09:00.' as the page writes it in English."""
    with translation.override("en"):
        date = dateformat.format(timezone.localtime(action.starts_at), "l j F Y")
    return f"{role}, {date} at 09:00."


def registration_box(page: Page):
    return page.locator("section[aria-labelledby=register-title]")


@with_and_without_javascript
def test_the_action_page_in_each_state(phone, visit, check_page, world, small_action, javascript):
    url = reverse("actions:detail", kwargs={"slug": small_action.slug})
    ana = User.objects.create_user("ana@example.org", display_name="Ana Avril")
    bruno = User.objects.create_user("bruno@example.org", display_name="Bruno Bois")
    chloe = User.objects.create_user("chloe@example.org", display_name="Chloé Chêne")

    # Not registered: the form, the place left.
    first = phone(javascript=javascript, user=ana)
    visit(first, url)
    fits_the_phone(first)
    box = registration_box(first)
    expect(box.locator("h2")).to_have_text("Register")
    expect(first.locator("section[aria-labelledby=places-title]")).to_contain_text(
        "Planter — 1 place left / 1"
    )
    expect(box.get_by_label(re.compile("Planter"))).to_be_checked()
    first.locator("#id_phone").fill("06 12 34 56 78")
    box.get_by_role("button", name="Register", exact=True).click()

    # Registered: what, when, a cancel button, and no empty form.
    expect(first.locator("[role=status]")).to_contain_text("You are registered.")
    expect(box.locator("h2")).to_have_text("You are registered")
    expect(box).to_contain_text(registered_line(small_action, "Planter"))
    expect(box.get_by_role("link", name="Cancel my registration")).to_be_visible()
    expect(box.locator("form")).to_have_count(0)
    expect(first.locator("#id_role_0")).to_have_count(0)
    expect(first.locator("section[aria-labelledby=places-title] .badge")).to_have_text("Full")
    check_page(first)
    fits_the_phone(first)

    # Full: said so, and the waiting list offered.
    second = phone(javascript=javascript, user=bruno)
    visit(second, url)
    box = registration_box(second)
    expect(box).to_contain_text("Full.")
    expect(box).to_contain_text("you go on the waiting list")
    expect(box.get_by_label(re.compile("Planter — full: waiting list"))).to_be_visible()
    box.get_by_role("button", name="Join the waiting list").click()

    # Waiting, with the position.
    expect(second.locator("[role=status]")).to_contain_text("you are on the waiting list")
    expect(box.locator("h2")).to_have_text("You are on the waiting list")
    expect(box).to_contain_text("Your place on the waiting list: 1.")
    expect(box.get_by_role("link", name="Cancel my registration")).to_be_visible()
    expect(box.locator("form")).to_have_count(0)
    check_page(second)

    third = phone(javascript=javascript, user=chloe)
    visit(third, url)
    registration_box(third).get_by_role("button", name="Join the waiting list").click()
    expect(registration_box(third)).to_contain_text("Your place on the waiting list: 2.")
    check_page(third)
    assert list(
        Registration.objects.filter(action=small_action)
        .order_by("created_at")
        .values_list("email", "status")
    ) == [
        ("ana@example.org", "confirmed"),
        ("bruno@example.org", "waiting"),
        ("chloe@example.org", "waiting"),
    ]

    # Ana cancels with the page's button: Bruno has the place, Chloé moves up.
    mail.outbox.clear()
    registration_box(first).get_by_role("link", name="Cancel my registration").click()
    check_page(first)
    first.get_by_role("button", name="Yes, cancel").click()
    expect(first.locator("[role=status]")).to_contain_text("Your registration is cancelled")
    expect(registration_box(first).locator("h2")).to_have_text("Register")
    check_page(first)

    visit(second, url)
    expect(registration_box(second).locator("h2")).to_have_text("You are registered")
    expect(registration_box(second)).to_contain_text(registered_line(small_action, "Planter"))
    visit(third, url)
    expect(registration_box(third)).to_contain_text("Your place on the waiting list: 1.")
    # Bruno is told by email that he has the place; nobody else is written to.
    (told,) = mail.outbox
    assert told.to == ["bruno@example.org"]
    assert small_action.title in told.body


# --- 2. "Mon espace" finds a guest's contribution --------------------------------------


def guest_contributes(campaign: Campaign, live_server) -> Contribution:
    """A guest's contribution, as the form makes it (the form itself is tested apart)."""
    return contribution_submit(
        campaign=campaign,
        category=campaign.categories.get(merimee_denomination="lavoir"),
        title="Lavoir du Grand Pré",
        lon=5.05,
        lat=44.05,
        photos=[a_photo("Jeanne Martin")],
        guest_name="Jeanne Martin",
        guest_email="Jeanne@Example.org",
        base_url=live_server.url,
    )


def my_line(page: Page, check_page, item: Contribution):
    """From the header, "My space": the item's line in "My contributions"."""
    page.locator(f"header nav a[href='{reverse('accounts:my_space')}']").click()
    expect(page).to_have_url(url_is(reverse("accounts:my_space")))
    check_page(page)
    fits_the_phone(page)
    mine = page.locator("section[aria-labelledby=my-contributions-title]")
    expect(mine.locator("h2")).to_have_text("My contributions")
    line = mine.locator("li").filter(has_text=item.title)
    expect(line).to_have_count(1)
    expect(line).to_contain_text(item.campaign.title)
    return line


@with_and_without_javascript
def test_my_space_shows_a_guest_contribution_once_the_address_is_confirmed(
    phone, visit, check_page, sign_in_with_code, campaign, live_server, javascript
):
    """A guest contributes, then signs in with the same address (a code, no password):
    the item is theirs, in "My space", with its status; the email's link sends it to
    the team, and the status says so."""
    item = guest_contributes(campaign, live_server)
    assert item.status == Contribution.Status.AWAITING_EMAIL
    (confirmation,) = mail.outbox
    link = CONFIRM_RE.search(confirmation.body)
    assert link, confirmation.body

    page = phone(javascript=javascript)
    visit(page, reverse("inventories:campaign", kwargs={"slug": campaign.slug}))
    page.locator(f"header nav a[href='{reverse('accounts:sign_in')}']").click()
    sign_in_with_code(page, "jeanne@example.org")
    item.refresh_from_db()
    assert item.contributor == User.objects.get(email="jeanne@example.org")

    # Signing in proves the address, not that its owner sent the item (anyone may type
    # an address in the guest form): the item waits for its link, and the page says so.
    line = my_line(page, check_page, item)
    expect(line.locator(".badge")).to_have_text("waiting for email confirmation")
    expect(line).to_contain_text("the link in the email")
    # The author sees their item before it is confirmed or published.
    line.get_by_role("link", name=item.title).click()
    expect(page).to_have_url(url_is(item.get_absolute_url()))
    expect(page.locator("h1")).to_have_text(item.title)
    check_page(page)

    visit(page, link.group(0))
    expect(page.locator("[role=status]")).to_contain_text("Your email address is confirmed")
    check_page(page)
    line = my_line(page, check_page, item)
    expect(line.locator(".badge")).to_have_text("waiting for the team")
    expect(line).not_to_contain_text("the link in the email")
    item.refresh_from_db()
    assert item.status == Contribution.Status.SUBMITTED


# --- 3 and 4. Collectives: a name when joining; line breaks kept -----------------------


@with_and_without_javascript
def test_a_new_member_without_a_name_is_asked_for_one_when_joining(
    phone, visit, check_page, collective, javascript
):
    newcomer = User.objects.create_user("camille@example.org")
    assert newcomer.display_name == ""
    page = phone(javascript=javascript, user=newcomer)
    detail_url = reverse("collectives:detail", kwargs={"slug": collective.slug})
    visit(page, detail_url)
    fits_the_phone(page)
    join_box = page.locator("section[aria-labelledby=join-title]")
    name = join_box.get_by_label("Your name, as the members will read it")
    expect(name).to_be_visible()
    expect(name).to_have_value("")

    # Without a name, nobody joins: the browser stops an empty field...
    expect(name).to_have_attribute("required", "")
    join_box.get_by_role("button", name="Join", exact=True).click()
    expect(name).to_be_focused()
    assert name.evaluate("field => field.validity.valueMissing")
    # ... and the server one of spaces only, saying what is missing.
    name.fill("   ")
    join_box.get_by_role("button", name="Join", exact=True).click()
    expect(page.locator("[role=status]")).to_contain_text("Give the name the members will read.")
    check_page(page)
    assert not CollectiveMembership.objects.filter(user=newcomer).exists()

    join_box.get_by_label("Your name, as the members will read it").fill("Camille N.")
    join_box.get_by_role("button", name="Join", exact=True).click()
    expect(page.locator("[role=status]")).to_contain_text("Welcome to")
    expect(join_box.locator("h2")).to_have_text("You are a member")
    expect(join_box.get_by_label("Your name, as the members will read it")).to_have_count(0)
    check_page(page)
    newcomer.refresh_from_db()
    assert newcomer.display_name == "Camille N."

    # The name shows in the members' list and on the person's message.
    visit(page, reverse("collectives:members", kwargs={"slug": collective.slug}))
    expect(page.locator("section[aria-labelledby=members-title]")).to_contain_text("Camille N.")
    expect(page.locator("main")).not_to_contain_text(re.compile("Participant", re.I))
    visit(page, reverse("collectives:thread_create", kwargs={"slug": collective.slug}))
    page.locator("#id_subject").fill("Bonjour")
    page.locator("#id_body").fill("Je suis nouvelle dans le quartier.")
    page.get_by_role("button", name="Start the discussion").click()
    expect(page.locator("h1")).to_have_text("Bonjour")
    expect(page.locator(".message-author").first).to_have_text("Camille N.")
    check_page(page)


@with_and_without_javascript
def test_a_message_with_line_breaks_is_shown_with_them(
    phone, visit, check_page, collective, javascript
):
    author = User.objects.create_user("marion@example.org", display_name="Marion Membre")
    CollectiveMembership.objects.create(
        collective=collective,
        user=author,
        role=CollectiveMembership.Role.MEMBER,
        status=CollectiveMembership.Status.ACTIVE,
        trusted=True,
    )
    reader = User.objects.create_user("lea@example.org", display_name="Léa Lectrice")
    CollectiveMembership.objects.create(
        collective=collective,
        user=reader,
        role=CollectiveMembership.Role.MEMBER,
        status=CollectiveMembership.Status.ACTIVE,
    )
    lines = ["Bonjour à tous,", "RDV samedi à 14 h", "devant la mairie,", "avec des gants."]
    page = phone(javascript=javascript, user=author)
    visit(page, reverse("collectives:thread_create", kwargs={"slug": collective.slug}))
    page.locator("#id_subject").fill("Chantier de samedi")
    # Typed as on a phone: one line after the other, no blank line between them.
    page.locator("#id_body").fill("\n".join(lines) + "\n\nMarion")
    page.get_by_role("button", name="Start the discussion").click()
    expect(page.locator("h1")).to_have_text("Chantier de samedi")
    check_page(page)
    fits_the_phone(page)

    body = page.locator(".message-body").first
    shown = [line.strip() for line in body.inner_text().splitlines() if line.strip()]
    assert shown == [*lines, "Marion"]
    # Each line sits below the one before it on the screen (not only in the text).
    tops = [
        round(box["y"])
        for box in body.evaluate(
            """element => {
              const range = document.createRange();
              range.selectNodeContents(element.querySelector('p'));
              return [...range.getClientRects()].map(r => ({y: r.top}));
            }"""
        )
    ]
    assert len(set(tops)) >= len(lines), tops
    (message,) = Message.objects.filter(thread__collective=collective)
    assert message.body.splitlines()[:4] == lines

    # The list's copy keeps them too, in its HTML part as in its text.
    (copy,) = [m for m in mail.outbox if m.to == ["lea@example.org"]]
    (html, _type) = copy.alternatives[0]
    assert "<br>\n".join(lines) in html
    assert copy.body.splitlines()[:4] == lines


# --- 5. Deleting an account gives its place to the next person waiting -----------------


@with_and_without_javascript
def test_deleting_an_account_gives_its_place_to_the_next_person_waiting(
    phone, visit, check_page, small_action, live_server, javascript
):
    ana = User.objects.create_user("ana@example.org", display_name="Ana Avril")
    bruno = User.objects.create_user("bruno@example.org", display_name="Bruno Bois")
    role = small_action.roles.get()
    for person in (ana, bruno):
        registration_create(
            action=small_action,
            role=role,
            name=person.display_name,
            email=person.email,
            user=person,
            base_url=live_server.url,
        )
    assert dict(Registration.objects.values_list("email", "status")) == {
        "ana@example.org": "confirmed",
        "bruno@example.org": "waiting",
    }
    url = reverse("actions:detail", kwargs={"slug": small_action.slug})

    waiting = phone(javascript=javascript, user=bruno)
    visit(waiting, url)
    expect(registration_box(waiting)).to_contain_text("Your place on the waiting list: 1.")

    # Ana deletes her account; the page says what becomes of her registrations.
    leaving = phone(javascript=javascript, user=ana)
    visit(leaving, reverse("accounts:account"))
    leaving.locator(f"main a[href='{reverse('accounts:delete')}']").click()
    expect(leaving).to_have_url(url_is(reverse("accounts:delete")))
    expect(leaving.locator("main")).to_contain_text(
        "Your registrations for actions to come are cancelled: your places go to the "
        "people on the waiting list."
    )
    check_page(leaving)
    fits_the_phone(leaving)
    mail.outbox.clear()
    leaving.locator("#id_confirm").check()
    leaving.locator("main form:has(#id_confirm) [type=submit]").click()
    expect(leaving).to_have_url(url_is(reverse("projects:home")))
    expect(leaving.locator("[role=status] .notice-success")).to_be_visible()
    check_page(leaving)
    assert not User.objects.filter(email="ana@example.org").exists()

    # Bruno has the place: his page says so, and an email told him.
    visit(waiting, url)
    box = registration_box(waiting)
    expect(box.locator("h2")).to_have_text("You are registered")
    expect(box).to_contain_text(registered_line(small_action, "Planter"))
    expect(box).not_to_contain_text("waiting list:")
    assert Registration.objects.get(user=bruno).status == Registration.Status.CONFIRMED
    (told,) = [m for m in mail.outbox if m.to == ["bruno@example.org"]]
    assert small_action.title in told.body
