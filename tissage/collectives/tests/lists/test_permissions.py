"""Discussion pages: the role × visibility matrix for every URL, and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tissage.collectives.lists import services
from tissage.collectives.lists.attachments import PreparedAttachment
from tissage.collectives.models import Collective, InboundMail, Message, Report
from tissage.collectives.tests.factories import (
    COLLECTIVE_ROLES,
    CollectiveFactory,
    MembershipFactory,
    client_for_role,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

PUBLIC = Collective.ArchiveVisibility.PUBLIC
MEMBERS = Collective.ArchiveVisibility.MEMBERS


def _setup(visibility: str) -> dict[str, object]:
    collective = CollectiveFactory(archive_visibility=visibility)
    author = MembershipFactory(collective=collective).user
    first = services.thread_start(
        collective=collective,
        author=author,
        subject="Jardins partagés",
        body="On commence samedi ?",
        attachments=[PreparedAttachment("plan.pdf", "application/pdf", PDF)],
    )
    attachment = first.attachments.get()
    decided = InboundMail.objects.create(
        collective=collective,
        raw=b"From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n",
        sender="a@example.org",
        subject="x",
        status=InboundMail.Status.DISCARDED,
    )
    reporter = MembershipFactory(collective=collective).user
    report = Report.objects.create(message=first, reporter=reporter, reason="spam")
    return {
        "collective": collective,
        "message": first,
        "attachment": attachment,
        "mail": decided,
        "report": report,
    }


def _url(name: str, data: dict[str, object]) -> str:
    collective = data["collective"]
    message = data["message"]
    assert isinstance(collective, Collective) and isinstance(message, Message)
    slug = collective.slug
    args: dict[str, list[object]] = {
        "threads": [slug],
        "thread_create": [slug],
        "thread": [slug, message.thread_id],
        "reply": [slug, message.thread_id],
        "message": [slug, message.pk],
        "message_report": [slug, message.pk],
        "message_hide": [slug, message.pk],
        "message_unhide": [slug, message.pk],
        "message_approve": [slug, message.pk],
        "attachment": [slug, data["attachment"].pk, data["attachment"].filename],  # type: ignore[attr-defined]
        "moderation": [slug],
        "held_mail": [slug, data["mail"].pk],  # type: ignore[attr-defined]
        "report_dismiss": [slug, data["report"].pk],  # type: ignore[attr-defined]
    }
    return reverse(f"collectives:{name}", args=args[name])


# Expected answer per role, in the order of COLLECTIVE_ROLES:
# anonymous, outsider, pending, member, coordinator, organisation_staff, superuser.
# "login" = redirect to the sign-in page (anonymous visitors of a members-only archive
# too: a member may follow a link from an email while signed out); 302 = redirected.
L = "login"
MATRIX: list[tuple[str, str, str, list[object]]] = [
    ("threads", "get", PUBLIC, [200, 200, 200, 200, 200, 200, 200]),
    ("threads", "get", MEMBERS, [L, 404, 404, 200, 200, 200, 200]),
    ("thread", "get", PUBLIC, [200, 200, 200, 200, 200, 200, 200]),
    ("thread", "get", MEMBERS, [L, 404, 404, 200, 200, 200, 200]),
    ("message", "get", PUBLIC, [302, 302, 302, 302, 302, 302, 302]),
    ("message", "get", MEMBERS, [L, 404, 404, 302, 302, 302, 302]),
    ("attachment", "get", PUBLIC, [200, 200, 200, 200, 200, 200, 200]),
    ("attachment", "get", MEMBERS, [L, 404, 404, 200, 200, 200, 200]),
    # Posting: active members only (organisation staff who are not members read only).
    ("thread_create", "get", PUBLIC, [L, 403, 403, 200, 200, 403, 403]),
    ("thread_create", "get", MEMBERS, [L, 404, 404, 200, 200, 403, 403]),
    ("reply", "get", PUBLIC, [L, 403, 403, 200, 200, 403, 403]),
    ("reply", "get", MEMBERS, [L, 404, 404, 200, 200, 403, 403]),
    ("message_report", "get", PUBLIC, [L, 403, 403, 200, 200, 403, 403]),
    ("message_report", "get", MEMBERS, [L, 404, 404, 200, 200, 403, 403]),
    # Moderation: anonymous → sign in; others 403, or 404 if they cannot read.
    ("moderation", "get", PUBLIC, [L, 403, 403, 403, 200, 200, 200]),
    ("moderation", "get", MEMBERS, [L, 404, 404, 403, 200, 200, 200]),
    ("message_hide", "post", PUBLIC, [L, 403, 403, 403, 302, 302, 302]),
    ("message_hide", "post", MEMBERS, [L, 404, 404, 403, 302, 302, 302]),
    ("message_unhide", "post", PUBLIC, [L, 403, 403, 403, 302, 302, 302]),
    ("message_unhide", "post", MEMBERS, [L, 404, 404, 403, 302, 302, 302]),
    ("message_approve", "post", PUBLIC, [L, 403, 403, 403, 302, 302, 302]),
    ("message_approve", "post", MEMBERS, [L, 404, 404, 403, 302, 302, 302]),
    ("held_mail", "post", PUBLIC, [L, 403, 403, 403, 302, 302, 302]),
    ("held_mail", "post", MEMBERS, [L, 404, 404, 403, 302, 302, 302]),
    ("report_dismiss", "post", PUBLIC, [L, 403, 403, 403, 302, 302, 302]),
    ("report_dismiss", "post", MEMBERS, [L, 404, 404, 403, 302, 302, 302]),
]


@pytest.mark.parametrize(
    ("name", "method", "visibility", "role", "expected"),
    [
        (name, method, visibility, role, expected[index])
        for name, method, visibility, expected in MATRIX
        for index, role in enumerate(COLLECTIVE_ROLES)
    ],
)
def test_permission_matrix(name, method, visibility, role, expected):
    data = _setup(visibility)
    client, _user = client_for_role(role, data["collective"])  # type: ignore[arg-type]
    url = _url(name, data)
    data_sent = {"action": "approve"}
    response = client.get(url) if method == "get" else client.post(url, data_sent)
    if expected == L:
        assert response.status_code == 302
        assert reverse("accounts:sign_in") in response["Location"]
    else:
        assert response.status_code == expected
        if expected == 302:
            assert reverse("accounts:sign_in") not in response["Location"]


def test_reporting_ones_own_message_is_refused():
    data = _setup(PUBLIC)
    message = data["message"]
    assert isinstance(message, Message)
    client, _user = client_for_role("anonymous", data["collective"])  # type: ignore[arg-type]
    client.force_login(message.author)
    assert client.get(_url("message_report", data)).status_code == 403


def test_unknown_collective_thread_and_message_are_404(client):
    data = _setup(PUBLIC)
    slug = data["collective"].slug  # type: ignore[attr-defined]
    assert client.get(reverse("collectives:threads", args=["nobody"])).status_code == 404
    assert client.get(reverse("collectives:thread", args=[slug, 999999])).status_code == 404
    assert client.get(reverse("collectives:message", args=[slug, 999999])).status_code == 404
    other = CollectiveFactory()
    # A thread of another collective is not reachable through this one.
    url = reverse("collectives:thread", args=[other.slug, data["message"].thread_id])  # type: ignore[attr-defined]
    assert client.get(url).status_code == 404


def test_attachment_needs_its_exact_filename(client):
    data = _setup(PUBLIC)
    attachment = data["attachment"]
    url = reverse(
        "collectives:attachment",
        args=[data["collective"].slug, attachment.pk, "other.pdf"],  # type: ignore[attr-defined]
    )
    assert client.get(url).status_code == 404


# --- Query counts ---------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _threads(collective: Collective, author, count: int) -> None:
    for number in range(count):
        services.thread_start(
            collective=collective,
            author=author,
            subject=f"Sujet {number}",
            body="Bonjour à toutes et tous",
        )


@pytest.mark.parametrize("query", ["", "?q=bonjour toutes"])
def test_archive_query_count_is_constant(query):
    collective = CollectiveFactory()
    client, user = client_for_role("member", collective)
    url = reverse("collectives:threads", args=[collective.slug]) + query
    _threads(collective, user, 3)
    few = _count(client, url)
    _threads(collective, user, 37)
    many = _count(client, url)
    assert few == many
    assert many <= 12


def test_thread_query_count_is_constant():
    collective = CollectiveFactory()
    client, user = client_for_role("coordinator", collective)
    first = services.thread_start(collective=collective, author=user, subject="S", body="b")
    thread = first.thread

    def add(count: int) -> None:
        for number in range(count):
            message = services.message_reply(
                thread=thread,
                author=user,
                body=f"réponse {number}",
                attachments=[
                    PreparedAttachment("a.pdf", "application/pdf", PDF),
                    PreparedAttachment("b.pdf", "application/pdf", PDF),
                ],
            )
            if number % 3 == 0:
                services.message_hide(message=message, moderator=user)

    url = reverse("collectives:thread", args=[collective.slug, thread.pk])
    add(2)
    few = _count(client, url)
    add(38)
    many = _count(client, url)
    assert few == many
    assert many <= 14


def test_moderation_query_count_is_constant():
    collective = CollectiveFactory(hold_first_posts=True)
    client, coordinator = client_for_role("coordinator", collective)

    def add(count: int) -> None:
        for number in range(count):
            newcomer = MembershipFactory(collective=collective, trusted=False)
            held = services.thread_start(
                collective=collective,
                author=newcomer.user,
                subject=f"Sujet {number}",
                body="texte",
                membership=newcomer,
                attachments=[PreparedAttachment("a.pdf", "application/pdf", PDF)],
            )
            published = services.thread_start(
                collective=collective, author=coordinator, subject="ok", body="ok"
            )
            Report.objects.create(message=published, reporter=newcomer.user, reason="non")
            InboundMail.objects.create(
                collective=collective,
                raw=b"From: x@example.org\r\nSubject: hi\r\n\r\nhello\r\n",
                sender="x@example.org",
                subject="hi",
                status=InboundMail.Status.HELD,
                reason=InboundMail.Reason.UNKNOWN_SENDER,
            )
            assert held.status == Message.Status.HELD

    url = reverse("collectives:moderation", args=[collective.slug])
    add(2)
    few = _count(client, url)
    add(10)
    many = _count(client, url)
    assert few == many
    assert many <= 14
