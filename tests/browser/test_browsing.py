"""Finding a project from the home page, joining it, and switching language."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tissage.projects.models import ProjectMembership

from .helpers import url_is

pytestmark = pytest.mark.browser


def test_visitor_finds_a_project_from_home_and_joins_it(
    page, visit, check_page, sign_in_with_code, world
):
    organisation_url = world.organisation.get_absolute_url()
    project_url = world.project.get_absolute_url()

    visit(page, "/")
    page.locator(f"main a[href='{organisation_url}']").click()
    expect(page).to_have_url(url_is(organisation_url))
    expect(page.locator("h1")).to_have_text(world.organisation.name)
    check_page(page)

    page.locator(f"main a[href='{project_url}']").first.click()
    expect(page).to_have_url(url_is(project_url))
    expect(page.locator("h1")).to_have_text(world.project.title)
    check_page(page)

    # Joining asks an anonymous visitor to sign in, then brings them back.
    join_button = page.locator(
        f"form[action='{reverse('projects:join', args=[world.project.slug])}'] [type=submit]"
    )
    join_button.click()
    expect(page).to_have_url(url_is(reverse("accounts:sign_in")))
    check_page(page)
    sign_in_with_code(page, "nina@example.org")
    expect(page).to_have_url(url_is(project_url))
    assert not ProjectMembership.objects.filter(user__email="nina@example.org").exists()

    join_button.click()
    expect(page.locator("[role=status] .notice-success")).to_be_visible()
    expect(join_button).to_have_count(0)
    leave_form = page.locator(
        f"form[action='{reverse('projects:leave', args=[world.project.slug])}']"
    )
    expect(leave_form).to_be_visible()
    check_page(page)
    membership = ProjectMembership.objects.get(user__email="nina@example.org")
    assert membership.project == world.project
    assert membership.role == ProjectMembership.Role.MEMBER


def test_language_switch_turns_the_page_to_english_and_back(page, visit, check_page, world):
    project_url = world.project.get_absolute_url()
    visit(page, project_url)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fr")

    page.locator("header form.lang-switch button[value=en]").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(url_is(project_url))
    expect(page.locator("header form.lang-switch button[value=fr]")).to_be_visible()
    check_page(page)

    # The choice sticks on the next page.
    visit(page, "/")
    expect(html).to_have_attribute("lang", "en")

    page.locator("header form.lang-switch button[value=fr]").click()
    expect(html).to_have_attribute("lang", "fr")
    expect(page).to_have_url(url_is("/"))
    check_page(page)
