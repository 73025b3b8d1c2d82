"""Signing in with an emailed code or link, and a person's rights over their account."""

import json
import re
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tissage.accounts.models import User

from .helpers import url_is

pytestmark = pytest.mark.browser

EMAIL = "camille@example.org"


def test_new_person_signs_in_edits_downloads_and_deletes_account(
    page, visit, check_page, sign_in_with_code, transactional_db
):
    visit(page, "/")
    page.locator(f"header nav a[href='{reverse('accounts:sign_in')}']").click()
    expect(page).to_have_url(url_is(reverse("accounts:sign_in")))
    check_page(page)

    sign_in_with_code(page, EMAIL)

    expect(page).to_have_url(url_is(reverse("accounts:account")))
    expect(page.locator("main")).to_contain_text(EMAIL)
    user = User.objects.get(email=EMAIL)
    assert user.display_name == ""

    page.locator("#id_display_name").fill("Camille des Vergers")
    page.locator("main form:has(#id_display_name) [type=submit]").click()
    expect(page.locator("[role=status] .notice-success")).to_be_visible()
    check_page(page)
    expect(page.locator("#id_display_name")).to_have_value("Camille des Vergers")
    user.refresh_from_db()
    assert user.display_name == "Camille des Vergers"

    with page.expect_download() as download_info:
        page.locator(f"main a[href='{reverse('accounts:export')}']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == EMAIL
    assert data["account"]["display_name"] == "Camille des Vergers"

    page.locator(f"main a[href='{reverse('accounts:delete')}']").click()
    expect(page).to_have_url(url_is(reverse("accounts:delete")))
    check_page(page)
    # Without the box ticked, nothing is deleted and the page says why.
    page.locator("main form:has(#id_confirm) [type=submit]").click()
    expect(page.locator("#id_confirm_error")).to_be_visible()
    check_page(page)
    assert User.objects.filter(email=EMAIL).exists()

    page.locator("#id_confirm").check()
    page.locator("main form:has(#id_confirm) [type=submit]").click()
    expect(page).to_have_url(url_is(reverse("projects:home")))
    expect(page.locator("[role=status] .notice-success")).to_be_visible()
    expect(page.locator(f"header nav a[href='{reverse('accounts:sign_in')}']")).to_be_visible()
    check_page(page)
    assert not User.objects.filter(email=EMAIL).exists()


def test_magic_link_signs_in_once(page, visit, check_page, sign_in_email, transactional_db):
    visit(page, reverse("accounts:sign_in"))
    page.locator("#id_email").fill(EMAIL)
    page.locator("main form:has(#id_email) [type=submit]").click()
    expect(page).to_have_url(url_is(reverse("accounts:sign_in_code")))
    _code, link = sign_in_email(EMAIL)

    # Opening the link alone signs nobody in (mail scanners follow links).
    visit(page, link)
    assert not User.objects.filter(email=EMAIL).exists()
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(url_is(reverse("accounts:account")))
    expect(page.locator("main")).to_contain_text(EMAIL)
    check_page(page)
    assert User.objects.filter(email=EMAIL).exists()

    # The same link does not work a second time.
    page.locator(f"form[action='{reverse('accounts:sign_out')}'] [type=submit]").click()
    expect(page).to_have_url(url_is(reverse("projects:home")))
    visit(page, link)
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(url_is(reverse("accounts:sign_in")))
    expect(page.locator("[role=status] .notice-error")).to_be_visible()
    check_page(page)


def test_wrong_email_and_wrong_code_show_errors_next_to_the_field(
    page, visit, check_page, sign_in_email, transactional_db
):
    visit(page, reverse("accounts:sign_in"))
    page.locator("#id_email").fill("camille.example.org")
    page.locator("main form:has(#id_email) [type=submit]").click()
    error = page.locator("#id_email_error")
    expect(error).to_be_visible()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_email_error\b")
    )
    check_page(page)
    assert mail.outbox == []

    page.locator("#id_email").fill(EMAIL)
    page.locator("main form:has(#id_email) [type=submit]").click()
    expect(page).to_have_url(url_is(reverse("accounts:sign_in_code")))
    check_page(page)
    code, _link = sign_in_email(EMAIL)

    page.locator("#id_code").fill("12ab")
    page.locator("main form:has(#id_code) [type=submit]").click()
    expect(page.locator("#id_code_error")).to_be_visible()
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    check_page(page)

    # Each wrong code counts: the tries left go down.
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for tries_left in (4, 3):
        page.locator("#id_code").fill(wrong)
        page.locator("main form:has(#id_code) [type=submit]").click()
        expect(page.locator("#id_code_error")).to_contain_text(re.compile(rf"\b{tries_left}\b"))
        check_page(page)
    assert not User.objects.filter(email=EMAIL).exists()

    # The right code still works after a mistake.
    page.locator("#id_code").fill(code)
    page.locator("main form:has(#id_code) [type=submit]").click()
    expect(page).to_have_url(url_is(reverse("accounts:account")))
    check_page(page)
    assert User.objects.filter(email=EMAIL).exists()


def test_sign_in_works_without_javascript(
    new_context, new_page, visit, check_page, sign_in_with_code, transactional_db
):
    # axe itself needs JavaScript: these pages are checked by the tests above.
    page = new_page(new_context(java_script_enabled=False))
    visit(page, "/")
    page.locator(f"header nav a[href='{reverse('accounts:sign_in')}']").click()
    sign_in_with_code(page, EMAIL)
    expect(page).to_have_url(url_is(reverse("accounts:account")))
    expect(page.locator("main")).to_contain_text(EMAIL)
    assert User.objects.filter(email=EMAIL).exists()
