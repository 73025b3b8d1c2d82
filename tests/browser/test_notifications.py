"""Issue #15's acceptance journey: a person follows a project, a facilitator creates an
action, the follower finds it in the notification centre and, a week later, in their
digest email, received by a real SMTP server. axe-core checks every page visited."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tissage.accounts.models import User
from tissage.actions.models import Action
from tissage.engagement.models import Follow, Notification

from .helpers import action_form_fill

pytestmark = pytest.mark.browser


def test_a_follower_hears_of_a_new_action_in_the_centre_and_in_the_digest(
    new_context, new_page, visit, check_page, sign_in_as, world, live_server, smtp_server
):
    follower = User.objects.create_user("noe@example.org", display_name="Noé Voisin")
    home = new_context(viewport={"width": 390, "height": 844})
    sign_in_as(home, follower)
    phone = new_page(home)

    # The follower follows the project from its page: one button.
    visit(phone, reverse("projects:detail", kwargs={"slug": world.project.slug}))
    button = phone.locator(f"#follow-button-project-{world.project.pk}")
    expect(button).to_have_text(re.compile(r"^\s*Suivre\s*$"))
    button.click()
    expect(button).to_have_text(re.compile("Ne plus suivre"))
    check_page(phone)
    assert Follow.objects.active().of(world.project).filter(user=follower).exists()

    # The facilitator creates and publishes an action of the project.
    desk = new_context()
    sign_in_as(desk, world.facilitator)
    page = new_page(desk)
    day = timezone.localdate() + datetime.timedelta(days=9)
    visit(page, reverse("actions:create", kwargs={"project_slug": world.project.slug}))
    action_form_fill(
        page,
        title="Taille des vieux pommiers",
        day=day,
        start="14:00",
        end="17:00",
        address="Verger communal, Albon",
        role="Tailler",
        places=10,
    )
    check_page(page)
    action = Action.objects.get(title="Taille des vieux pommiers")

    # The follower's bell says one unread; the centre lists the action.
    visit(phone, reverse("projects:home"))
    bell = phone.locator("a.nav-bell")
    expect(bell).to_have_accessible_name(re.compile(r"Notifications, 1 non lue"))
    bell.click()
    check_page(phone)
    expect(phone.locator("h1")).to_have_text("Mes notifications")
    item = phone.locator("main li.notification-unread")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Taille des vieux pommiers")
    notification = Notification.objects.get(user=follower)
    # The facilitator who created it is not told of their own action.
    assert not Notification.objects.filter(user=world.facilitator).exists()

    # Not opened on the site: a week later the weekly digest (the default for what one
    # follows) brings it by email (what was read on the site is not emailed again).
    Notification.objects.filter(pk=notification.pk).update(
        created_at=notification.created_at - datetime.timedelta(days=8)
    )
    call_command("send_notification_digests", "--period", "weekly")
    call_command("send_notification_digests", "--period", "weekly")  # nothing twice
    digests = [m for m in smtp_server.messages if m["To"] == "noe@example.org"]
    assert len(digests) == 1
    digest = digests[0]
    text = digest.get_body(preferencelist=("plain",)).get_content()
    assert "Taille des vieux pommiers" in text
    assert f"{live_server.url}{reverse('actions:detail', kwargs={'slug': action.slug})}" in text
    html = digest.get_body(preferencelist=("html",)).get_content()
    assert "Taille des vieux pommiers" in html
    assert digest["List-Unsubscribe"].startswith(f"<{live_server.url}/notifications/")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "example.org" not in (digest["Cc"] or "")
    for recipients in smtp_server.recipients:
        if "noe@example.org" in recipients:
            assert recipients == ["noe@example.org"]

    # The digest's link opens the action (the live server's address: absolute links).
    action_url = f"{live_server.url}{reverse('actions:detail', kwargs={'slug': action.slug})}"
    visit(phone, action_url)
    expect(phone.locator("h1")).to_have_text("Taille des vieux pommiers")
