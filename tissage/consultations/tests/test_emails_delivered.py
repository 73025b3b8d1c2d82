"""The consultations' emails to guests, delivered over a real SMTP server (in the test
process): the confirmation of a guest's proposal, then the official answer to it; each
link absolute and working."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tissage.consultations.models import Proposal
from tissage.core.tests.factories import ProjectMembershipFactory
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db

LINK = re.compile(r"(https?://[^/\s]+)(/\S+/)")


def _text(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_guest_hears_by_email_of_their_proposal_and_of_its_official_answer(
    client, consultation, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.TISSAGE_SITE_URL = "https://tissage.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("consultations:propose", args=[consultation.slug]),
            {
                "title": "Un verger partagé",
                "text": "Derrière la mairie.",
                "guest_name": "Lou",
                "guest_email": "lou@example.org",
            },
        )
    (confirmation,) = smtp_server.messages
    assert confirmation["To"] == "lou@example.org"
    links = LINK.findall(_text(confirmation))
    assert links, _text(confirmation)
    assert all(host.startswith("http") for host, _ in links)
    confirm_path = next(path for _, path in links if "/confirmer/proposition/" in path)
    assert client.get(confirm_path).status_code == 200
    client.post(confirm_path)
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.PUBLISHED

    facilitator = ProjectMembershipFactory(
        project=consultation.project, role=ProjectMembership.Role.FACILITATOR
    ).user
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("consultations:answer", args=[proposal.pk]),
            {"status": "accepted", "text": "Plantation le 17 janvier."},
        )
    assert response.status_code == 302
    answer = smtp_server.messages[-1]
    assert answer["To"] == "lou@example.org"
    body = _text(answer)
    assert "Plantation le 17 janvier." in body
    assert any(path == proposal.get_absolute_url() for _, path in LINK.findall(body))
    assert all(host.startswith("http") for host, _ in LINK.findall(body))
