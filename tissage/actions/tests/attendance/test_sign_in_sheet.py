"""The printed sign-in sheet of an action."""

from __future__ import annotations

import pytest

from tissage.actions.attendance import views as attendance_views
from tissage.actions.models import Registration
from tissage.actions.tests.helpers import action_url, make_action, manager_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def test_the_sign_in_sheet_lists_confirmed_registrants_and_empty_rows(client):
    action = make_action()
    role = action.roles.first()
    Registration.objects.create(
        action=action,
        role=role,
        email="a@example.org",
        name="Aline",
        companions=2,
        status=Registration.Status.CONFIRMED,
    )
    Registration.objects.create(
        action=action,
        role=role,
        email="b@example.org",
        name="Bruno",
        status=Registration.Status.WAITING,
    )
    client.force_login(manager_of(action))
    page = client.get(action_url("sign_in_sheet", action)).content.decode()
    assert "Aline" in page and "Bruno" not in page
    assert page.count('class="sheet-empty"') == attendance_views.SHEET_EMPTY_ROWS
    assert "<caption>" in page and 'scope="col"' in page
