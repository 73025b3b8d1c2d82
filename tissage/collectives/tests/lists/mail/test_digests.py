"""The daily digest (`tissage send-digests`): one email with the day's messages, once."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tissage.collectives import tokens
from tissage.collectives.lists import services
from tissage.collectives.lists.mail import digests
from tissage.collectives.models import CollectiveMembership, Message
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://tissage.example"
Delivery = CollectiveMembership.Delivery


@pytest.fixture
def day(settings):
    """A collective with a member on digest and three messages of the day in two
    threads (plus one of the reader's own and one from yesterday's digest)."""
    settings.SITE_URL = SITE
    settings.LIST_DOMAIN = "listes.tissage.example"
    collective = CollectiveFactory(name="Bassin de Londres", slug="bassin")
    reader = MembershipFactory(
        collective=collective,
        user=UserFactory(email="digest@example.org", language="en"),
        delivery=Delivery.DIGEST,
    )
    writer = MembershipFactory(collective=collective, delivery=Delivery.WEB)
    now = timezone.now()
    CollectiveMembership.objects.filter(pk=reader.pk).update(
        joined_at=now - datetime.timedelta(days=3),
        digest_sent_until=now - datetime.timedelta(hours=24),
    )
    old = services.thread_start(
        collective=collective, author=writer.user, membership=writer, subject="Hier", body="Vieux"
    )
    shop = services.thread_start(
        collective=collective,
        author=writer.user,
        membership=writer,
        subject="Épicerie de producteurs",
        body="Qui tient la caisse **samedi** ?",
    )
    reply = services.message_reply(
        thread=shop.thread, author=writer.user, membership=writer, parent=shop, body="Moi."
    )
    own = services.message_reply(
        thread=shop.thread, author=reader.user, membership=reader, body="Le mien."
    )
    garden = services.thread_start(
        collective=collective,
        author=writer.user,
        membership=writer,
        subject="Jardins partagés",
        body="Les graines sont arrivées.",
    )
    for hours, message in [(30, old), (5, shop), (4, reply), (3, own), (2, garden)]:
        Message.objects.filter(pk=message.pk).update(
            published_at=now - datetime.timedelta(hours=hours)
        )
    reader.refresh_from_db()
    return collective, reader, writer, [shop, reply, garden], own, old


def test_a_digest_member_receives_one_email_with_the_days_messages(
    day, smtp_server, django_capture_on_commit_callbacks
):
    _collective, reader, writer, messages, _own, _old = day
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=io.StringIO())

    assert smtp_server.recipients == [["digest@example.org"]]
    (mail,) = smtp_server.messages
    assert mail["Subject"].startswith("[Bassin de Londres] Digest of ")
    assert mail["Subject"].endswith(": 3 messages")
    assert mail["List-Id"] == "Bassin de Londres <bassin.listes.tissage.example>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Precedence"] == "list"
    assert mail["X-Tissage-List"] == "bassin.listes.tissage.example"
    unsubscribe = str(mail["List-Unsubscribe"])[1:-1]
    assert unsubscribe.startswith(f"{SITE}/collectifs/desabonnement/")
    token = unsubscribe.removeprefix(f"{SITE}/collectifs/desabonnement/").rstrip("/")
    assert tokens.unsubscribe_read(token)[0] == reader.pk
    assert mail["Message-ID"] not in {m.message_id for m in messages}
    (sender,) = mail["From"].addresses
    assert sender.display_name == "Bassin de Londres"

    text = mail.get_body(preferencelist=("plain",)).get_content()
    # Grouped by thread, in order; the reader's own message and yesterday's are left out.
    assert text.index("Épicerie de producteurs") < text.index("Qui tient la caisse")
    assert text.index("Qui tient la caisse") < text.index("Moi.")
    assert text.index("Moi.") < text.index("Jardins partagés") < text.index("Les graines")
    assert text.count("Épicerie de producteurs") == 1
    assert "Le mien." not in text
    assert "Vieux" not in text
    assert writer.user.public_name in text
    for message in messages:
        assert f"{SITE}/collectifs/bassin/messages/{message.pk}/" in text
    assert unsubscribe in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "<strong>samedi</strong>" in html
    assert "Jardins partagés" in html

    reader.refresh_from_db()
    assert reader.digest_sent_until is not None
    assert reader.digest_sent_until >= Message.objects.get(pk=messages[-1].pk).published_at

    # A second run: nothing new, nothing sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert digests.digests_send() == 0
    assert len(smtp_server.messages) == 1


def test_the_next_digest_has_only_what_is_new(day, django_capture_on_commit_callbacks):
    collective, _reader, writer, _messages, _own, _old = day
    digests.digests_send()
    assert OutgoingEmail.objects.count() == 1
    later = services.thread_start(
        collective=collective, author=writer.user, membership=writer, subject="Demain", body="Hop"
    )

    assert digests.digests_send(now=later.published_at + datetime.timedelta(minutes=5)) == 1
    latest = OutgoingEmail.objects.order_by("-pk").first()
    assert latest is not None
    assert latest.subject.endswith(": 1 message")
    assert "Hop" in latest.body_text
    assert "Qui tient la caisse" not in latest.body_text


def test_two_runs_at_the_same_moment_send_one_digest(day):
    """Both runs read the memberships before either claims them."""
    _collective, reader, *_rest = day
    cutoff = timezone.now()
    first_run = digests.due_memberships()
    second_run = digests.due_memberships()
    assert [m.pk for m in first_run] == [m.pk for m in second_run] == [reader.pk]

    assert digests.digests_send_to(first_run, cutoff) == 1
    assert digests.digests_send_to(second_run, cutoff + datetime.timedelta(seconds=1)) == 0
    assert OutgoingEmail.objects.filter(to="digest@example.org").count() == 1


def test_a_first_digest_starts_at_joining(settings):
    settings.SITE_URL = SITE
    collective = CollectiveFactory()
    writer = MembershipFactory(collective=collective)
    before = services.thread_start(
        collective=collective, author=writer.user, membership=writer, subject="Avant", body="A"
    )
    Message.objects.filter(pk=before.pk).update(
        published_at=timezone.now() - datetime.timedelta(hours=2)
    )
    newcomer = MembershipFactory(collective=collective, delivery=Delivery.DIGEST)
    assert newcomer.digest_sent_until is None
    after = services.thread_start(
        collective=collective, author=writer.user, membership=writer, subject="Après", body="B"
    )

    assert digests.digests_send(now=after.published_at + datetime.timedelta(minutes=2)) == 1
    (sent,) = OutgoingEmail.objects.filter(to=newcomer.user.email)
    assert "Après" in sent.body_text
    assert "Avant" not in sent.body_text


def test_members_with_nothing_new_or_other_choices_get_nothing(day):
    collective, _reader, *_rest = day
    quiet = CollectiveFactory()
    MembershipFactory(collective=quiet, delivery=Delivery.DIGEST)
    MembershipFactory(collective=collective, delivery=Delivery.EACH)
    pending = MembershipFactory(
        collective=collective,
        delivery=Delivery.DIGEST,
        status=CollectiveMembership.Status.PENDING,
    )
    CollectiveMembership.objects.filter(pk=pending.pk).update(
        joined_at=timezone.now() - datetime.timedelta(days=2)
    )

    assert digests.digests_send() == 1
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["digest@example.org"]


def test_hidden_messages_are_not_in_the_digest(day):
    _collective, _reader, writer, messages, _own, _old = day
    services.message_hide(message=messages[2], moderator=writer.user)
    digests.digests_send()
    (sent,) = OutgoingEmail.objects.all()
    assert "Les graines" not in sent.body_text
    assert sent.subject.endswith(": 2 messages")


def test_the_digest_run_takes_a_constant_number_of_queries(
    day, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    collective, _reader, _writer, *_rest = day
    for _ in range(10):
        member = MembershipFactory(collective=collective, delivery=Delivery.DIGEST)
        CollectiveMembership.objects.filter(pk=member.pk).update(
            joined_at=timezone.now() - datetime.timedelta(days=1)
        )
    # Per member: claim, messages, attachments, email clean-up and insert (+ savepoints).
    with (
        django_capture_on_commit_callbacks(execute=False),
        django_assert_max_num_queries(1 + 11 * 7),
    ):
        assert digests.digests_send() == 11


def test_the_command_needs_the_site_address(settings):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="TISSAGE_SITE_URL"):
        call_command("send_digests", stdout=io.StringIO())
