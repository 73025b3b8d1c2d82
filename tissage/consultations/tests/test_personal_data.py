"""A person's consultation data: in their export, forgotten with their account."""

from __future__ import annotations

import pytest

from tissage.accounts.services import account_data, account_delete
from tissage.consultations.models import Comment, Proposal, Support
from tissage.core.tests.factories import UserFactory

from .factories import CommentFactory, ProposalFactory, SupportFactory

pytestmark = pytest.mark.django_db


def test_export_holds_their_proposals_supports_and_comments():
    user = UserFactory()
    mine = ProposalFactory(author=user, title="Une haie au stade")
    other = ProposalFactory(title="Des bancs")
    SupportFactory(proposal=other, user=user)
    CommentFactory(proposal=other, author=user, text="Oui, près de l’école.")
    data = account_data(user=user)
    assert [p["title"] for p in data["consultation_proposals"]] == [mine.title]
    assert [s["proposal"] for s in data["consultation_supports"]] == ["Des bancs"]
    assert [c["text"] for c in data["consultation_comments"]] == ["Oui, près de l’école."]


def test_deleting_the_account_keeps_proposals_and_comments_and_takes_back_supports():
    user = UserFactory()
    mine = ProposalFactory(author=user, author_name="Camille", author_email="c@example.org")
    other = ProposalFactory(support_count=2)
    SupportFactory(proposal=other, user=user)
    SupportFactory(proposal=other)
    comment = CommentFactory(proposal=other, author=user)

    account_delete(user=user)

    mine = Proposal.objects.get(pk=mine.pk)
    assert (mine.author_id, mine.author_name, mine.author_email) == (None, "", "")
    assert Proposal.objects.get(pk=other.pk).support_count == 1
    assert Support.objects.filter(proposal=other).count() == 1
    assert Comment.objects.get(pk=comment.pk).author_id is None


def test_the_download_holds_the_photos_of_their_proposals(client, consultation):
    import io
    import json
    import zipfile

    from tissage.consultations.tests.proposals.test_propose import jpeg, propose_url

    user = UserFactory()
    client.force_login(user)
    client.post(
        propose_url(consultation),
        {"title": "Un verger partagé", "text": "Derrière l’école.", "photos": [jpeg()]},
    )
    response = client.get("/compte/mes-donnees/")
    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        data = json.loads(archive.read("data.json"))
        photos = [n for n in archive.namelist() if n.startswith("files/")]
    assert [p["title"] for p in data["consultation_proposals"]] == ["Un verger partagé"]
    assert len(photos) == 1


def test_deleting_the_account_takes_back_its_reports_of_comments():
    from tissage.consultations.comments.services import comment_report

    user, other = UserFactory(), UserFactory()
    comment = CommentFactory()
    untouched = CommentFactory()
    assert comment_report(comment=comment, reporter=user)
    assert comment_report(comment=comment, reporter=other)
    assert comment_report(comment=untouched, reporter=other)

    account_delete(user=user)

    assert Comment.objects.get(pk=comment.pk).report_count == 1
    assert comment.reports.count() == 1
    assert Comment.objects.get(pk=untouched.pk).report_count == 1
