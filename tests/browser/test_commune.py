"""The home commune typed on a phone: suggestions while typing, and without JavaScript
the communes of a department (issue #13)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tissage.accounts.models import User
from tissage.core.tests.factories import CommuneFactory

from .helpers import PHONE_390, url_is

pytestmark = pytest.mark.browser

SAVED = re.compile(r"Votre profil est enregistré|Your profile is saved")


@pytest.fixture
def gard(transactional_db):
    return [
        CommuneFactory(name="Nîmes", insee_code="30189"),
        CommuneFactory(name="Nages-et-Solorgues", insee_code="30186"),
        CommuneFactory(name="Saint-Gilles", insee_code="30258"),
    ]


def fits(page, width: int = 390) -> None:
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a phone"


def test_the_home_commune_is_suggested_while_typed_on_a_phone(
    new_context, new_page, sign_in_as, visit, check_page, gard
):
    person = User.objects.create_user("camille@example.org", display_name="Camille")
    context = new_context(**PHONE_390)
    sign_in_as(context, person)
    phone = new_page(context)
    account = reverse("accounts:account")
    visit(phone, account)
    fits(phone)

    box = phone.locator("#id_home_commune")
    with phone.expect_response(re.compile(r"/communes/suggestions/\?")) as answer:
        box.press_sequentially("nîm", delay=50)
    assert answer.value.ok
    suggestion = phone.locator("#id_home_commune_suggestions option")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_have_attribute("value", "Nîmes (30189)")
    check_page(phone)

    # Choosing the suggestion puts its value in the box (headless Chromium draws no
    # datalist popup to press, so the test types what choosing it gives).
    box.fill(suggestion.get_attribute("value") or "")
    phone.locator("main form:has(#id_home_commune) [type=submit]").click()
    expect(phone.locator("[role=status] .notice-success")).to_have_text(SAVED)
    check_page(phone)
    expect(phone.locator("#id_home_commune")).to_have_value("Nîmes (30189)")
    person.refresh_from_db()
    assert person.home_commune == gard[0]


def test_without_javascript_the_spelling_is_found_by_department(
    new_context, new_page, sign_in_as, visit, check_page, gard
):
    person = User.objects.create_user("camille@example.org", display_name="Camille")
    context = new_context(java_script_enabled=False, **PHONE_390)
    sign_in_as(context, person)
    phone = new_page(context)
    account = reverse("accounts:account")
    visit(phone, account)

    # A name misspelt: the message names the communes beginning the same way.
    phone.locator("#id_home_commune").fill("Nime")
    phone.locator("main form:has(#id_home_commune) [type=submit]").click()
    check_page(phone)
    expect(phone.locator("#id_home_commune_error")).to_contain_text("Nîmes (30189)")

    # Or the list of the department's communes, by first letter.
    phone.locator("main a[href='/communes/']").click()
    expect(phone).to_have_url(url_is(reverse("territories:communes")))
    check_page(phone)
    fits(phone)
    expect(phone.locator("main")).to_contain_text("Nîmes (30189)")

    phone.goto(account)
    phone.locator("#id_home_commune").fill("30189")
    phone.locator("main form:has(#id_home_commune) [type=submit]").click()
    expect(phone.locator("[role=status] .notice-success")).to_have_text(SAVED)
    check_page(phone)
    person.refresh_from_db()
    assert person.home_commune == gard[0]
