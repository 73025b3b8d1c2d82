"""Held emails: a coordinator posts or discards them (`inbound.held_mail_approve`,
`held_mail_discard`), from the moderation page too."""

from __future__ import annotations

import pytest

from tissage.collectives.lists.mail import inbound
from tissage.collectives.models import CollectiveMembership, InboundMail, Message

from .helpers import LIST, eml, mail_in, member

pytestmark = pytest.mark.django_db


# --- a coordinator's decision ---------------------------------------------------------------


def test_approving_a_strangers_mail_posts_it_under_their_name(collective, parent):
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    mail, _out = mail_in(eml("stranger.eml"))

    posted = inbound.held_mail_approve(mail=mail, moderator=coordinator)

    assert posted.status == Message.Status.PUBLISHED
    assert posted.author is None
    assert posted.author_name == "Gilles Mercier"
    assert posted.thread.subject == "Proposition de partenariat pour vos jardins"
    assert posted.message_id == "<01a2b3c4d5e6f7@exemple-entreprise.fr>"
    mail.refresh_from_db()
    assert (mail.status, mail.message, mail.decided_by) == ("posted", posted, coordinator)
    assert mail.decided_at is not None
    # Twice is once.
    assert inbound.held_mail_approve(mail=mail, moderator=coordinator) == posted
    assert Message.objects.filter(author_name="Gilles Mercier").count() == 1


def test_approving_a_first_post_publishes_the_held_message(collective):
    collective.hold_first_posts = True
    collective.save()
    alice = member(collective, "alice.martin@example.net", trusted=False)
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    mail, _out = mail_in(eml("new_thread_member.eml"))

    posted = inbound.held_mail_approve(mail=mail, moderator=coordinator)

    assert posted.pk == mail.message_id
    assert posted.status == Message.Status.PUBLISHED
    assert posted.author == alice
    assert CollectiveMembership.objects.get(user=alice).trusted


def test_approving_an_empty_reply_posts_the_whole_text(parent, people):
    coordinator = member(parent.collective, "coord@example.net")
    raw = eml("stranger.eml").replace(
        b"g.mercier@exemple-entreprise.fr", b"bruno.lefevre@gmail.com"
    )
    head, _sep, _body = raw.partition(b"\r\n\r\n")
    mail, _out = mail_in(head + b"\r\n\r\n> une citation seule\r\n")

    posted = inbound.held_mail_approve(mail=mail, moderator=coordinator)

    assert posted.body == "> une citation seule"
    assert posted.author == people["bruno"]


def test_discarding_a_held_mail(collective, parent):
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    mail, _out = mail_in(eml("stranger.eml"))

    inbound.held_mail_discard(mail=mail, moderator=coordinator)
    inbound.held_mail_discard(mail=mail, moderator=coordinator)

    mail.refresh_from_db()
    assert (mail.status, mail.decided_by) == ("discarded", coordinator)
    assert not Message.objects.filter(body__contains="compost").exists()
    with pytest.raises(ValueError):
        inbound.held_mail_approve(mail=mail, moderator=coordinator)


def test_discarding_a_held_first_post_hides_it(collective):
    collective.hold_first_posts = True
    collective.save()
    member(collective, "alice.martin@example.net", trusted=False)
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    mail, _out = mail_in(eml("new_thread_member.eml"))

    inbound.held_mail_discard(mail=mail, moderator=coordinator)

    mail.message.refresh_from_db()
    assert mail.message.status == Message.Status.HIDDEN


def test_ignored_mail_cannot_be_approved(collective, parent):
    coordinator = member(collective, "coord@example.net")
    mail, _out = mail_in(eml("bounce.eml"))

    with pytest.raises(ValueError):
        inbound.held_mail_approve(mail=mail, moderator=coordinator)
    inbound.held_mail_discard(mail=mail, moderator=coordinator)
    mail.refresh_from_db()
    assert mail.status == "ignored"


@pytest.mark.parametrize("action, status", [("approuver", "posted"), ("masquer", "discarded")])
def test_a_first_post_by_email_is_listed_once_and_decided_with_its_message(
    client, collective, action, status
):
    collective.hold_first_posts = True
    collective.save()
    member(collective, "alice.martin@example.net", trusted=False)
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    mail, _out = mail_in(eml("new_thread_member.eml"))
    client.force_login(coordinator)
    moderation = f"/collectifs/{collective.slug}/moderation/"

    page = client.get(moderation)
    assert [m.pk for m in page.context["held"]] == [mail.message_id]
    assert page.context["mails"] == []

    client.post(f"/collectifs/{collective.slug}/messages/{mail.message_id}/{action}/")

    mail.refresh_from_db()
    assert mail.status == status
    assert mail.decided_by == coordinator


def test_a_held_mail_that_cannot_be_read_is_refused_with_a_message_not_a_crash(client, collective):
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    held = InboundMail.objects.create(
        collective=collective,
        raw=b"From: x@example.com\r\nTo: " + LIST.encode() + b"\r\n\r\nbonjour\r\n",
        sender="x@example.com",
        recipient=LIST,
        status=InboundMail.Status.HELD,
        reason=InboundMail.Reason.MALFORMED,
    )
    client.force_login(coordinator)
    from unittest import mock

    with mock.patch.object(inbound, "content_read", side_effect=RecursionError):
        response = client.post(
            f"/collectifs/{collective.slug}/moderation/emails/{held.pk}/",
            {"action": "approve"},
            follow=True,
        )
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.status == InboundMail.Status.HELD
    assert Message.objects.count() == 0


# --- mail whose sender is not proven (issue #11, points 2 and 11) ---------------------------


def test_a_forged_member_mail_says_why_it_is_held_and_can_still_be_posted(
    client, collective, parent, people, dns_zone
):
    dns_zone.dmarc("gmail.com")
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    mail, _out = mail_in(eml("gmail_reply.eml", parent))
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    moderation = f"/collectifs/{collective.slug}/moderation/"

    page = client.get(moderation)

    assert [row.mail.pk for row in page.context["mails"]] == [mail.pk]
    assert "sender not verified: DKIM signature missing" in page.text

    # The coordinator knows Bruno wrote it (he said so at the meeting): posted as his.
    response = client.post(
        f"/collectifs/{collective.slug}/moderation/emails/{mail.pk}/", {"action": "approve"}
    )

    assert response.status_code == 302
    mail.refresh_from_db()
    assert mail.status == InboundMail.Status.POSTED
    assert mail.message.author == people["bruno"]
    assert mail.message.parent_id == parent.pk


def test_other_held_mail_shows_its_reason_alone(client, collective, dns_zone):
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    mail_in(eml("stranger.eml"))
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"

    page = client.get(f"/collectifs/{collective.slug}/moderation/")

    assert "the sender is not a member" in page.text
    assert "not verified" not in page.text
    assert dns_zone.queries == []  # a stranger is held: nothing to check


def test_approving_a_long_held_mail_posts_its_first_part_and_the_whole_text(collective):
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    text = "Notre entreprise fournit du compost. " * 2000  # 74,000 characters
    raw = eml("stranger.eml").replace(
        b"Notre entreprise fournit du compost en vrac aux jardins partag\xc3\xa9s.",
        text.encode(),
    )
    mail, _out = mail_in(raw)

    posted = inbound.held_mail_approve(mail=mail, moderator=coordinator)

    assert len(posted.body) <= 50_000
    (attachment,) = posted.attachments.all()
    assert attachment.filename == "message-complet.txt"
    with attachment.file.open("rb") as stored:
        assert text.strip() in stored.read().decode()


def test_a_held_mail_too_long_even_for_a_file_is_refused_with_a_message(
    client, collective, settings
):
    settings.LIST_MAX_ATTACHMENT_BYTES = 60_000
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    raw = eml("stranger.eml").replace(b"Seriez-vous", b"compost " * 10_000 + b"Seriez-vous")
    mail, _out = mail_in(raw)
    client.force_login(coordinator)

    response = client.post(
        f"/collectifs/{collective.slug}/moderation/emails/{mail.pk}/",
        {"action": "approve"},
        follow=True,
    )

    assert response.status_code == 200
    mail.refresh_from_db()
    assert mail.status == InboundMail.Status.HELD
    assert Message.objects.filter(author_name="Gilles Mercier").count() == 0
