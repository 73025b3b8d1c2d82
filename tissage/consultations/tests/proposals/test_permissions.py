"""The role-by-view matrix of the proposals' pages (docs/permissions.md, rows written in
the proposals' fragment)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tissage.consultations.models import Proposal, ProposalPhoto
from tissage.consultations.tests.factories import ConsultationFactory, ProposalFactory
from tissage.core.tests.factories import ROLES, user_with_role
from tissage.core.tests.matrices import (
    EVERYONE,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    SEEN_BY_STAFF,
    STAFF,
    assert_answer,
    matrix,
)

pytestmark = pytest.mark.django_db

# Taking part in a draft: seen by its team, never open.
DRAFT_TAKE_PART = matrix(
    anonymous=NOT_FOUND,
    participant=NOT_FOUND,
    project_member=NOT_FOUND,
    project_facilitator=FORBIDDEN,
    organisation_facilitator=FORBIDDEN,
    organisation_admin=FORBIDDEN,
    superuser=FORBIDDEN,
)
CLOSED = matrix(**dict.fromkeys(ROLES, FORBIDDEN))
# An account is needed: anonymous visitors sign in.
ACCOUNT_NEEDED = matrix(**{**dict.fromkeys(ROLES, OK), "anonymous": LOGIN})
# A hidden proposal: its moderators (who run the consultation); its author too.
HIDDEN = matrix(
    anonymous=NOT_FOUND,
    participant=NOT_FOUND,
    project_member=NOT_FOUND,
    project_facilitator=OK,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)


def closed_consultation():
    today = timezone.localdate()
    return ConsultationFactory(
        opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1)
    )


def login(client, role: str, consultation):
    user = user_with_role(role, consultation.project)
    if user is not None:
        client.force_login(user)
    return user


def photo_of(proposal) -> ProposalPhoto:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    return ProposalPhoto.objects.create(
        proposal=proposal,
        image=ContentFile(buffer.getvalue(), name="a.jpg"),
        thumbnail=ContentFile(buffer.getvalue(), name="a.webp"),
        width=8,
        height=8,
    )


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_the_list_of_a_published_consultation_is_for_everyone(client, role, expected):
    consultation = ConsultationFactory()
    login(client, role, consultation)
    assert_answer(
        client.get(reverse("consultations:proposals", args=[consultation.slug])), expected
    )


@pytest.mark.parametrize(("role", "expected"), SEEN_BY_STAFF)
def test_the_list_of_a_draft_is_for_who_runs_it(client, role, expected):
    consultation = ConsultationFactory(published=False)
    login(client, role, consultation)
    assert_answer(
        client.get(reverse("consultations:proposals", args=[consultation.slug])), expected
    )


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_proposing_in_an_open_consultation_is_for_everyone(client, role, expected):
    consultation = ConsultationFactory()
    login(client, role, consultation)
    response = client.get(reverse("consultations:propose", args=[consultation.slug]))
    assert_answer(response, expected)
    if expected == OK:
        assert response.context["mode"] == ("guest" if role == "anonymous" else "member")


@pytest.mark.parametrize(("role", "expected"), ACCOUNT_NEEDED)
def test_proposing_where_an_account_is_needed(client, role, expected):
    consultation = ConsultationFactory(requires_account=True)
    login(client, role, consultation)
    assert_answer(client.get(reverse("consultations:propose", args=[consultation.slug])), expected)


@pytest.mark.parametrize(("role", "expected"), CLOSED)
def test_a_closed_consultation_refuses_proposals_to_everyone(client, role, expected):
    consultation = closed_consultation()
    login(client, role, consultation)
    url = reverse("consultations:propose", args=[consultation.slug])
    assert_answer(client.get(url), expected)
    assert_answer(client.post(url, {"title": "x", "text": "x"}), expected)
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(("role", "expected"), DRAFT_TAKE_PART)
def test_proposing_in_a_draft(client, role, expected):
    consultation = ConsultationFactory(published=False)
    login(client, role, consultation)
    assert_answer(client.get(reverse("consultations:propose", args=[consultation.slug])), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_assisted_entry_is_for_who_runs_the_consultation(client, role, expected):
    consultation = ConsultationFactory()
    login(client, role, consultation)
    response = client.get(
        reverse("consultations:propose", args=[consultation.slug]) + "?pour=autrui"
    )
    # Others get the form too, but for themselves (or as a guest).
    assert response.status_code == 200
    assert (response.context["mode"] == "assisted") == (expected == OK)


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_a_published_proposal_is_for_everyone(client, role, expected):
    proposal = ProposalFactory()
    login(client, role, proposal.consultation)
    assert_answer(client.get(proposal.get_absolute_url()), expected)
    assert_answer(client.get(photo_of(proposal).thumbnail_url), expected)


@pytest.mark.parametrize("status", [Proposal.Status.HIDDEN, Proposal.Status.UNCONFIRMED])
@pytest.mark.parametrize(("role", "expected"), HIDDEN)
def test_a_proposal_not_published_is_for_its_moderators_and_its_photos_too(
    client, role, expected, status
):
    proposal = ProposalFactory(status=status)
    login(client, role, proposal.consultation)
    assert_answer(client.get(proposal.get_absolute_url()), expected)
    photo = photo_of(proposal)
    assert_answer(client.get(photo.image_url), expected)
    if expected == OK:
        response = client.get(photo.image_url)
        assert response["Cache-Control"].startswith("private")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_hidden_proposal_is_seen_by_its_author(client):
    proposal = ProposalFactory(status=Proposal.Status.HIDDEN)
    client.force_login(proposal.author)
    assert client.get(proposal.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(("role", "expected"), SEEN_BY_STAFF)
def test_a_proposal_of_a_draft_consultation_is_for_who_runs_it(client, role, expected):
    proposal = ProposalFactory(consultation=ConsultationFactory(published=False))
    login(client, role, proposal.consultation)
    assert_answer(client.get(proposal.get_absolute_url()), expected)


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_supporting_in_an_open_consultation_is_for_everyone(client, role, expected):
    proposal = ProposalFactory()
    login(client, role, proposal.consultation)
    url = reverse("consultations:support", args=[proposal.pk])
    assert_answer(client.post(url, {"email": "guest@example.org"}), expected, ok_status=302)


@pytest.mark.parametrize(("role", "expected"), CLOSED)
def test_supporting_in_a_closed_consultation_is_refused(client, role, expected):
    proposal = ProposalFactory(consultation=closed_consultation())
    login(client, role, proposal.consultation)
    url = reverse("consultations:support", args=[proposal.pk])
    assert_answer(client.post(url, {"email": "guest@example.org"}), expected)


@pytest.mark.parametrize(("role", "expected"), ACCOUNT_NEEDED)
def test_supporting_where_an_account_is_needed(client, role, expected):
    proposal = ProposalFactory(consultation=ConsultationFactory(requires_account=True))
    login(client, role, proposal.consultation)
    url = reverse("consultations:support", args=[proposal.pk])
    assert_answer(client.post(url, {"action": "soutenir"}), expected, ok_status=302)


@pytest.mark.parametrize(
    "path",
    [
        "/consultations/propositions/99999999999999999999/",
        "/consultations/propositions/0/",
        "/consultations/propositions/99999999999999999999/soutenir/",
        "/consultations/propositions/photos/99999999999999999999/image/",
        "/consultations/propositions/photos/1/original/",
        "/consultations/inconnue/propositions/",
        "/consultations/inconnue/proposer/",
        "/consultations/inconnue/propositions/similaires/",
    ],
)
def test_addresses_of_nothing_are_404(client, path):
    response = client.post(path) if path.endswith("soutenir/") else client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_recording_a_support_given_on_paper_is_for_who_runs_the_consultation(
    client, role, expected
):
    proposal = ProposalFactory()
    login(client, role, proposal.consultation)
    url = reverse("consultations:support_paper", args=[proposal.pk])
    assert_answer(client.post(url, {"name": "Mme Roux"}), expected, ok_status=302)
    assert Proposal.objects.get(pk=proposal.pk).support_count == (1 if expected == OK else 0)


@pytest.mark.parametrize(
    ("role", "expected"), matrix(**{**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN})
)
def test_recording_a_paper_support_when_closed_is_refused(client, role, expected):
    proposal = ProposalFactory(consultation=closed_consultation())
    login(client, role, proposal.consultation)
    url = reverse("consultations:support_paper", args=[proposal.pk])
    assert_answer(client.post(url, {"name": "Mme Roux"}), expected)
