"""A facilitator runs a work-day from the browser: creates it, follows registrants,
checks people in, counts the impact, writes the report, prints the poster; a volunteer
says what they can do and is invited. axe-core checks every page visited."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tissage.actions.models import Action, Registration, VolunteerProfile
from tissage.actions.registration.services import registration_create

pytestmark = pytest.mark.browser


def test_a_facilitator_runs_a_work_day(
    new_context, new_page, visit, check_page, sign_in_as, world, live_server
):
    desk = new_context()
    sign_in_as(desk, world.facilitator)
    page = new_page(desk)
    day = timezone.localdate() + datetime.timedelta(days=12)

    visit(page, reverse("actions:create", kwargs={"project_slug": world.project.slug}))
    page.locator("#id_title").fill("Plantation au verger d'Albon")
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_start_time").fill("09:00")
    page.locator("#id_end_time").fill("12:00")
    page.locator("#id_address").fill("Chemin des Vergers, Albon")
    page.locator("#id_role_name_0").fill("Planter")
    page.locator("#id_role_places_0").fill("8")
    page.locator("input[name=status][value=published]").check()
    page.locator("main form [type=submit]").last.click()
    check_page(page)
    action = Action.objects.get(title="Plantation au verger d'Albon")
    assert timezone.localtime(action.starts_at).hour == 9
    assert action.roles.get().places == 8

    registration_create(
        action=action, role=action.roles.get(), name="Paul", email="paul@example.org"
    )
    slug = {"slug": action.slug}
    for name in [
        "detail",
        "registrants",
        "needs",
        "attendance",
        "report",
        "poster",
        "sign_in_sheet",
        "edit",
        "cancel_action",
    ]:
        visit(page, reverse(f"actions:{name}", kwargs=slug))
    visit(page, reverse("actions:registrants_message", kwargs=slug))
    visit(page, reverse("actions:impact", kwargs={"project_slug": world.project.slug}))

    # Check-in: Paul came.
    visit(page, reverse("actions:attendance", kwargs=slug))
    page.locator("form.checkin input[type=radio][value=present]").first.check()
    page.locator("form.checkin [type=submit]").click()
    check_page(page)
    assert Registration.objects.get(email="paul@example.org").attended is True

    # A volunteer says what they can do; the facilitator finds and invites them.
    helper = new_context()
    sign_in_as(helper, world.participant)
    volunteer = new_page(helper)
    visit(volunteer, reverse("actions:availability"))
    volunteer.locator("input[name=opted_in]").check()
    volunteer.locator("main form [type=submit]").last.click()
    check_page(volunteer)
    assert VolunteerProfile.objects.get(user=world.participant).opted_in
    visit(page, reverse("actions:volunteers", kwargs=slug))
    expect(page.locator("main")).to_contain_text(world.participant.public_name)
    visit(volunteer, reverse("actions:mine"))
