"""Discussion list on the web: posting with attachments, bad input, moderation, reports,
permalinks and search, all through HTTP."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tissage.collectives.lists import queries, services
from tissage.collectives.lists.mail import inbound
from tissage.collectives.lists.views import mail_preview
from tissage.collectives.models import (
    Attachment,
    Collective,
    CollectiveMembership,
    InboundMail,
    Message,
    Report,
    Thread,
)
from tissage.collectives.tests.factories import (
    CollectiveFactory,
    MembershipFactory,
    client_for_role,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


def _create_url(collective: Collective) -> str:
    return reverse("collectives:thread_create", args=[collective.slug])


def _post_thread(client, collective, *, subject="Jardins", body="On plante samedi.", files=()):
    return client.post(
        _create_url(collective),
        {"subject": subject, "body": body, "attachments": list(files)},
    )


# --- Posting ----------------------------------------------------------------------------


def test_member_starts_a_thread_with_a_photo_and_a_pdf(client):
    collective = CollectiveFactory()
    client, user = client_for_role("member", collective)
    response = _post_thread(
        client,
        collective,
        files=[
            SimpleUploadedFile("photo.jpg", _jpeg(), "image/jpeg"),
            SimpleUploadedFile("compte-rendu.pdf", PDF, "application/pdf"),
        ],
    )
    thread = Thread.objects.get(collective=collective)
    assert response.status_code == 302
    assert response["Location"] == reverse("collectives:thread", args=[collective.slug, thread.pk])
    message = thread.messages.get()
    assert message.status == Message.Status.PUBLISHED
    assert message.author == user
    assert thread.published_count == 1
    photo, pdf = message.attachments.order_by("pk")
    assert photo.content_type == "image/jpeg" and pdf.content_type == "application/pdf"

    page = client.get(response["Location"]).content.decode()
    photo_url = reverse("collectives:attachment", args=[collective.slug, photo.pk, photo.filename])
    pdf_url = reverse("collectives:attachment", args=[collective.slug, pdf.pk, pdf.filename])
    assert f'<img src="{photo_url}" alt="{photo.filename}" loading="lazy">' in page
    assert f'href="{pdf_url}"' in page
    assert f'id="m{message.pk}"' in page
    assert "On plante samedi." in page

    image_response = client.get(photo_url)
    assert image_response["Content-Type"] == "image/jpeg"
    assert image_response["Content-Disposition"].startswith("inline")
    pdf_response = client.get(pdf_url)
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response["Content-Disposition"].startswith("attachment")
    assert b"".join(pdf_response.streaming_content) == PDF


def test_new_thread_form_shows_a_markdown_help(client):
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    page = client.get(_create_url(collective)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="attachments"' in page and "multiple" in page
    assert "**" in page  # the short Markdown help


def test_refused_attachment_names_the_file_and_saves_nothing(client):
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    response = _post_thread(
        client,
        collective,
        files=[
            SimpleUploadedFile("photo.jpg", _jpeg(), "image/jpeg"),
            SimpleUploadedFile("vacances.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "image/jpeg"),
        ],
    )
    assert response.status_code == 200
    assert "vacances.jpg" in response.content.decode()
    assert Thread.objects.count() == 0
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_oversized_attachment_is_refused(client, settings):
    settings.LIST_MAX_ATTACHMENT_BYTES = 20
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    response = _post_thread(
        client, collective, files=[SimpleUploadedFile("gros.pdf", PDF, "application/pdf")]
    )
    assert response.status_code == 200
    assert "gros.pdf" in response.content.decode()
    assert Thread.objects.count() == 0 and Message.objects.count() == 0


def test_too_many_attachments_are_refused(client):
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    files = [SimpleUploadedFile(f"f{n}.pdf", PDF, "application/pdf") for n in range(6)]
    response = _post_thread(client, collective, files=files)
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert Thread.objects.count() == 0


def test_empty_subject_and_body_are_refused(client):
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    response = _post_thread(client, collective, subject="   ", body="")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"subject", "body"}
    assert Thread.objects.count() == 0


def test_script_tags_are_neutralised(client):
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    _post_thread(
        client,
        collective,
        subject="<script>alert('sujet')</script>",
        body="Salut <script>alert('corps')</script> <img src=x onerror=alert(1)> "
        "[lien](javascript:alert(2))",
    )
    thread = Thread.objects.get()
    page = client.get(reverse("collectives:thread", args=[collective.slug, thread.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert(" not in html
    assert "onerror" not in html
    assert "javascript:alert" not in html
    archive = client.get(reverse("collectives:threads", args=[collective.slug])).content.decode()
    assert "<script>alert(" not in archive
    assert "&lt;script&gt;alert(" in archive


def test_broken_markdown_renders(client):
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    body = "**pas fermé\n\n```\ncode sans fin\n\n> [lien]( \n\n| a | b\n|---\n<div><p>"
    _post_thread(client, collective, body=body)
    thread = Thread.objects.get()
    response = client.get(reverse("collectives:thread", args=[collective.slug, thread.pk]))
    assert response.status_code == 200
    assert "code sans fin" in response.content.decode()


def test_reply_with_parent_and_attachment(client):
    collective = CollectiveFactory()
    client, user = client_for_role("member", collective)
    first = services.thread_start(collective=collective, author=user, subject="S", body="Q ?")
    url = reverse("collectives:reply", args=[collective.slug, first.thread_id])
    form_page = client.get(url + f"?parent={first.pk}")
    assert form_page.status_code == 200
    assert f'value="{first.pk}"' in form_page.content.decode()
    response = client.post(
        url,
        {
            "body": "Oui !",
            "parent": first.pk,
            "attachments": [SimpleUploadedFile("p.jpg", _jpeg(), "image/jpeg")],
        },
    )
    reply = Message.objects.get(body="Oui !")
    assert reply.parent == first
    assert reply.attachments.count() == 1
    thread_url = reverse("collectives:thread", args=[collective.slug, first.thread_id])
    assert response["Location"] == f"{thread_url}?page=1#m{reply.pk}"


def test_reply_to_a_message_of_another_thread_is_refused(client):
    collective = CollectiveFactory()
    client, user = client_for_role("member", collective)
    first = services.thread_start(collective=collective, author=user, subject="A", body="a")
    other = services.thread_start(collective=collective, author=user, subject="B", body="b")
    url = reverse("collectives:reply", args=[collective.slug, first.thread_id])
    response = client.post(url, {"body": "réponse", "parent": other.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert Message.objects.count() == 2


@pytest.mark.parametrize("parent", ["²", "abc", "-1", "9" * 30])
def test_a_malformed_parent_is_a_form_error_not_a_crash(client, parent):
    collective = CollectiveFactory()
    client, user = client_for_role("member", collective)
    first = services.thread_start(collective=collective, author=user, subject="A", body="a")
    url = reverse("collectives:reply", args=[collective.slug, first.thread_id])
    assert client.get(url, {"parent": parent}).status_code == 200
    response = client.post(url, {"body": "réponse", "parent": parent})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert Message.objects.count() == 1


def test_thread_page_badges_email_messages_and_offers_a_reply_form(client):
    collective = CollectiveFactory()
    client, user = client_for_role("member", collective)
    first = services.thread_start(
        collective=collective, author=user, subject="S", body="x", source=Message.Source.EMAIL
    )
    response = client.get(reverse("collectives:thread", args=[collective.slug, first.thread_id]))
    assert 'class="badge"' in response.content.decode()
    assert response.context["form"] is not None
    assert reverse("collectives:reply", args=[collective.slug, first.thread_id]) in (
        response.content.decode()
    )


# --- Held messages, hide and unhide -----------------------------------------------------


def test_first_post_is_held_then_approved(client):
    collective = CollectiveFactory(hold_first_posts=True)
    newcomer = MembershipFactory(collective=collective, trusted=False)
    client.force_login(newcomer.user)
    response = client.post(
        _create_url(collective), {"subject": "Bonjour", "body": "Je suis nouveau"}, follow=True
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


# --- Reports -------------------------------------------------------------------------


def test_member_reports_a_message_once_and_coordinator_dismisses(client):
    collective = CollectiveFactory()
    _author_client, author = client_for_role("member", collective)
    first = services.thread_start(collective=collective, author=author, subject="S", body="hm")
    reporter, _ = client_for_role("member", collective)
    url = reverse("collectives:message_report", args=[collective.slug, first.pk])
    thread_page = reporter.get(
        reverse("collectives:thread", args=[collective.slug, first.thread_id])
    ).content.decode()
    assert url in thread_page

    response = reporter.post(url, {"reason": "Hors sujet"})
    assert response.status_code == 302
    assert Report.objects.get().reason == "Hors sujet"
    again = reporter.post(url, {"reason": "Encore"}, follow=True)
    assert again.status_code == 200
    assert [m.level_tag for m in again.context["messages"]][-1] == "info"
    assert Report.objects.count() == 1
    assert reporter.get(url).context["already"] is True

    coordinator, _ = client_for_role("coordinator", collective)
    page = coordinator.get(reverse("collectives:moderation", args=[collective.slug]))
    assert "Hors sujet" in page.content.decode()
    report = Report.objects.get()
    coordinator.post(reverse("collectives:report_dismiss", args=[collective.slug, report.pk]))
    report.refresh_from_db()
    assert report.resolved_at is not None
    first.refresh_from_db()
    assert first.status == Message.Status.PUBLISHED
    page = coordinator.get(reverse("collectives:moderation", args=[collective.slug]))
    assert "Hors sujet" not in page.content.decode()


def test_hiding_a_reported_message_resolves_the_report(client):
    collective = CollectiveFactory()
    _c, author = client_for_role("member", collective)
    first = services.thread_start(collective=collective, author=author, subject="S", body="hm")
    reporter, _ = client_for_role("member", collective)
    reporter.post(reverse("collectives:message_report", args=[collective.slug, first.pk]))
    coordinator, _ = client_for_role("coordinator", collective)
    coordinator.post(reverse("collectives:message_hide", args=[collective.slug, first.pk]))
    assert Report.objects.get().resolved_at is not None


# --- Permalinks and search -------------------------------------------------------------


def test_permalink_goes_to_the_right_page(client):
    collective = CollectiveFactory()
    _c, user = client_for_role("member", collective)
    first = services.thread_start(collective=collective, author=user, subject="Long", body="0")
    replies = [
        services.message_reply(thread=first.thread, author=user, body=f"réponse {n}")
        for n in range(55)
    ]
    thread_url = reverse("collectives:thread", args=[collective.slug, first.thread_id])
    late = replies[52]  # the 54th message: page 2
    response = client.get(reverse("collectives:message", args=[collective.slug, late.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url}?page=2#m{late.pk}"
    early = client.get(reverse("collectives:message", args=[collective.slug, first.pk]))
    assert early["Location"] == f"{thread_url}?page=1#m{first.pk}"
    page2 = client.get(f"{thread_url}?page=2").content.decode()
    assert f'id="m{late.pk}"' in page2
    assert f'id="m{first.pk}"' not in page2


def test_search_matches_every_word_in_subject_or_messages(client):
    collective = CollectiveFactory()
    _c, user = client_for_role("member", collective)
    garden = services.thread_start(
        collective=collective, author=user, subject="Jardin partagé", body="Qui a des graines ?"
    )
    services.message_reply(thread=garden.thread, author=user, body="Des tomates anciennes")
    party = services.thread_start(
        collective=collective, author=user, subject="Guinguette", body="Concert samedi soir"
    )
    hidden = services.message_reply(thread=party.thread, author=user, body="secret mot")
    services.message_hide(message=hidden, moderator=user)
    url = reverse("collectives:threads", args=[collective.slug])

    def found(query: str) -> list[str]:
        response = client.get(url, {"q": query})
        assert response.status_code == 200
        return [thread.subject for thread in response.context["page"].object_list]

    assert found("TOMATES") == ["Jardin partagé"]
    assert found("guinguette samedi") == ["Guinguette"]
    assert found("jardin concert") == []
    assert found("secret") == []  # hidden messages are not searched
    assert found("") == ["Guinguette", "Jardin partagé"]
    # Without accents or case, both ways: what people type on a phone.
    assert found("partage") == ["Jardin partagé"]
    assert found("PARTAGÉ") == ["Jardin partagé"]
    services.message_reply(thread=party.thread, author=user, body="Réunion à l’Élysée-bar")
    assert found("reunion elysee") == ["Guinguette"]


def test_search_results_are_paginated_with_the_query_kept(client):
    collective = CollectiveFactory()
    _c, user = client_for_role("member", collective)
    for number in range(30):
        services.thread_start(
            collective=collective, author=user, subject=f"Vélo {number}", body="atelier"
        )
    services.thread_start(collective=collective, author=user, subject="Autre", body="rien")
    url = reverse("collectives:threads", args=[collective.slug])
    response = client.get(url, {"q": "atelier"})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 30
    assert "q=atelier&amp;page=2" in html
    second = client.get(url, {"q": "atelier", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_archive_lists_recent_threads_first_and_invites_to_join(client):
    collective = CollectiveFactory()
    _c, user = client_for_role("member", collective)
    old = services.thread_start(collective=collective, author=user, subject="Ancien", body="a")
    services.thread_start(collective=collective, author=user, subject="Récent", body="b")
    services.message_reply(thread=old.thread, author=user, body="relance")
    outsider, _ = client_for_role("outsider", collective)
    response = outsider.get(reverse("collectives:threads", args=[collective.slug]))
    subjects = [thread.subject for thread in response.context["page"].object_list]
    assert subjects == ["Ancien", "Récent"]
    html = response.content.decode()
    assert reverse("collectives:join", args=[collective.slug]) in html
    assert reverse("collectives:thread_create", args=[collective.slug]) not in html


# --- Held emails -----------------------------------------------------------------------

HTML_ONLY = (
    b"From: Inconnu <inconnu@example.net>\r\n"
    b"To: collectif@example.org\r\n"
    b"Subject: Proposition\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b"<p>Bonjour <b>&agrave; tous</b></p><script>alert(1)</script>\r\n"
)


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


def test_mail_preview_is_plain_text():
    assert mail_preview(HTML_ONLY).startswith("Bonjour à tous")
    assert "<b>" not in mail_preview(HTML_ONLY)
    plain = b"Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nCaf\xe9\r\n"
    assert mail_preview(plain) == "Café"
    only_a_file = b"Subject: x\r\nContent-Type: application/octet-stream\r\n\r\nAAAA\r\n"
    assert mail_preview(only_a_file) == ""


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


def test_pending_member_sees_a_waiting_note(client):
    collective = CollectiveFactory(admission=Collective.Admission.MODERATED)
    pending, _ = client_for_role("pending", collective)
    response = pending.get(reverse("collectives:threads", args=[collective.slug]))
    assert response.context["rights"].membership.status == CollectiveMembership.Status.PENDING
    assert reverse("collectives:thread_create", args=[collective.slug]) not in (
        response.content.decode()
    )
