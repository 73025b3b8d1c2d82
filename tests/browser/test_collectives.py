"""Collectives as people use them (issue #5): a new inhabitant joins an open
collective from a phone, starts a discussion, improves the hub page (the gare
centrale), proposes an initiative; another member joins it; the coordinator turns it
into a project. The same core flows without JavaScript, and with the keyboard alone.

Buttons are found by role and by a name in French or English, so the test holds
whichever the catalogue has translated.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from tissage.accounts.models import User
from tissage.collectives.lists import services
from tissage.collectives.lists.mail import inbound
from tissage.collectives.models import (
    Collective,
    CollectiveMembership,
    InboundMail,
    Initiative,
    InitiativeMember,
    Message,
    Thread,
    WikiPage,
)
from tissage.projects.models import ProjectMembership

from .helpers import PHONE, PHONE_WIDTH, url_is

pytestmark = pytest.mark.browser

NEWCOMER = "camille@example.org"

JOIN = re.compile(r"^\s*(Rejoindre|Join)\s*$")
SIGN_IN_TO_JOIN = re.compile(r"(Se connecter|Connectez-vous|Sign in).*(rejoindre|join)", re.I)
NEW_DISCUSSION = re.compile(r"Nouvelle discussion|New discussion")
START_DISCUSSION = re.compile(r"Lancer la discussion|Commencer la discussion|Start the discussion")
SEND_REPLY = re.compile(r"Envoyer la réponse|Send the reply")
EDIT = re.compile(r"^\s*(Modifier|Edit)\b")
SAVE = re.compile(r"^\s*(Enregistrer|Save)\s*$")
PROPOSE_INITIATIVE = re.compile(r"Proposer une initiative|Propose an initiative")
PROPOSE = re.compile(r"^\s*(Proposer|Propose)\s*$")
COUNT_ME_IN = re.compile(r"J’en suis|J'en suis|Count me in")
CHANGE_STATUS = re.compile(r"Changer le statut|Modifier le statut|Change the status")
MAKE_PROJECT = re.compile(r"Transformer en projet|Turn into a project")
WELCOME = re.compile(r"Bienvenue|Welcome")


def watched(page: Page) -> Page:
    """Beyond what conftest records (CSP refusals, script errors, failed requests),
    count any console error as a problem: `check_page` then fails on it."""
    problems: list[str] = page.problems  # type: ignore[attr-defined]

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" not in message.text:
            problems.append(f"console error: {message.text}")

    page.on("console", on_console)
    return page


def fits_the_phone(page: Page) -> None:
    """No horizontal scrolling on the phone's 360px screen."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a phone"


def main(page: Page):
    return page.locator("main")


@pytest.fixture
def member(collective) -> User:
    """A person already in the collective."""
    user = User.objects.create_user("marion@example.org", display_name="Marion Membre")
    CollectiveMembership.objects.create(
        collective=collective,
        user=user,
        role=CollectiveMembership.Role.MEMBER,
        status=CollectiveMembership.Status.ACTIVE,
        trusted=True,
    )
    return user


def test_an_inhabitant_joins_posts_edits_the_hub_proposes_and_it_becomes_a_project(
    new_context,
    new_page,
    visit,
    check_page,
    sign_in_with_code,
    sign_in_as,
    world,
    collective,
    member,
):
    detail_url = reverse("collectives:detail", kwargs={"slug": collective.slug})

    # A new inhabitant, on a phone, finds the collective and signs in to join it.
    phone = watched(new_page(new_context(**PHONE)))
    visit(phone, detail_url)
    fits_the_phone(phone)
    expect(phone.locator("h1")).to_have_text(collective.name)
    expect(main(phone)).to_contain_text("bassin de Londres")
    phone.get_by_role("button", name=SIGN_IN_TO_JOIN).click()
    expect(phone).to_have_url(url_is(reverse("accounts:sign_in")))
    check_page(phone)
    fits_the_phone(phone)
    sign_in_with_code(phone, NEWCOMER)
    # Signed in, the person is back where they were.
    expect(phone).to_have_url(url_is(detail_url))
    # The name others will see, from the account page (through "my space").
    phone.locator(f"header a[href='{reverse('accounts:my_space')}']").first.click()
    check_page(phone)
    phone.locator(f"main a[href='{reverse('accounts:account')}']").first.click()
    check_page(phone)
    phone.locator("#id_display_name").fill("Camille Nouvelle")
    phone.locator("main form:has(#id_display_name) [type=submit]").click()
    expect(phone.locator("[role=status] .notice-success")).to_be_visible()
    check_page(phone)
    newcomer = User.objects.get(email=NEWCOMER)
    assert newcomer.display_name == "Camille Nouvelle"

    # Back on the collective's page: "Rejoindre".
    visit(phone, detail_url)
    fits_the_phone(phone)
    phone.get_by_role("button", name=JOIN).click()
    expect(phone).to_have_url(url_is(detail_url))
    expect(phone.locator("[role=status]")).to_contain_text(WELCOME)
    expect(phone.get_by_role("button", name=JOIN)).to_have_count(0)
    check_page(phone)
    fits_the_phone(phone)
    membership = CollectiveMembership.objects.get(collective=collective, user=newcomer)
    assert membership.status == CollectiveMembership.Status.ACTIVE

    # A discussion, with a subject and a message.
    phone.get_by_role("navigation", name=re.compile("collectif|Collective", re.I)).get_by_role(
        "link", name=re.compile("Discussions")
    ).click()
    check_page(phone)
    fits_the_phone(phone)
    phone.get_by_role("link", name=NEW_DISCUSSION).click()
    check_page(phone)
    fits_the_phone(phone)
    phone.locator("#id_subject").fill("Un jardin partagé derrière l’école ?")
    phone.locator("#id_body").fill(
        "Bonjour à tous,\n\nqui serait partant pour **cultiver** ensemble ?"
    )
    phone.get_by_role("button", name=START_DISCUSSION).click()
    expect(phone.locator("h1")).to_have_text("Un jardin partagé derrière l’école ?")
    expect(main(phone).locator(".message-body strong")).to_have_text("cultiver")
    check_page(phone)
    fits_the_phone(phone)
    thread = Thread.objects.get(collective=collective)
    assert thread.subject == "Un jardin partagé derrière l’école ?"
    (message,) = Message.objects.filter(thread=thread)
    assert message.author == newcomer
    assert "cultiver" in message.body

    # The hub page, from the wiki tab: a link to a page that does not exist yet.
    phone.get_by_role("link", name="Wiki", exact=True).click()
    check_page(phone)
    fits_the_phone(phone)
    phone.get_by_role("link", name="Gare centrale").first.click()
    expect(phone.locator("h1")).to_have_text("Gare centrale")
    check_page(phone)
    fits_the_phone(phone)
    phone.get_by_role("link", name=EDIT).click()
    check_page(phone)
    fits_the_phone(phone)
    body = phone.locator("#id_body")
    body.fill(body.input_value() + "\n\nNos projets : [[Jardins partagés]]")
    phone.get_by_role("button", name=SAVE).click()
    expect(phone.locator("h1")).to_have_text("Gare centrale")
    # The page does not exist yet: the link offers to create it.
    jardins = main(phone).get_by_role("link", name=re.compile("Jardins partagés"))
    expect(jardins).to_be_visible()
    expect(jardins).to_have_class(re.compile("wiki-missing"))
    expect(jardins).to_have_attribute(
        "href", re.compile(re.escape(reverse("collectives:wiki_create", args=[collective.slug])))
    )
    check_page(phone)
    fits_the_phone(phone)
    hub = WikiPage.objects.get(collective=collective, is_hub=True)
    revision = hub.revisions.get(number=2)
    assert "[[Jardins partagés]]" in revision.body
    assert revision.author == newcomer

    # An initiative: title, what, where, who is needed.
    phone.get_by_role("link", name="Initiatives", exact=True).first.click()
    check_page(phone)
    fits_the_phone(phone)
    phone.get_by_role("link", name=PROPOSE_INITIATIVE).click()
    check_page(phone)
    fits_the_phone(phone)
    phone.locator("#id_title").fill("Jardins partagés de l’école")
    phone.locator("#id_what").fill("Un potager cultivé par les familles du quartier.")
    phone.locator("#id_where").fill("Derrière l’école Jules-Ferry")
    phone.locator("#id_needs").fill("Des bras, des outils, des graines.")
    phone.get_by_role("button", name=PROPOSE).click()
    expect(phone.locator("h1")).to_have_text("Jardins partagés de l’école")
    expect(main(phone)).to_contain_text("Derrière l’école Jules-Ferry")
    expect(main(phone)).to_contain_text("Des bras, des outils, des graines.")
    check_page(phone)
    fits_the_phone(phone)
    initiative = Initiative.objects.get(collective=collective)
    assert initiative.proposed_by == newcomer
    initiative_url = reverse(
        "collectives:initiative", kwargs={"slug": collective.slug, "pk": initiative.pk}
    )

    # Another member says "J'en suis".
    other = new_context()
    sign_in_as(other, member)
    desk = watched(new_page(other))
    visit(desk, initiative_url)
    desk.get_by_role("button", name=COUNT_ME_IN).click()
    expect(desk).to_have_url(url_is(initiative_url))
    expect(desk.locator(".initiative-members")).to_contain_text("Marion Membre")
    expect(desk.locator(".initiative-members")).to_contain_text("Camille Nouvelle")
    check_page(desk)

    # The coordinator makes it active, then a project.
    coordination = new_context()
    sign_in_as(coordination, world.admin)
    coordinator = watched(new_page(coordination))
    visit(coordinator, initiative_url)
    expect(coordinator.get_by_role("button", name=MAKE_PROJECT)).to_have_count(0)
    coordinator.locator("#id_status").select_option("active")
    coordinator.get_by_role("button", name=CHANGE_STATUS).click()
    check_page(coordinator)
    coordinator.get_by_role("button", name=MAKE_PROJECT).click()
    expect(coordinator.locator("h1")).to_have_text("Jardins partagés de l’école")
    check_page(coordinator)
    initiative.refresh_from_db()
    project = initiative.project
    assert project is not None
    expect(coordinator).to_have_url(url_is(project.get_absolute_url()))
    origin = coordinator.locator("main header .card-meta").filter(
        has=coordinator.get_by_role("link", name="Jardins partagés de l’école")
    )
    expect(origin).to_contain_text(collective.name)
    team = coordinator.locator("section[aria-labelledby=team-title]")
    # The public team lists the facilitators (who proposed it, the coordinator); the
    # count includes the other member.
    expect(team).to_contain_text("Camille Nouvelle")
    expect(team).to_contain_text("Alice Admin")
    expect(coordinator.locator("#cta .card-meta")).to_contain_text(re.compile(r"\b3\b"))

    # What is stored.
    assert (
        CollectiveMembership.objects.get(collective=collective, user=newcomer).status
        == CollectiveMembership.Status.ACTIVE
    )
    assert Message.objects.filter(thread=thread, author=newcomer).count() == 1
    assert "[[Jardins partagés]]" in hub.revisions.get(number=2).body
    assert set(
        InitiativeMember.objects.filter(initiative=initiative).values_list("user", flat=True)
    ) == {
        newcomer.pk,
        member.pk,
    }
    assert initiative.status == Initiative.Status.ACTIVE
    team_ids = set(ProjectMembership.objects.filter(project=project).values_list("user", flat=True))
    assert {newcomer.pk, member.pk} <= team_ids


def test_the_core_flows_work_without_javascript(
    new_context, new_page, visit, check_page, sign_in_as, collective, member
):
    newcomer = User.objects.create_user(NEWCOMER, display_name="Camille Nouvelle")
    context = new_context(java_script_enabled=False, **PHONE)
    sign_in_as(context, newcomer)
    page = watched(new_page(context))
    detail_url = reverse("collectives:detail", kwargs={"slug": collective.slug})

    # Join.
    visit(page, detail_url)
    page.get_by_role("button", name=JOIN).click()
    expect(page.locator("[role=status]")).to_contain_text(WELCOME)
    check_page(page)
    assert CollectiveMembership.objects.get(collective=collective, user=newcomer).status == (
        CollectiveMembership.Status.ACTIVE
    )

    # Reply in a thread another member started.
    thread = services.thread_start(
        collective=collective, author=member, subject="Réunion de rentrée", body="Quand ?"
    ).thread
    visit(
        page,
        reverse("collectives:thread", kwargs={"slug": collective.slug, "thread_id": thread.pk}),
    )
    page.locator("#id_body").fill("Le jeudi soir me va bien.")
    page.get_by_role("button", name=SEND_REPLY).click()
    expect(main(page)).to_contain_text("Le jeudi soir me va bien.")
    check_page(page)
    assert Message.objects.filter(thread=thread, author=newcomer, body__contains="jeudi").exists()

    # Edit the hub page.
    hub = WikiPage.objects.get(collective=collective, is_hub=True)
    visit(
        page,
        reverse("collectives:wiki_edit", kwargs={"slug": collective.slug, "page_slug": hub.slug}),
    )
    page.locator("#id_body").fill("Tout commence ici. [[Jardins partagés]]")
    page.get_by_role("button", name=SAVE).click()
    expect(main(page).get_by_role("link", name=re.compile("Jardins partagés"))).to_be_visible()
    check_page(page)
    assert "[[Jardins partagés]]" in hub.revisions.get(number=2).body

    # Propose an initiative.
    visit(page, reverse("collectives:initiative_create", kwargs={"slug": collective.slug}))
    page.locator("#id_title").fill("Une guinguette au bord de l’eau")
    page.locator("#id_what").fill("Des soirées d’été, musique et produits locaux.")
    page.get_by_role("button", name=PROPOSE).click()
    expect(page.locator("h1")).to_have_text("Une guinguette au bord de l’eau")
    check_page(page)
    initiative = Initiative.objects.get(collective=collective)

    # Another member joins it, without JavaScript too.
    other = new_context(java_script_enabled=False)
    sign_in_as(other, member)
    second = watched(new_page(other))
    visit(second, initiative.get_absolute_url())
    second.get_by_role("button", name=COUNT_ME_IN).click()
    expect(second.locator(".initiative-members")).to_contain_text("Marion Membre")
    check_page(second)
    assert InitiativeMember.objects.filter(initiative=initiative).count() == 2


def test_joining_and_replying_with_the_keyboard_alone(
    new_context, new_page, visit, check_page, sign_in_as, collective, member
):
    newcomer = User.objects.create_user(NEWCOMER, display_name="Camille Nouvelle")
    context = new_context()
    sign_in_as(context, newcomer)
    page = watched(new_page(context))
    detail_url = reverse("collectives:detail", kwargs={"slug": collective.slug})
    visit(page, detail_url)

    def tab_to(locator, limit: int = 80) -> None:
        """Press Tab until `locator` has the focus, and check the focus shows."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("element => element === document.activeElement"):
                break
        expect(locator).to_be_focused()
        focus_visible, style, width = locator.evaluate(
            "element => { const s = getComputedStyle(element);"
            " return [element.matches(':focus-visible'), s.outlineStyle,"
            " parseFloat(s.outlineWidth)]; }"
        )
        assert focus_visible and style != "none" and width >= 2, (
            f"the focus does not show on {locator}: {style} {width}px"
        )

    join = page.get_by_role("button", name=JOIN)
    tab_to(join)
    page.keyboard.press("Enter")
    expect(page.locator("[role=status]")).to_contain_text(WELCOME)
    check_page(page)
    assert CollectiveMembership.objects.filter(collective=collective, user=newcomer).exists()

    thread = services.thread_start(
        collective=collective, author=member, subject="Covoiturage", body="Qui va au marché ?"
    ).thread
    visit(
        page,
        reverse("collectives:thread", kwargs={"slug": collective.slug, "thread_id": thread.pk}),
    )
    body = page.locator("#id_body")
    tab_to(body)
    page.keyboard.type("Moi, samedi matin.")
    send = page.get_by_role("button", name=SEND_REPLY)
    tab_to(send)
    page.keyboard.press("Enter")
    expect(main(page)).to_contain_text("Moi, samedi matin.")
    check_page(page)
    assert Message.objects.filter(
        thread=thread, author=newcomer, body="Moi, samedi matin."
    ).exists()


def test_a_multi_line_email_shows_each_line_on_the_thread_page(page: Page, visit, member):
    """Issue #12, item 2: an email written line by line, as most are, is not run together
    into one paragraph."""
    lines = ["Bonjour à tous,", "RDV samedi à 14 h", "devant la mairie,", "avec des gants."]
    email = EmailMessage()
    email["From"] = f"Marion Membre <{member.email}>"
    email["To"] = f"{Collective.objects.get().slug}@{settings.LIST_DOMAIN}"
    email["Subject"] = "Chantier de samedi"
    email["Message-ID"] = make_msgid(domain="example.org")
    email.set_content("\n".join(lines) + "\n\nMarion\n")

    received = inbound.receive(email.as_bytes())

    assert received.status == InboundMail.Status.POSTED
    visit(page, received.message.thread.get_absolute_url())
    body = main(page).locator(".message-body").first
    assert body.inner_text().splitlines()[:4] == lines
    # Each line sits below the one before it, on the screen.
    tops = body.evaluate(
        """element => {
          const range = document.createRange();
          range.selectNodeContents(element.querySelector('p'));
          return [...new Set([...range.getClientRects()].map(r => Math.round(r.top)))];
        }"""
    )
    assert len(tops) >= len(lines), tops


def test_the_discussions_list_and_its_search_fit_a_phone(
    new_context, new_page, visit, check_page, collective, member
):
    """Issue #13: the list was a four-column table, 434 px wide on a 390 px phone with
    the demo's subjects, and the search box was a thin line."""
    for subject in [
        "Covoiturage pour la réunion de jeudi à la salle polyvalente",
        "Le local de l’épicerie : visite samedi matin avec les bénévoles",
        "Des graines pour les jardins partagés",
    ]:
        services.thread_start(
            collective=collective, author=member, subject=subject, body="Qui vient ?"
        )
    phone = new_page(new_context(**PHONE))
    visit(phone, reverse("collectives:threads", args=[collective.slug]))

    fits_the_phone(phone)
    cards = main(phone).locator(".thread-list li")
    assert cards.count() == 3
    search = main(phone).locator("input[type=search]")
    assert search.bounding_box()["height"] >= 44  # type: ignore[index]
    check_page(phone)
