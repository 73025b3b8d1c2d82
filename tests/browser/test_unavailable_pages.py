"""The pages that say "not now" (issue #17): too many forms from one connection (429), the
database unreachable (503). Read on a phone, checked by axe like every page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Registration

from .helpers import PHONE_390

pytestmark = pytest.mark.browser


def test_a_guest_over_the_form_limit_is_told_so_and_nothing_is_saved(
    settings, new_context, new_page, visit, check_page, world
):
    settings.FORM_RATE_LIMIT = 1
    starts_at = timezone.now() + datetime.timedelta(days=10)
    action = action_create(
        project=world.project,
        title="Plantation d'une haie à Albon",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=[RoleInput("Planter", 12)],
        address="Chemin des Vergers, Albon",
        status="published",
    )
    page = new_page(new_context(**PHONE_390))
    url = reverse("actions:detail", kwargs={"slug": action.slug})
    for name in ("Camille", "Dominique"):
        visit(page, url)
        page.locator("#id_name").fill(name)
        page.locator("#id_email").fill(f"{name.lower()}@example.org")
        page.get_by_label(re.compile("Planter")).check()
        page.get_by_role("button", name="S’inscrire").click()
    expect(page.locator("h1")).to_have_text("Trop de formulaires envoyés")
    expect(page.locator("main")).to_contain_text("n’a donc pas été enregistré")
    check_page(page)
    assert list(Registration.objects.values_list("name", flat=True)) == ["Camille"]
    # The way back leads to the form.
    page.get_by_role("link", name=re.compile("formulaire", re.IGNORECASE)).click()
    expect(page.locator("#id_name")).to_be_visible()


def test_the_database_unreachable_page_reads_well_on_a_phone(
    new_context, new_page, check_page, live_server
):
    # The page a node answers while the database is down, served as the node serves it
    # (a static template and the site's stylesheet), the database being up for the test.
    page = new_page(new_context(**PHONE_390))
    body = loader.get_template("503.html").render()
    page.route(
        f"{live_server.url}/indisponible/",
        lambda route: route.fulfill(status=503, body=body, content_type="text/html"),
    )
    response = page.goto(f"{live_server.url}/indisponible/")
    assert response is not None and response.status == 503
    expect(page.locator("h1")).to_have_text("Service momentanément indisponible")
    expect(page.get_by_role("link", name="Retour à l’accueil")).to_be_visible()
    check_page(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
