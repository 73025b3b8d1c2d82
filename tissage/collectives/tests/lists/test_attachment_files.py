"""List attachments are private files under random names (core/files.py): the probe's
`GET /media/collectives/attachments/2026/12/compte-rendu.pdf` found a members-only
collective's minutes; now only the app's attachment view hands them out."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tissage.collectives.lists import services
from tissage.collectives.lists.attachments import PreparedAttachment
from tissage.collectives.models import Collective
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.core.files import PRIVATE

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attachment(visibility: str):
    collective = CollectiveFactory(archive_visibility=visibility)
    author = MembershipFactory(collective=collective).user
    message = services.thread_start(
        collective=collective,
        author=author,
        subject="Réunion",
        body="Le compte rendu.",
        attachments=[PreparedAttachment("compte-rendu.pdf", "application/pdf", PDF)],
    )
    return collective, author, message.attachments.get()


def test_members_only_attachment_has_no_public_address(client, settings):
    collective, author, attachment = _attachment(Collective.ArchiveVisibility.MEMBERS)

    name = attachment.file.name
    assert name.startswith(PRIVATE + "collectives/attachments/")
    assert "compte-rendu" not in name and name.endswith(".pdf")
    assert Path(attachment.file.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    for guess in (
        name,
        name.removeprefix(PRIVATE),
        "collectives/attachments/" + name.rsplit("/", 3)[1] + "/compte-rendu.pdf",
    ):
        assert client.get(f"/media/{guess}").status_code == 404

    url = reverse(
        "collectives:attachment", args=[collective.slug, attachment.pk, "compte-rendu.pdf"]
    )
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(author)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="compte-rendu.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")


def test_behind_nginx_the_app_checks_and_the_proxy_sends(client, settings):
    settings.PRIVATE_MEDIA_SERVER = "nginx"
    collective, author, attachment = _attachment(Collective.ArchiveVisibility.MEMBERS)
    url = reverse(
        "collectives:attachment", args=[collective.slug, attachment.pk, "compte-rendu.pdf"]
    )

    assert "X-Accel-Redirect" not in client.get(url)  # anonymous: sent to sign in
    client.force_login(author)
    response = client.get(url)

    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/_private/" + attachment.file.name.removeprefix(PRIVATE)
    assert response["Content-Disposition"].startswith("attachment;")


def test_public_archive_attachments_are_private_files_too(client):
    collective, _author, attachment = _attachment(Collective.ArchiveVisibility.PUBLIC)

    assert attachment.file.name.startswith(PRIVATE)
    assert client.get(f"/media/{attachment.file.name.removeprefix(PRIVATE)}").status_code == 404
    url = reverse(
        "collectives:attachment", args=[collective.slug, attachment.pk, "compte-rendu.pdf"]
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")
