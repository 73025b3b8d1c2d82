"""Moderation of the list on the web: held messages (approve), hide and unhide, held emails."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tissage.collectives.lists import queries, services
from tissage.collectives.lists.mail import inbound
from tissage.collectives.models import Collective, InboundMail, Message
from tissage.collectives.tests.factories import (
    CollectiveFactory,
    MembershipFactory,
    client_for_role,
)
from tissage.collectives.tests.lists.mail.helpers import HTML_ONLY

pytestmark = pytest.mark.django_db


# --- Held messages, hide and unhide -----------------------------------------------------


def test_first_post_is_held_then_approved(client):
    collective = CollectiveFactory(hold_first_posts=True)
    newcomer = MembershipFactory(collective=collective, trusted=False)
    client.force_login(newcomer.user)
    response = client.post(
        reverse("collectives:thread_create", args=[collective.slug]),
        {"subject": "Bonjour", "body": "Je suis nouveau"},
        follow=True,
    )
    message = Message.objects.get()
    assert message.status == Message.Status.HELD
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["info"]
    assert "Je suis nouveau" in response.content.decode()  # the author sees it, badged

    outsider, _ = client_for_role("outsider", collective)
    archive = reverse("collectives:threads", args=[collective.slug])
    assert "Bonjour" not in outsider.get(archive).content.decode()
    thread_url = reverse("collectives:thread", args=[collective.slug, message.thread_id])
    assert outsider.get(thread_url).status_code == 404
    permalink = reverse("collectives:message", args=[collective.slug, message.pk])
    assert outsider.get(permalink).status_code == 404

    coordinator, _ = client_for_role("coordinator", collective)
    moderation = coordinator.get(reverse("collectives:moderation", args=[collective.slug]))
    assert "Je suis nouveau" in moderation.content.decode()
    coordinator.post(reverse("collectives:message_approve", args=[collective.slug, message.pk]))
    message.refresh_from_db()
    newcomer.refresh_from_db()
    assert message.status == Message.Status.PUBLISHED
    assert newcomer.trusted
    assert "Bonjour" in outsider.get(archive).content.decode()
    assert outsider.get(thread_url).status_code == 200


def test_the_coordinators_are_told_when_a_first_post_waits(client, committed):
    collective = CollectiveFactory(hold_first_posts=True, name="Jardins partagés")
    coordinator = MembershipFactory(collective=collective, role="coordinator").user
    MembershipFactory(collective=collective)  # a member: not told
    newcomer = MembershipFactory(collective=collective, trusted=False)
    client.force_login(newcomer.user)
    mail.outbox.clear()

    committed(client).post(
        reverse("collectives:thread_create", args=[collective.slug]),
        {"subject": "Bonjour", "body": "Je suis nouveau"},
    )

    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    told = mail.outbox[0]
    assert "Jardins partagés" in told.subject and "Bonjour" in told.body
    assert f"/collectifs/{collective.slug}/moderation/" in told.body
    # A trusted member's message is published: nobody is told.
    mail.outbox.clear()
    trusted = MembershipFactory(collective=collective, trusted=True)
    client.force_login(trusted.user)
    committed(client).post(
        reverse("collectives:thread_create", args=[collective.slug]),
        {"subject": "Samedi", "body": "On plante"},
    )
    assert not [m for m in mail.outbox if "/moderation/" in m.body]


def test_hide_and_unhide(client):
    collective = CollectiveFactory()
    member, user = client_for_role("member", collective)
    first = services.thread_start(collective=collective, author=user, subject="S", body="un")
    second = services.message_reply(thread=first.thread, author=user, body="insulte")
    coordinator, _ = client_for_role("coordinator", collective)
    thread_url = reverse("collectives:thread", args=[collective.slug, first.thread_id])

    response = coordinator.post(
        reverse("collectives:message_hide", args=[collective.slug, second.pk])
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Message.Status.HIDDEN
    assert "insulte" not in member.get(thread_url).content.decode()
    permalink = reverse("collectives:message", args=[collective.slug, second.pk])
    assert member.get(permalink).status_code == 404
    moderator_page = coordinator.get(thread_url).content.decode()
    assert "insulte" in moderator_page and "badge-hidden" in moderator_page

    coordinator.post(reverse("collectives:message_unhide", args=[collective.slug, second.pk]))
    second.refresh_from_db()
    assert second.status == Message.Status.PUBLISHED
    assert "insulte" in member.get(thread_url).content.decode()
    first.thread.refresh_from_db()
    assert first.thread.published_count == 2


def test_moderation_next_only_goes_to_this_site(client):
    collective = CollectiveFactory()
    coordinator, user = client_for_role("coordinator", collective)
    first = services.thread_start(collective=collective, author=user, subject="S", body="un")
    url = reverse("collectives:message_hide", args=[collective.slug, first.pk])
    response = coordinator.post(url, {"next": "https://evil.example/"})
    assert not response["Location"].startswith("https://evil")


# --- Held emails -----------------------------------------------------------------------


def _held_mail(collective: Collective, raw: bytes = HTML_ONLY) -> InboundMail:
    return InboundMail.objects.create(
        collective=collective,
        raw=raw,
        sender="inconnu@example.net",
        sender_name="Inconnu",
        subject="Proposition",
        status=InboundMail.Status.HELD,
        reason=InboundMail.Reason.UNKNOWN_SENDER,
    )


def test_moderation_page_shows_held_emails_escaped(client):
    collective = CollectiveFactory()
    _held_mail(collective)
    coordinator, _ = client_for_role("coordinator", collective)
    html = coordinator.get(reverse("collectives:moderation", args=[collective.slug])).content
    page = html.decode()
    assert "inconnu@example.net" in page and "Proposition" in page
    assert "Bonjour à tous" in page
    assert "<b>à tous</b>" not in page
    assert "<script>alert(1)" not in page


def test_moderation_page_reads_only_the_start_of_a_huge_held_email(client):
    collective = CollectiveFactory()
    body = "Début du message. " + "x" * 3_000_000
    InboundMail.objects.create(
        collective=collective,
        raw=(
            "From: inconnu@example.net\r\nSubject: Gros\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body
        ).encode(),
        sender="inconnu@example.net",
        subject="Gros",
        status=InboundMail.Status.HELD,
        reason=InboundMail.Reason.UNKNOWN_SENDER,
    )
    rows = list(queries.held_mails(collective))
    assert "raw" in rows[0].get_deferred_fields()
    assert len(rows[0].raw_head) == queries.HELD_MAIL_PREVIEW_BYTES
    coordinator, _ = client_for_role("coordinator", collective)
    page = coordinator.get(reverse("collectives:moderation", args=[collective.slug]))
    assert "Début du message." in page.content.decode()


def test_held_email_buttons_call_inbound(client, monkeypatch):
    collective = CollectiveFactory()
    mail = _held_mail(collective)
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(
        inbound, "held_mail_approve", lambda *, mail, moderator: calls.append(("ok", mail.pk))
    )
    monkeypatch.setattr(
        inbound, "held_mail_discard", lambda *, mail, moderator: calls.append(("no", mail.pk))
    )
    coordinator, _ = client_for_role("coordinator", collective)
    url = reverse("collectives:held_mail", args=[collective.slug, mail.pk])
    assert coordinator.post(url, {"action": "approve"}).status_code == 302
    assert coordinator.post(url, {"action": "discard"}).status_code == 302
    assert coordinator.post(url, {"action": "other"}).status_code == 400
    assert calls == [("ok", mail.pk), ("no", mail.pk)]


def test_held_email_that_cannot_be_posted_says_so(client, monkeypatch):
    collective = CollectiveFactory()
    mail = _held_mail(collective)

    def refuse(*, mail, moderator):
        raise ValueError("This email cannot be posted.")

    monkeypatch.setattr(inbound, "held_mail_approve", refuse)
    coordinator, _ = client_for_role("coordinator", collective)
    url = reverse("collectives:held_mail", args=[collective.slug, mail.pk])
    response = coordinator.post(url, {"action": "approve"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    mail.refresh_from_db()
    assert mail.status == InboundMail.Status.HELD


def test_held_email_of_another_collective_is_404(client):
    collective = CollectiveFactory()
    mail = _held_mail(CollectiveFactory())
    coordinator, _ = client_for_role("coordinator", collective)
    url = reverse("collectives:held_mail", args=[collective.slug, mail.pk])
    assert coordinator.post(url, {"action": "discard"}).status_code == 404


def test_held_email_real_flow(client):
    collective = CollectiveFactory()
    approved = _held_mail(
        collective, b"From: inconnu@example.net\r\nSubject: Proposition\r\n\r\nBonjour\r\n"
    )
    discarded = _held_mail(collective)
    coordinator, _ = client_for_role("coordinator", collective)
    coordinator.post(
        reverse("collectives:held_mail", args=[collective.slug, approved.pk]),
        {"action": "approve"},
    )
    coordinator.post(
        reverse("collectives:held_mail", args=[collective.slug, discarded.pk]),
        {"action": "discard"},
    )
    approved.refresh_from_db()
    discarded.refresh_from_db()
    assert approved.status == InboundMail.Status.POSTED
    assert approved.message is not None
    assert discarded.status == InboundMail.Status.DISCARDED
