"""Whose email is it? The sender check of members' mail (issue #11, point 2): DKIM
signatures made here with dkimpy and a test key, DMARC records and DKIM keys served by an
in-memory zone (`dns_zone`), the trusted Authentication-Results header, and what becomes
of a mail that proves nothing."""

from __future__ import annotations

import dns.exception
import dns.name
import dns.resolver
import pytest

from tissage.collectives.lists.mail import authentication
from tissage.collectives.lists.mail.reading import parse
from tissage.collectives.models import Collective, InboundMail, Message

from .dnszone import DkimKey, Zone
from .helpers import eml, mail_in

pytestmark = pytest.mark.django_db

Verification = InboundMail.Verification
# Bruno writes from gmail.com, which signs its mail and publishes a DMARC policy.
BRUNO = "bruno.lefevre@gmail.com"
MX = "mx.listes.example.org"


@pytest.fixture
def gmail(dns_zone):
    key = DkimKey("gmail.com", "20230601")
    dns_zone.dkim_key(key)
    dns_zone.dmarc("gmail.com", "none")
    return key


def members_only(collective: Collective) -> Collective:
    collective.admission = Collective.Admission.MODERATED
    collective.archive_visibility = Collective.ArchiveVisibility.MEMBERS
    collective.save()
    return collective


def with_results(raw: bytes, *values: str) -> bytes:
    """The mail as our mail server hands it over: its Authentication-Results on top."""
    headers = b"".join(f"Authentication-Results: {value}\r\n".encode() for value in values)
    return headers + raw


# --- forged and genuine mail from members ---------------------------------------------------


def test_a_forged_member_mail_is_held_with_the_reason(parent, people, gmail, dns_zone):
    # Anyone can write "From: bruno.lefevre@gmail.com"; gmail.com signs all its mail.
    mail, out = mail_in(eml("gmail_reply.eml", parent))

    assert (mail.status, mail.reason) == ("held", "unverified")
    assert mail.verification == Verification.MISSING
    assert mail.message is None
    assert not Message.objects.filter(thread=parent.thread, author=people["bruno"]).exists()
    assert "held: unverified (jardins)" in out
    # The DMARC record was asked of the test zone, never of the network.
    assert "_dmarc.gmail.com" in dns_zone.queries


def test_a_member_mail_signed_by_their_domain_is_posted(parent, people, gmail):
    mail, _out = mail_in(gmail.sign(eml("gmail_reply.eml", parent)))

    assert mail.status == InboundMail.Status.POSTED
    assert mail.verification == Verification.DKIM
    assert mail.message.author == people["bruno"]


def test_a_signature_that_does_not_match_the_message_is_held(parent, people, gmail):
    signed = gmail.sign(eml("gmail_reply.eml", parent))
    tampered = signed.replace(b"chaises pliantes", b"chaises cassees")

    mail, _out = mail_in(tampered)

    assert (mail.status, mail.reason, mail.verification) == ("held", "unverified", "invalid")


def test_a_signature_without_its_key_in_dns_is_held(parent, people, dns_zone):
    mail, _out = mail_in(DkimKey("gmail.com").sign(eml("gmail_reply.eml", parent)))

    assert (mail.status, mail.verification) == ("held", Verification.INVALID)


def test_a_valid_signature_of_another_domain_proves_nothing(parent, people, gmail, dns_zone):
    # A forger signs with their own domain's key: valid, but not gmail.com's.
    forger = DkimKey("forger.example")
    dns_zone.dkim_key(forger)

    mail, _out = mail_in(forger.sign(eml("gmail_reply.eml", parent)))

    assert (mail.status, mail.verification) == ("held", Verification.MISSING)


def test_a_signature_of_part_of_the_body_is_not_taken(parent, people, gmail):
    # l= lets anyone append text below the signed part.
    signed = gmail.sign(eml("gmail_reply.eml", parent), length=True)
    appended = signed.rstrip(b"\r\n") + b"\r\n\r\nVersez 100 euros sur ce compte.\r\n"

    mail, _out = mail_in(appended)

    assert (mail.status, mail.verification) == ("held", Verification.MISSING)


def test_several_from_addresses_are_held(parent, people, gmail):
    raw = gmail.sign(eml("gmail_reply.eml", parent)).replace(
        b"From: =?utf-8?q?Bruno_Lef=C3=A8vre?= <bruno.lefevre@gmail.com>",
        b"From: =?utf-8?q?Bruno_Lef=C3=A8vre?= <bruno.lefevre@gmail.com>, x@forger.example",
    )

    mail, _out = mail_in(raw)

    assert (mail.status, mail.verification) == ("held", Verification.SEVERAL_SENDERS)


def test_dns_that_does_not_answer_holds_the_mail(parent, people, gmail, dns_zone):
    dns_zone.unreachable.add("20230601._domainkey.gmail.com")

    mail, _out = mail_in(gmail.sign(eml("gmail_reply.eml", parent)))

    assert (mail.status, mail.verification) == ("held", Verification.DNS_ERROR)


@pytest.mark.parametrize(
    ("signer", "author", "vouches"),
    [
        ("gmail.com", "gmail.com", True),
        ("GMAIL.com.", "gmail.com", True),
        ("example.org", "lists.example.org", True),  # a parent signs for its subdomain
        ("lists.example.org", "example.org", False),  # not the reverse
        ("ample.org", "example.org", False),  # a suffix, not a parent
        ("org", "example.org", False),  # never a top-level domain
        ("", "example.org", False),
    ],
)
def test_alignment(signer, author, vouches):
    assert authentication.aligned(signer, author) is vouches


def test_a_subdomain_sender_is_vouched_for_by_its_parent(collective, dns_zone):
    from .helpers import member

    member(collective, "eve@lists.example.net")
    key = DkimKey("example.net")
    dns_zone.dkim_key(key)
    raw = eml("new_thread_member.eml").replace(
        b"alice.martin@example.net", b"eve@lists.example.net"
    )

    mail, _out = mail_in(key.sign(raw))

    assert (mail.status, mail.verification) == ("posted", Verification.DKIM)


# --- domains that sign nothing: TISSAGE_LIST_UNVERIFIED -------------------------------------


def test_an_unsigned_domain_posts_on_an_open_list_by_default(collective, people):
    # example.net publishes neither a DKIM key nor a DMARC policy (the zone is empty).
    mail, _out = mail_in(eml("new_thread_member.eml"))

    assert collective.is_open
    assert (mail.status, mail.verification) == ("posted", Verification.UNSIGNED)


def test_an_unsigned_domain_is_held_on_a_members_only_list_by_default(collective, people):
    members_only(collective)

    mail, _out = mail_in(eml("new_thread_member.eml"))

    assert (mail.status, mail.reason, mail.verification) == ("held", "unverified", "unsigned")


@pytest.mark.parametrize(
    ("policy", "open_list", "posted"),
    [
        ("hold", True, False),
        ("hold", False, False),
        ("accept", True, True),
        ("accept", False, True),
        ("hold-members-only", True, True),
        ("hold-members-only", False, False),
    ],
)
def test_the_unverified_setting(collective, people, settings, policy, open_list, posted):
    settings.LIST_UNVERIFIED = policy
    if not open_list:
        members_only(collective)

    mail, _out = mail_in(eml("new_thread_member.eml"))

    assert (mail.status == "posted") is posted


@pytest.mark.parametrize(
    ("admission", "archive", "is_open"),
    [("open", "public", True), ("moderated", "public", False), ("open", "members", False)],
)
def test_an_open_list_is_one_anyone_joins_and_reads(collective, admission, archive, is_open):
    collective.admission, collective.archive_visibility = admission, archive

    assert collective.is_open is is_open


def test_the_unverified_setting_takes_three_values(monkeypatch):
    from tissage.settings import ConfigurationError, env_choice

    choices = ("hold-members-only", "hold", "accept")
    monkeypatch.setenv("TISSAGE_LIST_UNVERIFIED", " Accept ")
    assert env_choice("TISSAGE_LIST_UNVERIFIED", choices, "hold-members-only") == "accept"
    monkeypatch.setenv("TISSAGE_LIST_UNVERIFIED", "yes")
    with pytest.raises(ConfigurationError, match="must be hold-members-only, hold or accept"):
        env_choice("TISSAGE_LIST_UNVERIFIED", choices, "hold-members-only")


def test_a_domain_whose_parent_publishes_dmarc_is_not_unsigned(collective, dns_zone):
    from .helpers import member

    member(collective, "eve@mail.example.net")
    dns_zone.dmarc("example.net")
    raw = eml("new_thread_member.eml").replace(b"alice.martin@example.net", b"eve@mail.example.net")

    mail, _out = mail_in(raw)

    assert (mail.status, mail.verification) == ("held", Verification.MISSING)
    assert dns_zone.queries[-2:] == ["_dmarc.mail.example.net", "_dmarc.example.net"]


# --- our mail server's verdict: TISSAGE_LIST_TRUST_AUTH_RESULTS ------------------------------


@pytest.fixture
def trusted_mx(settings):
    settings.LIST_TRUST_AUTH_RESULTS = MX
    return MX


@pytest.mark.parametrize(
    "results",
    [
        f"{MX}; dmarc=pass (p=none dis=none) header.from=gmail.com",
        f"{MX} 1; dkim=pass (2048-bit key) header.d=gmail.com header.s=20230601",
        f"{MX}; spf=pass (sender SPF authorized) smtp.mailfrom={BRUNO}",
    ],
)
def test_our_mail_servers_pass_is_taken(parent, people, gmail, trusted_mx, results):
    mail, _out = mail_in(with_results(eml("gmail_reply.eml", parent), results))

    assert (mail.status, mail.verification) == ("posted", Verification.SERVER)


@pytest.mark.parametrize(
    "results",
    [
        # Written by someone else's server, or by the sender: not ours.
        "mx.forger.example; dmarc=pass header.from=gmail.com",
        # Ours, but about another domain.
        f"{MX}; dkim=pass header.d=forger.example; spf=pass smtp.mailfrom=x@forger.example",
        f"{MX}; dmarc=pass header.from=forger.example",
    ],
)
def test_results_that_do_not_vouch_for_the_sender_are_not_taken(
    parent, people, gmail, trusted_mx, results
):
    mail, _out = mail_in(with_results(eml("gmail_reply.eml", parent), results))

    assert (mail.status, mail.verification) == ("held", Verification.MISSING)


def test_only_the_topmost_results_of_our_server_count(parent, people, gmail, trusted_mx):
    # The sender wrote a header in our server's name; ours, added on top, says "fail".
    raw = with_results(
        eml("gmail_reply.eml", parent),
        f"{MX}; dmarc=fail (p=none) header.from=gmail.com",
        f"{MX}; dmarc=pass header.from=gmail.com",
    )

    mail, _out = mail_in(raw)

    assert (mail.status, mail.verification) == ("held", Verification.SERVER_FAIL)


def test_results_are_read_only_when_the_operator_trusts_them(parent, people, gmail):
    raw = with_results(eml("gmail_reply.eml", parent), f"{MX}; dmarc=pass header.from=gmail.com")

    mail, _out = mail_in(raw)

    assert (mail.status, mail.verification) == ("held", Verification.MISSING)


def test_our_servers_dmarc_none_means_an_unsigned_domain(collective, people, trusted_mx):
    raw = with_results(
        eml("new_thread_member.eml"),
        f"{MX}; dkim=none; spf=none smtp.mailfrom=example.net; dmarc=none header.from=example.net",
    )

    mail, _out = mail_in(raw)

    assert (mail.status, mail.verification) == ("posted", Verification.UNSIGNED)


def test_results_parse_reads_comments_versions_and_properties():
    authserv_id, results = authentication.results_parse(
        "MX.listes.example.org 1; (a comment (nested)) dkim=pass (good) header.d=gmail.com "
        'header.s="20230601"; spf=softfail smtp.mailfrom=bruno@gmail.com; none'
    )

    assert authserv_id == "mx.listes.example.org"
    assert results == [
        authentication.ServerResult(
            "dkim", "pass", {"header.d": "gmail.com", "header.s": "20230601"}
        ),
        authentication.ServerResult("spf", "softfail", {"smtp.mailfrom": "bruno@gmail.com"}),
    ]


def test_sender_verify_takes_the_resolver_it_is_given(gmail, dns_zone):
    raw = gmail.sign(eml("new_thread_member.eml").replace(b"example.net", b"gmail.com"))

    check = authentication.sender_verify(raw, parse(raw), resolver=dns_zone)

    assert check.verified
    assert check.verification == Verification.DKIM
    assert dns_zone.queries == ["20230601._domainkey.gmail.com"]


# --- the system's resolver: what DNS answers means ------------------------------------------


@pytest.mark.parametrize(
    ("answer", "records"),
    [
        (dns.resolver.NXDOMAIN(), []),
        (dns.resolver.NoAnswer(), []),
        (dns.name.LabelTooLong(), []),
        (dns.exception.Timeout(), authentication.DnsTemporaryError),
        (dns.resolver.NoNameservers(), authentication.DnsTemporaryError),
    ],
)
def test_the_system_resolver_tells_no_record_from_no_answer(monkeypatch, answer, records):
    # dnspython's own query is replaced: tests never reach the network.
    def resolve(name, rdtype, **options):
        assert (name, rdtype, options["search"]) == ("_dmarc.example.org", "TXT", False)
        raise answer

    monkeypatch.setattr(dns.resolver, "resolve", resolve)

    if records is authentication.DnsTemporaryError:
        with pytest.raises(authentication.DnsTemporaryError):
            authentication.system_dns_txt("_dmarc.example.org")
    else:
        assert authentication.system_dns_txt("_dmarc.example.org") == records


def test_the_system_resolver_is_used_unless_another_is_set(settings):
    settings.LIST_DNS_RESOLVER = None
    assert authentication.dns_resolver() is authentication.system_dns_txt
    settings.LIST_DNS_RESOLVER = "tissage.collectives.tests.lists.mail.dnszone.Zone"
    assert authentication.dns_resolver() is Zone


def test_a_domain_with_accents_is_checked_as_dns_writes_it(collective, dns_zone):
    from .helpers import member

    member(collective, "eve@jardinés.example")
    key = DkimKey("xn--jardins-gya.example")  # "jardinés.example" in DNS
    dns_zone.dkim_key(key)
    raw = eml("new_thread_member.eml").replace(
        b"alice.martin@example.net", "eve@jardinés.example".encode()
    )

    mail, _out = mail_in(key.sign(raw))

    assert (mail.status, mail.verification) == ("posted", Verification.DKIM)
