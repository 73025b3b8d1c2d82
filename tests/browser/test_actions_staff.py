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

from .helpers import action_form_fill

pytestmark = pytest.mark.browser


def test_a_facilitator_runs_a_work_day(
    new_context, new_page, visit, check_page, sign_in_as, world, live_server
):
    desk = new_context()
    sign_in_as(desk, world.facilitator)
    page = new_page(desk)
    day = timezone.localdate() + datetime.timedelta(days=12)

    visit(page, reverse("actions:create", kwargs={"project_slug": world.project.slug}))
    action_form_fill(
        page,
        title="Plantation au verger d'Albon",
        day=day,
        start="09:00",
        end="12:00",
        address="Chemin des Vergers, Albon",
        role="Planter",
        places=8,
    )
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
