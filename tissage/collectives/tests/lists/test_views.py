"""Discussion list on the web: posting with attachments, bad input, permalinks, search."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tissage.collectives.lists import services
from tissage.collectives.models import Attachment, Collective, CollectiveMembership, Message, Thread
from tissage.collectives.tests.factories import CollectiveFactory, client_for_role, user_for_role

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


def test_pending_member_sees_a_waiting_note(client):
    collective = CollectiveFactory(admission=Collective.Admission.MODERATED)
    pending, _ = client_for_role("pending", collective)
    response = pending.get(reverse("collectives:threads", args=[collective.slug]))
    assert response.context["rights"].membership.status == CollectiveMembership.Status.PENDING
    assert reverse("collectives:thread_create", args=[collective.slug]) not in (
        response.content.decode()
    )


# --- issue #12: the web subject cleaned like an email's, line breaks kept -------------------


def test_a_web_subject_loses_re_fwd_and_the_lists_name():
    collective = CollectiveFactory(name="CLAC")
    client, _user = client_for_role("member", collective)

    response = _post_thread(client, collective, subject="Re: Fwd: [CLAC] Compost partagé")

    assert response.status_code == 302
    assert Thread.objects.get(collective=collective).subject == "Compost partagé"


def test_a_web_subject_that_is_only_a_prefix_is_refused():
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)

    response = _post_thread(client, collective, subject="Re: Fwd:")

    assert response.status_code == 200
    assert not Thread.objects.filter(collective=collective).exists()


def test_the_thread_page_shows_each_line_of_a_message():
    collective = CollectiveFactory()
    client, _user = client_for_role("member", collective)
    _post_thread(client, collective, body="Bonjour,\nRDV samedi à 14 h\ndevant la mairie.")
    thread = Thread.objects.get(collective=collective)

    html = client.get(reverse("collectives:thread", args=[collective.slug, thread.pk])).content

    assert "Bonjour,<br>\nRDV samedi à 14 h<br>\ndevant la mairie.".encode() in html


def test_a_kept_message_shows_every_change_at_once():
    """A thread's messages are rendered once per state and kept (lists.cards): an edited
    body, a renamed author, a new attachment and a hidden message each show at the next
    visit; what a member may do is theirs; a coordinator's forms carry their own CSRF
    token, so that hiding a message from the page works."""
    collective = CollectiveFactory(archive_visibility=Collective.ArchiveVisibility.PUBLIC)
    member, author = client_for_role("member", collective)
    coordinator = Client(enforce_csrf_checks=True)
    coordinator.force_login(user_for_role("coordinator", collective))
    visitor = Client()
    first = services.thread_start(
        collective=collective, author=author, subject="Verger", body="On taille samedi."
    )
    second = services.message_reply(thread=first.thread, author=author, body="Qui vient ?")
    url = reverse("collectives:thread", args=[collective.slug, first.thread_id])

    def page(client) -> str:
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    hide = reverse("collectives:message_hide", args=[collective.slug, second.pk])
    for client in (visitor, member, coordinator, visitor):
        shown = page(client)
        assert "On taille samedi." in shown and "Qui vient ?" in shown
        assert (hide in shown) is (client is coordinator)
        assert ("?parent=" in shown) is (client is not visitor)

    changes = [
        (
            lambda: Message.objects.filter(pk=first.pk).update(body="On taille dimanche."),
            "On taille dimanche.",
        ),
        (lambda: Message.objects.filter(pk=first.pk).update(author_name="Léa"), ">Léa</h2>"),
        (
            lambda: Attachment.objects.create(
                message=first,
                file="collectives/compte-rendu.pdf",
                filename="compte-rendu.pdf",
                content_type="application/pdf",
                size=2048,
            ),
            "compte-rendu.pdf",
        ),
    ]
    for change, expected in changes:
        change()
        for client in (visitor, member):
            assert expected in page(client)

    form = re.search(
        rf'action="{re.escape(hide)}"><input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        page(coordinator),
    )
    assert form is not None
    response = coordinator.post(hide, {"csrfmiddlewaretoken": form[1]})
    assert response.status_code == 302
    for client in (visitor, member):
        assert "Qui vient ?" not in page(client)
    assert "Qui vient ?" in page(coordinator)
