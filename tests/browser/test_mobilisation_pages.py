"""Issue #15's pages, in Chromium at a phone's width, axe-core on each: the staff
workspace, the mobilisation dashboards with their charts, a funders' report, the public
impact pages, and a person's notification settings and follows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tissage.actions.models import Registration
from tissage.dashboard.refresh import dashboard_refresh
from tissage.dashboard.tests.helpers import an_action, days_ago, registered
from tissage.engagement.services import follow_set
from tissage.territories.models import Commune

from .helpers import PHONE_390

pytestmark = pytest.mark.browser


def test_the_mobilisation_pages_read_on_a_phone(
    new_context, new_page, visit, check_page, sign_in_as, world
):
    albon = Commune.objects.get(insee_code="26001")
    # Two past work-days: 6 and 3 people (the 3 are a small cell: "< 5").
    registered(an_action(world.project, days_ago(40), commune=albon), 6)
    registered(
        an_action(world.project, days_ago(10), commune=albon),
        3,
        prefix="q",
        status=Registration.Status.CONFIRMED,
    )
    dashboard_refresh(since=days_ago(60))
    phone = new_context(**PHONE_390)
    sign_in_as(phone, world.admin)
    page = new_page(phone)
    organisation, project = world.organisation.slug, world.project.slug

    visit(page, reverse("dashboard:workspace"))
    expect(page.locator("h1")).to_be_visible()

    visit(page, reverse("dashboard:organisation", args=[organisation]))
    expect(page.locator("main svg[role=img]").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("< 5")
    # A period that cannot be: a message next to the field, no figures.
    page.locator("#id_du").fill("2026-03-01")
    page.locator("#id_au").fill("2026-02-01")
    page.locator("main form [type=submit]").click()
    check_page(page)
    expect(page.locator("#id_au_error")).to_be_visible()

    visit(page, reverse("dashboard:project", args=[project]))
    visit(page, reverse("dashboard:report", args=["structures", organisation]))
    expect(page.locator("main svg[role=img]").first).to_be_visible()

    visit(page, reverse("impact:project", args=[project]))
    expect(page.locator("main")).to_contain_text("9")  # 9 registered people in all
    visit(page, reverse("impact:organisation", args=[organisation]))

    follow_set(user=world.admin, target=world.project, following=True)
    visit(page, reverse("engagement:follows"))
    expect(page.locator("main")).to_contain_text(world.project.title)
    visit(page, reverse("engagement:settings"))
    page.locator("input[name=action_new][value=daily]").check()
    page.locator("main form [type=submit]").last.click()
    check_page(page)
    expect(page.locator("input[name=action_new][value=daily]")).to_be_checked()
