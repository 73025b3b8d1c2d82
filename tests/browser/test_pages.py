"""Every page, for every kind of person, passes axe's WCAG 2.1 A and AA rules."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tissage.projects.models import NewsPost

pytestmark = pytest.mark.browser


def test_public_pages(page, visit, check_page, world):
    slug = world.project.slug
    for url in [
        "/",
        reverse("projects:list"),
        reverse("organisations:list"),
        world.organisation.get_absolute_url(),
        world.project.get_absolute_url(),
        reverse("projects:news", args=[slug]),
        reverse("core:privacy"),
        reverse("core:legal"),
        reverse("accounts:sign_in_password"),
    ]:
        visit(page, url)
    expect(page.locator("h1")).to_be_visible()
    page.locator("main form:has(#id_password) [type=submit]").click()
    expect(page.locator("#id_password_error")).to_be_visible()
    check_page(page)

    visit(page, reverse("accounts:sign_in"))

    page.locator("#id_email").fill("lea@example.org")
    page.locator("main form:has(#id_email) [type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:sign_in_code")) + "$"))
    check_page(page)

    visit(page, "/projets/does-not-exist/", status=404)
    expect(page.locator("h1")).to_be_visible()


def test_participant_pages(context, page, visit, check_page, sign_in_as, world):
    sign_in_as(context, world.participant)
    visit(page, reverse("accounts:account"))
    expect(page.locator("#id_display_name")).to_have_value(world.participant.display_name)
    visit(page, reverse("accounts:password"))
    page.locator("main form.stack [type=submit]").click()
    expect(page.locator("main .errors").first).to_be_visible()
    check_page(page)
    visit(page, reverse("accounts:delete"))
    visit(page, world.project.get_absolute_url())
    expect(
        page.locator(f"form[action='{reverse('projects:leave', args=[world.project.slug])}']")
    ).to_be_visible()
    visit(page, reverse("projects:edit", args=[world.project.slug]), status=403)
    expect(page.locator("h1")).to_be_visible()
    visit(page, reverse("organisations:edit", args=[world.organisation.slug]), status=403)


def test_facilitator_pages(context, page, visit, check_page, sign_in_as, world):
    slug = world.project.slug
    sign_in_as(context, world.facilitator)

    visit(page, reverse("projects:edit", args=[slug]))
    expect(page.locator("#id_title")).to_have_value(world.project.title)
    # The communes are checkboxes grouped under a legend that names them.
    communes = page.get_by_role("group", name=re.compile("communes", re.IGNORECASE))
    expect(communes.get_by_role("checkbox")).to_have_count(2)
    page.locator("#id_title").fill("")
    page.locator("main form:has(#id_title) [type=submit]").click()
    expect(page.locator("#id_title_error")).to_be_visible()
    check_page(page)

    visit(page, reverse("projects:news_create", args=[slug]))
    page.locator("main form:has(#id_title) [type=submit]").click()
    expect(page.locator("#id_title_error")).to_be_visible()
    check_page(page)
    page.locator("#id_title").fill("Deuxième sortie")
    page.locator("#id_body").fill("On compte les **cerisiers**.")
    page.locator("main form:has(#id_title) [type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(world.project.get_absolute_url()) + "$"))
    expect(page.locator("main")).to_contain_text("Deuxième sortie")
    check_page(page)
    assert NewsPost.objects.filter(project=world.project, title="Deuxième sortie").exists()

    # The project's team: promote the member to facilitator with the keyboard-usable form.
    visit(page, reverse("projects:team", args=[slug]))
    row = page.locator("main tbody tr", has_text=world.participant.public_name)
    row.locator("select").select_option("facilitator")
    row.get_by_role("button", name=re.compile("Changer|Change")).click()
    expect(page.locator(".notice")).to_be_visible()
    check_page(page)


def test_organisation_admin_pages(context, page, visit, check_page, sign_in_as, world):
    sign_in_as(context, world.admin)
    visit(page, world.organisation.get_absolute_url())
    visit(page, reverse("organisations:edit", args=[world.organisation.slug]))
    page.locator("#id_website").fill("not a web address")
    page.locator("main form:has(#id_website) [type=submit]").click()
    expect(page.locator("#id_website_error")).to_be_visible()
    check_page(page)

    visit(page, reverse("projects:create", args=[world.organisation.slug]))
    page.locator("main form:has(#id_title) [type=submit]").click()
    expect(page.locator("#id_title_error")).to_be_visible()
    check_page(page)

    # The team: add a facilitator by email, then see them listed with a role selector.
    visit(page, reverse("organisations:team", args=[world.organisation.slug]))
    page.locator("#id_email").fill("nouvelle@example.org")
    page.locator("main form:has(#id_email) [type=submit]").click()
    expect(page.locator("main table")).to_contain_text("nouvelle@example.org")
    check_page(page)
    page.locator("#id_email").fill("pas une adresse")
    page.locator("main form:has(#id_email) [type=submit]").click()
    expect(page.locator("#id_email_error")).to_be_visible()
    check_page(page)


def test_the_accessibility_check_catches_a_violation(page, visit, check_page, world):
    """The harness itself: a picture without alternative text must fail the check."""
    visit(page, "/")
    page.evaluate(
        "() => { const img = document.createElement('img');"
        " img.src = '/static/img/favicon.svg'; document.querySelector('main').append(img); }"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        check_page(page)
