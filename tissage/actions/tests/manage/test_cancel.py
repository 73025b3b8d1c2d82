"""Facilitators cancel an action: every registrant with an address is told.

Pages are asked for in English (the language cookie) so that the checks hold whatever
the state of the French catalogue; the French is checked by the lead's page tests."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tissage.actions.manage import services
from tissage.actions.models import Action
from tissage.actions.tests.helpers import an_action, register, without_address

pytestmark = pytest.mark.django_db


# --- Cancelling the action --------------------------------------------------------------


def test_cancelling_the_action_asks_then_tells_every_registrant(client, project):
    action = an_action(project)
    register(action, 1)
    register(action, 2)
    mail.outbox.clear()
    url = reverse("actions:cancel_action", kwargs={"slug": action.slug})

    page = client.get(url).content.decode()
    assert "2 people are registered or waiting" in page
    action.refresh_from_db()
    assert action.status == "published"

    response = client.post(url, {"note": "Tempête annoncée."}, follow=True)

    action.refresh_from_db()
    assert action.status == "cancelled"
    assert "2 registrants are told by email" in response.content.decode()
    assert len(mail.outbox) == 2
    assert all("Cancelled" in m.subject and "Tempête annoncée." in m.body for m in mail.outbox)

    again = client.post(url, {}, follow=True)
    assert "already cancelled" in again.content.decode()
    assert len(mail.outbox) == 2


def test_cancelling_the_action_writes_to_real_addresses_only(client, project):
    action = an_action(project)
    register(action, 1)
    without_address(action)
    mail.outbox.clear()
    url = reverse("actions:cancel_action", kwargs={"slug": action.slug})

    response = client.post(url, {"note": "Tempête annoncée."}, follow=True)

    assert "1 registrant is told by email" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["personne1@example.org"]]


def test_a_second_cancellation_from_a_page_loaded_before_is_refused_by_the_service(
    project, facilitator, on_commit
):
    action = an_action(project)
    register(action, 1)
    seen_by_another = Action.objects.get(pk=action.pk)  # still published in their page
    on_commit(services.action_cancel, action=action, note="", editor=facilitator, base_url="")
    mail.outbox.clear()

    with pytest.raises(services.ActionAlreadyCancelled):
        on_commit(
            services.action_cancel,
            action=seen_by_another,
            note="",
            editor=facilitator,
            base_url="",
        )

    assert mail.outbox == []
