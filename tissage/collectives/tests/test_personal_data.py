"""What the collectives hold about a person: the account export and forgetting them."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tissage.accounts.services import account_data, account_delete, account_export
from tissage.collectives.lists import services
from tissage.collectives.models import (
    Attachment,
    CollectiveMembership,
    Initiative,
    InitiativeMember,
    WikiRevision,
)
from tissage.collectives.personal_data import former_member
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.collectives.wiki import services as wiki
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- Personal data -------------------------------------------------------------------


def _their_traces(user):
    collective = CollectiveFactory()
    MembershipFactory(collective=collective, user=user)
    message = services.thread_start(
        collective=collective, author=user, subject="Le marché", body="Mon texte à moi"
    )
    Attachment.objects.create(
        message=message,
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"),
        filename="plan.pdf",
        content_type="application/pdf",
        size=13,
    )
    page = wiki.page_create(collective=collective, title="Agenda", body="Ma page", author=user)
    initiative = Initiative.objects.create(
        collective=collective, title="Épicerie", what="Une épicerie", proposed_by=user
    )
    other = Initiative.objects.create(collective=collective, title="Guinguette", what="…")
    InitiativeMember.objects.create(initiative=other, user=user)
    return collective, message, page, initiative


def test_export_holds_their_collectives_data():
    user = UserFactory()
    _their_traces(user)
    data = account_data(user=user)
    assert data["collective_memberships"][0]["status"] == "active"
    assert data["collective_messages"][0]["subject"] == "Le marché"
    assert data["collective_messages"][0]["body"] == "Mon texte à moi"
    assert data["wiki_revisions"][0]["text"] == "Ma page"
    assert data["initiatives_proposed"][0]["title"] == "Épicerie"
    assert data["initiatives_joined"][0]["title"] == "Guinguette"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(account_export(user=user))))
    names = archive.namelist()
    assert any(name.endswith(".pdf") and "plan" in name for name in names)
    assert "Le marché" in json.loads(archive.read("data.json"))["collective_messages"][0]["subject"]


def test_forget_keeps_the_text_without_the_name():
    user = UserFactory(display_name="Camille Dupont")
    collective, message, page, initiative = _their_traces(user)
    account_delete(user=user)
    message.refresh_from_db()
    assert message.author is None
    assert message.body == "Mon texte à moi"
    assert message.author_name == former_member() != "Camille Dupont"
    revision = WikiRevision.objects.get(page=page)
    assert revision.author is None and revision.author_name == former_member()
    assert revision.body == "Ma page"
    assert not CollectiveMembership.objects.filter(collective=collective).exists()
    assert not InitiativeMember.objects.exists()
    initiative.refresh_from_db()
    assert initiative.proposed_by is None and initiative.title == "Épicerie"
