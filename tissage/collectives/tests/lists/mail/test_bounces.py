"""Bounces (issue #12, item 4): each member's list mail goes out with their own bounce
address as envelope sender (VERP); delivery failures sent back there are read (RFC 3464
reports and the other shapes mail servers use), counted, and suspend the member's
delivery; the member sees it and resumes, coordinators see it on the members page."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse

from tissage.collectives import tokens
from tissage.collectives.lists.mail import bounces
from tissage.collectives.lists.mail.digests import digests_send, digests_send_to
from tissage.collectives.models import CollectiveMembership, InboundMail, MemberBounce, Message
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import UserFactory

from .helpers import MAIL_DIR, by_recipient, mail_in, start

pytestmark = pytest.mark.django_db

Delivery = CollectiveMembership.Delivery
DEAD = "ancien.membre@example.net"


def bounce_eml(name: str, bounce: str, failed: str = DEAD, **extra: str) -> bytes:
    raw = (MAIL_DIR / "bounces" / name).read_bytes()
    raw = raw.replace(b"{{BOUNCE}}", bounce.encode()).replace(b"{{FAILED}}", failed.encode())
    for key, value in extra.items():
        raw = raw.replace(key.encode(), value.encode())
    return raw


@pytest.fixture
def dead(members):
    """A member whose address no longer exists, receiving every message."""
    collective, _people, _memberships = members
    user = UserFactory(email=DEAD, language="en")
    return MembershipFactory(collective=collective, user=user)


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return english(client)


# --- reading bounces ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "status"),
    [
        ("postfix_user_unknown.eml", "hard", "5.1.1"),
        ("postfix_delayed.eml", "warning", "4.4.1"),
        ("postfix_mailbox_full.eml", "soft", "4.2.2"),
        ("exim_failed.eml", "hard", "5.1.1"),
        ("gmail_not_found.eml", "hard", "5.1.1"),
        ("outlook365_not_found.eml", "hard", "5.1.10"),
        ("exchange_legacy.eml", "hard", "5.1.1"),
        ("qmail_failure.eml", "hard", "5.1.1"),
        ("sendmail_basic_code.eml", "hard", "550"),
    ],
)
def test_every_shape_of_bounce_is_read(name, kind, status):
    from tissage.collectives.lists.mail.reading import parse

    message = parse(bounce_eml(name, "jardins+bounce-1.abcdefghij@listes.example.org"))
    report = bounces.report_read(message)
    assert report is not None
    assert (report.kind, report.status) == (kind, status)
    if kind != "warning":
        # What the receiving server answered, for the member to see; never a line of the
        # original message the bounce quotes.
        assert report.diagnostic
        assert "Rendez-vous" not in report.diagnostic and "Salle" not in report.diagnostic


def test_an_automatic_reply_is_no_bounce():
    from tissage.collectives.lists.mail.reading import parse

    message = parse(bounce_eml("out_of_office.eml", "jardins+bounce-1.abc@listes.example.org"))
    assert bounces.report_read(message) is None


# --- the bounce address -------------------------------------------------------------------


def test_bounce_address_of_a_long_slug_fits_and_reads_back(settings):
    settings.LIST_DOMAIN = "listes.example.org"
    slug = "collectif-des-habitantes-et-habitants-du-quartier-de-la-gare"
    assert len(slug) == 60
    collective = CollectiveFactory(slug=slug)
    membership = MembershipFactory(collective=collective, user=UserFactory(email="Zoe@Example.org"))

    address = tokens.bounce_address(collective, membership)

    local, _at, domain = address.rpartition("@")
    assert domain == "listes.example.org"
    assert len(local) <= 64
    assert local.startswith("collectif-des-habitantes") and "+bounce-" in local
    assert tokens.bounce_address_read(local) == membership
    # Mail servers may change the case of a local part.
    assert tokens.bounce_address_read(local.upper()) == membership
    assert tokens.bounce_address_read(local[:-1] + ("a" if local[-1] != "a" else "b")) is None
    other = MembershipFactory(collective=collective)
    forged = local.replace(f"bounce-{membership.pk}.", f"bounce-{other.pk}.")
    assert tokens.bounce_address_read(forged) is None
    # A late failure of an address the member has since replaced names nobody.
    membership.user.email = "zoe.new@example.org"
    membership.user.save()
    assert tokens.bounce_address_read(local) is None


# --- the bounce loop (the acceptance) ---------------------------------------------


def test_bounce_loop_suspends_the_member_who_sees_it_and_resumes(
    members, dead, smtp_server, django_capture_on_commit_callbacks, settings
):
    """Copies go through the real SMTP test server, which plays the platform's mail
    server: the dead address is refused further on, and the server writes its delivery
    status notification to the envelope sender it was given. Fed to `tissage mail-in`
    three times, they suspend the member, who is told and sees it; coordinators see it;
    nothing more is sent to the address until the member resumes."""
    collective, people, memberships = members
    coordinator = memberships["alice"]
    coordinator.role = CollectiveMembership.Role.COORDINATOR
    coordinator.save()
    smtp_server.dead.add(DEAD)
    bounce_address = tokens.bounce_address(collective, dead)

    for round_ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            start(collective, memberships["author"], subject=f"Réunion {round_}")
        copy = by_recipient(smtp_server)[DEAD]
        # The envelope sender is the member's bounce address; the From stays the list's.
        index = smtp_server.recipients.index([DEAD], len(smtp_server.recipients) - 3)
        assert smtp_server.senders[index] == bounce_address
        assert copy["From"].addresses[0].addr_spec == collective.list_address
        assert bounce_address not in str(copy)  # nowhere in the headers the member sees
        (bounce,) = smtp_server.bounces[round_:]
        assert bounce.to == bounce_address and bounce.failed == DEAD

        with django_capture_on_commit_callbacks(execute=True):
            received, _out = mail_in(bounce.raw, "--recipient", bounce.to)

        assert (received.status, received.reason) == ("ignored", "bounce")
        assert received.collective == collective
        dead.refresh_from_db()
        assert dead.bounces.count() == round_ + 1
        assert dead.delivery_suspended == (round_ == 2)

    # Told by email (sent from the platform's address: its own bounce counts for nothing)…
    notice = OutgoingEmail.objects.get(to=DEAD, subject__contains="no longer reach you")
    assert notice.envelope_from == ""
    assert reverse("collectives:delivery", args=[collective.slug]) in notice.body_text
    notice_bounce = smtp_server.bounces[-1]
    assert notice_bounce.to == settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].strip(">")
    ignored, _out = mail_in(notice_bounce.raw, "--recipient", notice_bounce.to)
    assert (ignored.status, ignored.reason) == ("ignored", "bounce")
    assert dead.bounces.count() == 3

    # …and on the site: on the collective's pages, with a button that works without
    # JavaScript (a form), and on their delivery page with the server's answer.
    client = signed_in(dead.user)
    resume = reverse("collectives:delivery_resume", args=[collective.slug])
    page = client.get(collective.get_absolute_url()).content.decode()
    assert "the list no longer emails you" in page and f'action="{resume}"' in page
    page = client.get(reverse("collectives:delivery", args=[collective.slug])).content.decode()
    assert "The list no longer emails you" in page
    assert "Recipient address rejected: User unknown" in page
    assert f'action="{resume}"' in page

    # Coordinators see it in the members' list; other members do not.
    members_url = reverse("collectives:members", args=[collective.slug])
    assert "delivery suspended (bounces)" in (
        signed_in(coordinator.user).get(members_url).content.decode()
    )
    assert "delivery suspended (bounces)" not in (
        signed_in(people["bob"]).get(members_url).content.decode()
    )

    # No more copies to the dead address.
    sent_before = len(smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):
        start(collective, memberships["author"], subject="Sans lui")
    assert [DEAD] not in smtp_server.recipients[sent_before:]
    assert len(smtp_server.recipients[sent_before:]) == 2  # alice and bob

    # The member resumes (their address works again): copies reach them again.
    response = client.post(resume)
    assert response.status_code == 302
    dead.refresh_from_db()
    assert not dead.delivery_suspended and dead.bounces.count() == 0
    smtp_server.dead.clear()
    sent_before = len(smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):
        start(collective, memberships["author"], subject="De retour")
    assert [DEAD] in smtp_server.recipients[sent_before:]


# --- counting -----------------------------------------------------------------------------


def test_each_shape_is_counted_once_and_never_posted(members, dead):
    collective, _people, _memberships = members
    address = tokens.bounce_address(collective, dead)
    expected = {
        "postfix_user_unknown.eml": True,
        "postfix_mailbox_full.eml": False,
        "exim_failed.eml": True,
        "gmail_not_found.eml": True,
        "outlook365_not_found.eml": True,
        "exchange_legacy.eml": True,
        "qmail_failure.eml": True,
        "sendmail_basic_code.eml": True,
    }
    for name in expected:
        # Through IMAP there is no --recipient: the bounce address is read from To.
        received, _out = mail_in(bounce_eml(name, address))
        assert (received.status, received.reason) == ("ignored", "bounce"), name
    assert sorted(
        MemberBounce.objects.filter(membership=dead).values_list("permanent", flat=True)
    ) == sorted(expected.values())
    assert not Message.objects.filter(source=Message.Source.EMAIL).exists()


def test_a_delay_warning_or_an_automatic_reply_counts_for_nothing(members, dead):
    collective, _people, _memberships = members
    address = tokens.bounce_address(collective, dead)

    delayed, _out = mail_in(bounce_eml("postfix_delayed.eml", address), "--recipient", address)
    auto, _out = mail_in(bounce_eml("out_of_office.eml", address), "--recipient", address)

    assert (delayed.status, delayed.reason) == ("ignored", "bounce")
    assert (auto.status, auto.reason) == ("ignored", "auto_reply")
    assert not MemberBounce.objects.exists()


def test_the_same_bounce_delivered_twice_counts_once(members, dead, settings):
    settings.LIST_BOUNCE_LIMIT = 2
    collective, _people, _memberships = members
    raw = bounce_eml("postfix_user_unknown.eml", tokens.bounce_address(collective, dead))

    mail_in(raw)
    mail_in(raw)

    assert dead.bounces.count() == 1
    dead.refresh_from_db()
    assert not dead.delivery_suspended


def test_temporary_failures_count_half_and_old_ones_not_at_all(members, dead, settings):
    settings.LIST_BOUNCE_LIMIT = 2
    settings.LIST_BOUNCE_DAYS = 14
    collective, _people, _memberships = members
    address = tokens.bounce_address(collective, dead)

    def soft(number: int) -> None:
        mail_in(
            bounce_eml(
                "postfix_mailbox_full.eml",
                address,
                **{"9TZx1B2c3Dz9@mx": f"soft{number}@mx"},
            )
        )
        dead.refresh_from_db()

    for number in range(3):
        soft(number)
    assert not dead.delivery_suspended  # 1.5 of 2
    # Two of them are older than the window: they no longer count.
    old = datetime.timedelta(days=15)
    for bounce in dead.bounces.order_by("pk")[:2]:
        bounce.received_at -= old
        bounce.save()
    soft(3)
    assert not dead.delivery_suspended  # 1 of 2
    soft(4)
    assert not dead.delivery_suspended  # 1.5 of 2
    soft(5)
    assert dead.delivery_suspended  # 2 of 2


def test_a_limit_of_zero_never_suspends(members, dead, settings):
    settings.LIST_BOUNCE_LIMIT = 0
    collective, _people, _memberships = members
    address = tokens.bounce_address(collective, dead)
    for name in ("postfix_user_unknown.eml", "exim_failed.eml", "gmail_not_found.eml"):
        mail_in(bounce_eml(name, address))
    dead.refresh_from_db()
    assert dead.bounces.count() == 3 and not dead.delivery_suspended


def test_a_badly_signed_bounce_address_counts_nothing_and_posts_nothing(members, dead):
    collective, people, _memberships = members
    address = tokens.bounce_address(collective, dead)
    local, _at, domain = address.rpartition("@")
    local = local[:-1] + ("a" if local[-1] != "a" else "b")  # one letter of the signature
    forged = f"{local}@{domain}"
    assert tokens.is_bounce_address(local) and tokens.bounce_address_read(local) is None

    received, _out = mail_in(bounce_eml("postfix_user_unknown.eml", forged))
    assert (received.status, received.reason) == ("ignored", "bounce")
    # A member writing to a bounce address is not posted either.
    person = (
        f"From: Bob <{people['bob'].email}>\r\nTo: {forged}\r\nSubject: Bonjour\r\n"
        "Message-ID: <bob.1@example.org>\r\n\r\nBonjour à tous\r\n"
    ).encode()
    written, _out = mail_in(person, "--recipient", forged)
    assert (written.status, written.reason) == ("ignored", "no_list")
    assert not MemberBounce.objects.exists()
    assert not Message.objects.filter(source=Message.Source.EMAIL).exists()


# --- what a suspended member receives -----------------------------------------------------


def suspend(membership: CollectiveMembership) -> None:
    membership.delivery_suspended_at = datetime.datetime.now(datetime.UTC)
    membership.save()


def test_a_suspended_member_gets_no_copy_and_no_digest(members, smtp_server, on_commit):
    collective, _people, memberships = members
    suspend(memberships["alice"])
    suspend(memberships["digest"])
    memberships["digest"].digest_sent_until = None
    memberships["digest"].save()

    on_commit(start, collective, memberships["author"])
    assert sorted(by_recipient(smtp_server)) == ["bob@example.org"]

    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    assert on_commit(digests_send, later) == 0
    # Even a run that read the membership before it was suspended sends nothing.
    assert on_commit(digests_send_to, [memberships["digest"]], later) == 0
    assert not OutgoingEmail.objects.filter(to="digest@example.org").exists()


def test_digests_go_out_with_the_members_bounce_address(members, on_commit):
    collective, _people, memberships = members
    membership = memberships["digest"]
    on_commit(start, collective, memberships["author"])
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)

    assert on_commit(digests_send, later) == 1
    digest = OutgoingEmail.objects.get(to="digest@example.org")
    assert digest.envelope_from == tokens.bounce_address(collective, membership)
    (sent,) = [m for m in django_mail.outbox if m.to == ["digest@example.org"]]
    assert sent.from_email == digest.envelope_from
    assert sent.extra_headers["From"] != digest.envelope_from


def test_only_the_member_resumes_their_own_delivery(members):
    collective, people, memberships = members
    suspend(memberships["bob"])
    url = reverse("collectives:delivery_resume", args=[collective.slug])

    assert Client().post(url).status_code == 302  # anonymous: to the sign-in page
    assert signed_in(people["bob"]).get(url).status_code == 405  # a form, POST only
    outsider = UserFactory()
    assert signed_in(outsider).post(url).status_code == 403
    # Another member's click resumes their own (not suspended) delivery, not Bob's.
    assert signed_in(people["alice"]).post(url).status_code == 302
    memberships["bob"].refresh_from_db()
    assert memberships["bob"].delivery_suspended

    assert signed_in(people["bob"]).post(url).status_code == 302
    memberships["bob"].refresh_from_db()
    assert not memberships["bob"].delivery_suspended


def test_members_page_queries_do_not_grow_with_suspended_members(
    members, django_assert_max_num_queries
):
    collective, _people, memberships = members
    coordinator = memberships["alice"]
    coordinator.role = CollectiveMembership.Role.COORDINATOR
    coordinator.save()
    client = signed_in(coordinator.user)
    url = reverse("collectives:members", args=[collective.slug])
    client.get(url)
    for _ in range(5):
        suspend(MembershipFactory(collective=collective))
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert page.count("delivery suspended (bounces)") == 5


def test_personal_data_holds_the_failures_and_forgets_the_bounces(members, dead):
    from tissage.collectives.personal_data import collect, forget

    collective, _people, _memberships = members
    mail_in(bounce_eml("postfix_user_unknown.eml", tokens.bounce_address(collective, dead)))

    (membership,) = collect(dead.user)["collective_memberships"]
    (failure,) = membership["delivery_failures"]
    assert failure["status"] == "5.1.1" and failure["permanent"] is True

    forget(dead.user)
    received = InboundMail.objects.get(reason="bounce")
    assert bytes(received.raw) == b"" and received.recipient == ""
