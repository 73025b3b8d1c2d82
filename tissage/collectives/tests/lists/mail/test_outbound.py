"""The list's outgoing mail, end to end with a real SMTP server: each-message copies with
the headers of a real mailing list."""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import getaddresses

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext

from tissage.collectives import tokens
from tissage.collectives.lists import services
from tissage.collectives.lists.attachments import attachment_prepare
from tissage.collectives.lists.mail.outbound import clean_subject, deliver_list_message
from tissage.collectives.models import CollectiveMembership, Message
from tissage.collectives.tests.factories import MembershipFactory
from tissage.core.models import OutgoingEmail

from .helpers import SITE, by_recipient, start

pytestmark = pytest.mark.django_db

Delivery = CollectiveMembership.Delivery


def test_a_web_post_reaches_each_member_with_list_headers(
    members, smtp_server, django_capture_on_commit_callbacks
):
    collective, people, memberships = members
    with django_capture_on_commit_callbacks(execute=True):
        message = start(collective, memberships["author"])

    received = by_recipient(smtp_server)
    # Not the author (who has their copy), not web-only, digest, pending or outsiders.
    assert sorted(received) == ["alice@example.org", "bob@example.org"]
    for address, mail in received.items():
        assert mail["Subject"] == "[Bassin de Londres] Marché de producteurs"
        (sender,) = mail["From"].addresses
        assert sender.addr_spec == "bassin@listes.tissage.example"
        assert sender.display_name == "Camille Martin via Bassin de Londres"
        assert "camille@example.org" not in str(mail["From"])
        assert mail["To"] == address
        # Each member's own reply address, signed for them (issue #11, point 2).
        (reply_to,) = getaddresses([str(mail["Reply-To"])])
        user = people[address.split("@")[0]]
        assert reply_to[1] == tokens.reply_address(collective, message.thread_id, user.pk)
        assert tokens.reply_address_read(reply_to[1].split("@")[0]) == tokens.ReplyAddress(
            "bassin", message.thread_id, user.pk
        )
        assert mail["Message-ID"] == message.message_id
        assert mail["In-Reply-To"] is None
        assert mail["References"] is None
        assert mail["List-Id"] == "Bassin de Londres <bassin.listes.tissage.example>"
        assert mail["List-Post"] == "<mailto:bassin@listes.tissage.example>"
        assert mail["List-Archive"] == f"<{SITE}/collectifs/bassin/discussions/>"
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert mail["Precedence"] == "list"
        assert mail["X-Tissage-List"] == "bassin.listes.tissage.example"
        assert mail["Auto-Submitted"] is None
        unsubscribe = str(mail["List-Unsubscribe"])
        assert unsubscribe.startswith(f"<{SITE}/collectifs/desabonnement/")
        assert unsubscribe.endswith("/>")
        token = unsubscribe.removeprefix(f"<{SITE}/collectifs/desabonnement/")[:-2]
        membership_id, _user_id = tokens.unsubscribe_read(token)
        # Whole on the wire, not RFC 2047-encoded: mail clients read these URLs raw.
        raw = dict(mail.raw_items())
        assert raw["List-Unsubscribe"].strip() == unsubscribe
        assert raw["List-Archive"].strip() == f"<{SITE}/collectifs/bassin/discussions/>"
        name = address.split("@")[0]
        assert membership_id == memberships[name].pk  # each copy unsubscribes its reader

        text = mail.get_body(preferencelist=("plain",)).get_content()
        assert "**Bonjour** à tous" in text  # the Markdown as written
        assert f"{SITE}/collectifs/bassin/" in text  # links to the web
        assert unsubscribe[1:-1] in text
        html = mail.get_body(preferencelist=("html",)).get_content()
        assert "<strong>Bonjour</strong>" in html
        assert unsubscribe[1:-1] in html

    # Each in their language.
    french = received["alice@example.org"].get_body(preferencelist=("plain",)).get_content()
    english = received["bob@example.org"].get_body(preferencelist=("plain",)).get_content()
    line = "Reply to this email to answer everyone on the list."
    with translation.override("fr"):
        assert gettext(line) in french
    assert line in english


def test_a_reply_threads_under_its_parent_in_mail_clients(
    members, smtp_server, django_capture_on_commit_callbacks
):
    collective, people, memberships = members
    with django_capture_on_commit_callbacks(execute=True):
        first = start(collective, memberships["author"])
        second = services.message_reply(
            thread=first.thread,
            author=people["alice"],
            membership=memberships["alice"],
            parent=first,
            body="Moi !",
        )
        third = services.message_reply(
            thread=first.thread,
            author=people["bob"],
            membership=memberships["bob"],
            parent=second,
            body="Moi aussi.",
        )
        # A reply to the discussion, not to one message: under the first one.
        fourth = services.message_reply(
            thread=first.thread,
            author=people["alice"],
            membership=memberships["alice"],
            body="Je prends la voiture.",
        )

    copies = [m for m in smtp_server.messages if m["Message-ID"] == third.message_id]
    assert {str(m["To"]) for m in copies} == {"camille@example.org", "alice@example.org"}
    for mail in copies:
        assert mail["Subject"] == "[Bassin de Londres] Re: Marché de producteurs"
        assert mail["In-Reply-To"] == second.message_id
        assert str(mail["References"]).split() == [first.message_id, second.message_id]
        (sender,) = mail["From"].addresses
        assert sender.display_name.startswith(people["bob"].public_name + " via ")
    second_copies = [m for m in smtp_server.messages if m["Message-ID"] == second.message_id]
    assert {str(m["To"]) for m in second_copies} == {"camille@example.org", "bob@example.org"}
    assert all(str(m["References"]) == first.message_id for m in second_copies)
    fourth_copies = [m for m in smtp_server.messages if m["Message-ID"] == fourth.message_id]
    assert len(fourth_copies) == 2
    assert all(m["In-Reply-To"] == first.message_id for m in fourth_copies)


def test_references_stay_short_in_a_long_chain(
    members, smtp_server, django_capture_on_commit_callbacks
):
    collective, people, memberships = members
    with django_capture_on_commit_callbacks(execute=True):
        first = start(collective, memberships["author"])
    parent = first
    chain = [first]
    for number in range(14):
        parent = services.message_reply(
            thread=first.thread,
            author=people["bob"],
            membership=memberships["bob"],
            parent=parent,
            body=f"Réponse {number}",
            message_id=f"<r{number}@example.org>",
        )
        chain.append(parent)
    with django_capture_on_commit_callbacks(execute=True):
        last = services.message_reply(
            thread=first.thread,
            author=people["alice"],
            membership=memberships["alice"],
            parent=parent,
            body="Dernière",
        )

    mail = next(m for m in smtp_server.messages if m["Message-ID"] == last.message_id)
    references = str(mail["References"]).split()
    assert len(references) == 10
    assert references[0] == first.message_id
    assert references[-1] == parent.message_id
    assert references[1:] == [m.message_id for m in chain[-9:]]


def test_re_prefixes_are_not_doubled(members):
    collective, _people, _memberships = members
    assert clean_subject("Re: RE: [Bassin de Londres] Marché", collective) == "Marché"
    assert clean_subject("[Urgent] Marché", collective) == "[Urgent] Marché"
    assert clean_subject("Re:", collective) == "Re:"


def test_a_held_message_is_sent_when_approved_and_not_before(
    members, smtp_server, django_capture_on_commit_callbacks
):
    collective, people, _memberships = members
    collective.hold_first_posts = True
    collective.save()
    newcomer = MembershipFactory(collective=collective, trusted=False)
    with django_capture_on_commit_callbacks(execute=True):
        held = start(collective, newcomer)
    assert held.status == Message.Status.HELD
    assert smtp_server.messages == []

    with django_capture_on_commit_callbacks(execute=True):
        services.message_approve(message=held, moderator=people["author"])
    assert sorted(by_recipient(smtp_server)) == [
        "alice@example.org",
        "bob@example.org",
        "camille@example.org",
    ]


def test_attachments_are_links_not_files(members, smtp_server, django_capture_on_commit_callbacks):
    collective, _people, memberships = members
    pdf = attachment_prepare("programme.pdf", b"%PDF-1.4\n% programme du marche\n")
    with django_capture_on_commit_callbacks(execute=True):
        message = start(collective, memberships["author"], attachments=[pdf])

    mail = by_recipient(smtp_server)["alice@example.org"]
    assert list(mail.iter_attachments()) == []  # light on weak connections
    attachment = message.attachments.get()
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "programme.pdf" in text
    assert SITE in text.split("programme.pdf", 1)[1].splitlines()[0]
    assert "programme.pdf</a>" in html
    assert attachment.filename == "programme.pdf"


def test_a_long_list_is_written_with_a_constant_number_of_queries(
    members, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from tissage.collectives.lists.mail.outbound import deliver_list_message

    collective, _people, memberships = members
    with django_capture_on_commit_callbacks(execute=False):
        message = start(collective, memberships["author"])
    for _ in range(20):
        MembershipFactory(collective=collective)
    # Per copy: OutgoingEmail's clean-up and insert; the rest is once per message.
    with (
        django_capture_on_commit_callbacks(execute=False),
        django_assert_max_num_queries(6 + 2 * 22),
    ):
        deliver_list_message.call(message.pk)
    assert OutgoingEmail.objects.count() == 22


def test_run_again_the_task_writes_no_second_copy(members, django_capture_on_commit_callbacks):
    """A worker killed after the copies were committed, before it wrote that the task
    ended: the task runs again (core.workers) and writes a copy only for whom has none."""
    collective, _people, memberships = members
    with django_capture_on_commit_callbacks(execute=False):
        message = start(collective, memberships["author"])
        assert deliver_list_message.call(message.pk) == "2 sent"
        first = set(OutgoingEmail.objects.values_list("pk", "to"))
        assert deliver_list_message.call(message.pk) == "0 sent"
        late = MembershipFactory(collective=collective)
        assert deliver_list_message.call(message.pk) == "1 sent"

    assert set(OutgoingEmail.objects.values_list("pk", "to")) - first == {
        (OutgoingEmail.objects.get(to=late.user.email).pk, late.user.email)
    }


def test_a_hidden_message_is_not_sent(members, django_capture_on_commit_callbacks):
    from tissage.collectives.lists.mail.outbound import deliver_list_message

    collective, people, memberships = members
    with django_capture_on_commit_callbacks(execute=False):
        message = start(collective, memberships["author"])
        services.message_hide(message=message, moderator=people["author"])
    assert deliver_list_message.call(message.pk) == "nothing to do"
    assert deliver_list_message.call(999_999) == "nothing to do"
    assert OutgoingEmail.objects.count() == 0


def test_copies_parse_with_the_default_policy(
    members, smtp_server, django_capture_on_commit_callbacks
):
    """A name with a comma and accents still gives a valid From."""
    collective, people, memberships = members
    people["author"].display_name = "Dupont, Élise"
    people["author"].save()
    with django_capture_on_commit_callbacks(execute=True):
        start(collective, memberships["author"])
    mail = by_recipient(smtp_server)["alice@example.org"]
    (sender,) = mail["From"].addresses
    assert sender == Address(
        display_name="Dupont, Élise via Bassin de Londres",
        addr_spec="bassin@listes.tissage.example",
    )


# --- issue #12: line breaks, absolute links, one footer, folded headers ---------------------


def test_a_copy_keeps_the_lines_of_the_message_and_links_absolutely(
    members, smtp_server, django_capture_on_commit_callbacks
):
    collective, _people, memberships = members
    body = (
        "Bonjour,\nRDV samedi à 14 h\ndevant la mairie.\n\nVoir [le wiki](/collectifs/bassin/wiki/)"
    )
    with django_capture_on_commit_callbacks(execute=True):
        start(collective, memberships["author"], body=body)

    mail = by_recipient(smtp_server)["alice@example.org"]
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "Bonjour,<br>\nRDV samedi à 14 h<br>\ndevant la mairie." in html.replace("\r", "")
    assert f'href="{SITE}/collectifs/bassin/wiki/"' in html
    text = mail.get_body(preferencelist=("plain",)).get_content().replace("\r", "")
    # Plain text stays as written, its links made absolute.
    assert body.replace("](/", f"]({SITE}/") in text
    # One signature block, one footer.
    assert text.count("\n-- \n") == 1
    assert html.count("<hr>") == 1


def test_no_copy_is_sent_with_links_that_lead_nowhere(
    members, smtp_server, django_capture_on_commit_callbacks, settings
):
    collective, _people, memberships = members
    settings.SITE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        message = start(collective, memberships["author"])

    # The task fails (the worker logs and keeps it failed); nothing is sent.
    with pytest.raises(ImproperlyConfigured, match="TISSAGE_SITE_URL"):
        deliver_list_message.call(message.pk)
    assert smtp_server.messages == []
    assert not OutgoingEmail.objects.exists()


def test_header_lines_are_folded_at_78_characters_never_inside_a_url(
    members, smtp_server, django_capture_on_commit_callbacks
):
    collective, _people, memberships = members
    with django_capture_on_commit_callbacks(execute=True):
        first = start(collective, memberships["author"], subject="Réunion " * 12)
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.message_reply(
            thread=first.thread,
            parent=first,
            author=memberships["alice"].user,
            body="Oui",
            message_id="<" + "x" * 90 + "@mail.example.org>",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.message_reply(
            thread=first.thread, parent=answer, author=memberships["bob"].user, body="Moi aussi"
        )

    mail = smtp_server.messages[-1]
    for name, value in mail.raw_items():
        for line in f"{name}: {value}".split("\r\n"):
            # A line is longer only when it is one word: a URL or a Message-ID, kept whole.
            assert len(line) <= 78 or len(line.split()) == 1 or line.startswith(f"{name}: "), line
            assert len(line) <= 998
    raw = dict(mail.raw_items())
    assert "=?" not in raw["List-Unsubscribe"] and "=?" not in raw["References"]
    assert "<" + "x" * 90 + "@mail.example.org>" in mail["References"]
    assert str(mail["List-Unsubscribe"]).startswith(f"<{SITE}/collectifs/desabonnement/")
    assert str(mail["Subject"]).endswith("Réunion " * 11 + "Réunion")
