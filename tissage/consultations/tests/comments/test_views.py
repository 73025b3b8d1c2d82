"""Comments: writing one or a reply, reporting, moderating; who may do what; what is
refused; whom it notifies; how many queries the thread and the moderation page read."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tissage.consultations.comments.workspace import workspace
from tissage.consultations.models import Comment, CommentReport, Consultation, Proposal
from tissage.consultations.tests.factories import (
    CommentFactory,
    ConsultationFactory,
    ProposalFactory,
)
from tissage.core.tests.factories import ProjectFactory, UserFactory, user_with_role
from tissage.core.tests.matrices import (
    FORBIDDEN,
    LOGIN,
    OK,
    SEEN_BY_STAFF,
    STAFF,
    STAFF_DRAFT,
    assert_answer,
    matrix,
)
from tissage.engagement.models import Event, Notification
from tissage.engagement.services import is_following
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db

# Anyone signed in who sees the proposal; an anonymous visitor signs in first.
SIGNED_IN = matrix(
    anonymous=LOGIN,
    participant=OK,
    project_member=OK,
    project_facilitator=OK,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)
CLOSED = matrix(
    anonymous=LOGIN,
    participant=FORBIDDEN,
    project_member=FORBIDDEN,
    project_facilitator=FORBIDDEN,
    organisation_facilitator=FORBIDDEN,
    organisation_admin=FORBIDDEN,
    superuser=FORBIDDEN,
)


def _as(client, role: str, consultation: Consultation):  # type: ignore[no-untyped-def]
    user = user_with_role(role, consultation.project)
    if user is not None:
        client.force_login(user)
    return user


def _closed() -> Consultation:
    today = timezone.localdate()
    return ConsultationFactory(
        opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1)
    )


def _comment_url(proposal: Proposal) -> str:
    return reverse("consultations:comment", args=[proposal.pk])


# --- Who may comment, report, hide, moderate ------------------------------------------


@pytest.mark.parametrize(("role", "expected"), SIGNED_IN)
def test_who_may_comment_an_open_consultation(client, role, expected):
    proposal = ProposalFactory()
    _as(client, role, proposal.consultation)
    assert_answer(client.get(_comment_url(proposal)), expected)
    response = client.post(_comment_url(proposal), {"text": "D’accord."})
    assert_answer(response, expected, ok_status=302)
    assert Comment.objects.count() == (1 if expected == OK else 0)


@pytest.mark.parametrize(("role", "expected"), CLOSED)
def test_nobody_comments_once_the_consultation_is_closed(client, role, expected):
    proposal = ProposalFactory(consultation=_closed())
    _as(client, role, proposal.consultation)
    assert_answer(client.post(_comment_url(proposal), {"text": "Trop tard ?"}), expected)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("role", "expected"), SEEN_BY_STAFF)
def test_a_hidden_proposal_is_not_found_for_who_does_not_run_it(client, role, expected):
    proposal = ProposalFactory(status=Proposal.Status.HIDDEN)
    _as(client, role, proposal.consultation)
    # Seen by who runs it, but a hidden proposal takes no comment: 403 for them.
    response = client.post(_comment_url(proposal), {"text": "Bonjour"})
    assert_answer(response, FORBIDDEN if expected == OK else expected)


@pytest.mark.parametrize(("role", "expected"), SIGNED_IN)
def test_who_may_report_a_comment(client, role, expected):
    comment = CommentFactory()
    _as(client, role, comment.proposal.consultation)
    url = reverse("consultations:report", args=[comment.pk])
    assert_answer(client.get(url), expected)
    assert_answer(client.post(url, {"reason": "Insultant"}), expected, ok_status=302)
    assert CommentReport.objects.count() == (1 if expected == OK else 0)


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_who_may_hide_a_comment(client, role, expected):
    comment = CommentFactory()
    _as(client, role, comment.proposal.consultation)
    url = reverse("consultations:comment_hide", args=[comment.pk])
    assert_answer(client.get(url), expected)
    assert_answer(client.post(url), expected, ok_status=302)
    comment.refresh_from_db()
    assert comment.status == (Comment.Status.HIDDEN if expected == OK else "published")


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_who_may_open_the_moderation_page(client, role, expected):
    consultation = ConsultationFactory()
    _as(client, role, consultation)
    url = reverse("consultations:moderation", args=[consultation.slug])
    assert_answer(client.get(url), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF_DRAFT)
def test_the_moderation_page_of_a_draft_project(client, role, expected):
    consultation = ConsultationFactory(project=ProjectFactory(status=Project.Status.DRAFT))
    _as(client, role, consultation)
    url = reverse("consultations:moderation", args=[consultation.slug])
    assert_answer(client.get(url), expected)


def test_one_does_not_report_ones_own_comment(client):
    comment = CommentFactory()
    client.force_login(comment.author)
    response = client.post(reverse("consultations:report", args=[comment.pk]))
    assert response.status_code == 403
    assert not CommentReport.objects.exists()


def test_a_hidden_comment_cannot_be_reported(client):
    comment = CommentFactory(status=Comment.Status.HIDDEN)
    client.force_login(UserFactory())
    response = client.post(reverse("consultations:report", args=[comment.pk]))
    assert response.status_code == 404


# --- Writing ----------------------------------------------------------------------------


def test_a_comment_is_published_counted_and_shown_in_the_thread(client):
    proposal = ProposalFactory()
    user = UserFactory(display_name="Camille")
    client.force_login(user)
    response = client.post(_comment_url(proposal), {"text": "Je peux aider à planter."})
    comment = Comment.objects.get()
    assert response["Location"] == f"{proposal.get_absolute_url()}#comment-{comment.pk}"
    assert comment.author == user and comment.parent is None
    proposal.refresh_from_db()
    assert proposal.comment_count == 1
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Je peux aider à planter." in page
    assert "Camille" in page
    assert "1 commentaire" in page
    # Taking part: the author now follows the consultation.
    assert is_following(user=user, target=proposal.consultation)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Écrivez votre commentaire"),
        ("   ", "Écrivez votre commentaire"),
        ("x" * 2001, "2000"),
    ],
)
def test_an_empty_or_too_long_comment_is_refused_next_to_the_field(client, text, message):
    proposal = ProposalFactory()
    client.force_login(UserFactory())
    response = client.post(_comment_url(proposal), {"text": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="errors"' in page and message in page
    assert not Comment.objects.exists()
    proposal.refresh_from_db()
    assert proposal.comment_count == 0


@pytest.mark.parametrize("parent", ["other", "hidden", "abc", "99999999999999999999", "-3"])
def test_a_reply_to_a_comment_not_on_this_proposal_is_refused(client, parent):
    proposal = ProposalFactory()
    values = {
        "other": lambda: CommentFactory().pk,  # a comment of another proposal
        "hidden": lambda: CommentFactory(proposal=proposal, status=Comment.Status.HIDDEN).pk,
    }
    client.force_login(UserFactory())
    parent_value = values[parent]() if parent in values else parent
    response = client.post(_comment_url(proposal), {"text": "Oui", "parent": parent_value})
    assert response.status_code == 400
    assert "n’est pas sur cette proposition" in response.content.decode()
    assert Comment.objects.filter(text="Oui").count() == 0


def test_the_form_page_shows_the_comment_answered(client):
    first = CommentFactory(text="Où exactement ?")
    client.force_login(UserFactory())
    response = client.get(_comment_url(first.proposal), {"parent": str(first.pk)})
    page = response.content.decode()
    assert "Où exactement ?" in page and f'value="{first.pk}"' in page
    assert client.get(_comment_url(first.proposal), {"parent": "9" * 30}).status_code == 200


def test_a_reply_to_a_reply_joins_the_thread_of_its_first_comment(client):
    first = CommentFactory()
    reply = CommentFactory(proposal=first.proposal, parent=first)
    client.force_login(UserFactory())
    client.post(_comment_url(first.proposal), {"text": "Moi aussi", "parent": reply.pk})
    assert Comment.objects.get(text="Moi aussi").parent == first


# --- Notifications ----------------------------------------------------------------------


def test_the_proposals_author_hears_of_a_new_comment(client, django_capture_on_commit_callbacks):
    proposal = ProposalFactory(title="Haie du chemin")
    commenter = UserFactory(display_name="Dominique")
    client.force_login(commenter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_comment_url(proposal), {"text": "Bravo"})
    event = Event.objects.get(kind="reply")
    assert event.direct == [proposal.author.pk]
    assert event.params == {"author_name": "Dominique", "subject": "Haie du chemin"}
    assert Notification.objects.filter(user=proposal.author).count() == 1
    assert not Notification.objects.filter(user=commenter).exists()


def test_a_comments_author_hears_of_a_reply(client, django_capture_on_commit_callbacks):
    first = CommentFactory()
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_comment_url(first.proposal), {"text": "Réponse", "parent": first.pk})
    event = Event.objects.get(kind="reply")
    assert sorted(event.direct) == sorted([first.author.pk, first.proposal.author.pk])
    assert Notification.objects.filter(user=first.author).count() == 1


def test_nobody_is_notified_of_their_own_comment(client):
    proposal = ProposalFactory()
    client.force_login(proposal.author)
    client.post(_comment_url(proposal), {"text": "Précision de l’auteur"})
    assert not Event.objects.exists()


# --- Reports and moderation -------------------------------------------------------------


def test_a_report_is_taken_once_per_person(client):
    comment = CommentFactory()
    client.force_login(UserFactory())
    url = reverse("consultations:report", args=[comment.pk])
    first = client.post(url, {"reason": "Hors sujet"}, follow=True)
    assert "Merci" in first.content.decode()
    second = client.post(url, {"reason": "Encore"}, follow=True)
    assert "déjà signalé" in second.content.decode()
    assert CommentReport.objects.count() == 1
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_a_too_long_reason_is_refused_next_to_the_field(client):
    comment = CommentFactory()
    client.force_login(UserFactory())
    response = client.post(
        reverse("consultations:report", args=[comment.pk]), {"reason": "x" * 301}
    )
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert not CommentReport.objects.exists()


def test_a_hidden_comment_says_so_in_the_thread_and_leaves_the_count(client, facilitator):
    proposal = ProposalFactory()
    client.force_login(proposal.author)
    client.post(_comment_url(proposal), {"text": "Propos déplacés"})
    comment = Comment.objects.get()
    CommentReport.objects.create(comment=comment, reporter=UserFactory())
    client.force_login(user_with_role("project_facilitator", proposal.consultation.project))
    client.post(reverse("consultations:comment_hide", args=[comment.pk]))
    proposal.refresh_from_db()
    assert proposal.comment_count == 0
    assert not CommentReport.objects.filter(handled_at=None).exists()
    client.logout()
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Propos déplacés" not in page
    assert "Commentaire masqué par la modération." in page


def test_a_participant_cannot_hide_even_by_the_moderation_page(client):
    comment = CommentFactory()
    client.force_login(UserFactory())
    url = reverse("consultations:moderation", args=[comment.proposal.consultation.slug])
    response = client.post(url, {"comment": comment.pk, "decision": "hide"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED


def test_the_moderation_page_lists_reported_comments_first_then_keeps_or_hides(client):
    consultation = ConsultationFactory()
    proposal = ProposalFactory(consultation=consultation)
    quiet = CommentFactory(proposal=proposal, text="Un avis calme")
    rude = CommentFactory(proposal=proposal, text="Un avis grossier")
    odd = CommentFactory(proposal=proposal, text="Un avis étrange")
    CommentReport.objects.create(comment=rude, reporter=UserFactory(), reason="Grossier")
    CommentReport.objects.create(comment=rude, reporter=UserFactory())
    CommentReport.objects.create(comment=odd, reporter=UserFactory(display_name="Lou"))
    client.force_login(user_with_role("project_facilitator", consultation.project))
    url = reverse("consultations:moderation", args=[consultation.slug])
    page = client.get(url).content.decode()
    assert (
        page.index("Un avis grossier") < page.index("Un avis étrange") < page.index("Un avis calme")
    )
    assert "« Grossier »" in page and "2 signalements" in page
    client.post(url, {"comment": odd.pk, "decision": "keep"})
    client.post(url, {"comment": rude.pk, "decision": "hide"})
    odd.refresh_from_db()
    rude.refresh_from_db()
    assert odd.status == Comment.Status.PUBLISHED and rude.status == Comment.Status.HIDDEN
    assert not CommentReport.objects.filter(handled_at=None).exists()
    assert "Aucun commentaire signalé" in client.get(url).content.decode()
    assert quiet.status == Comment.Status.PUBLISHED


@pytest.mark.parametrize(
    "data",
    [
        {"comment": "abc", "decision": "hide"},
        {"comment": "999999", "decision": "keep"},
        {"decision": "hide"},
        {"comment": "other", "decision": "hide"},
        {"comment": "mine", "decision": "delete"},
    ],
)
def test_a_bad_moderation_decision_is_refused_and_changes_nothing(client, data):
    consultation = ConsultationFactory()
    mine = CommentFactory(proposal=ProposalFactory(consultation=consultation))
    other = CommentFactory()
    values = {"other": other.pk, "mine": mine.pk}
    data = {key: values.get(value, value) for key, value in data.items()}
    client.force_login(user_with_role("project_facilitator", consultation.project))
    response = client.post(reverse("consultations:moderation", args=[consultation.slug]), data)
    assert response.status_code == 400
    assert 'class="notice notice-error"' in response.content.decode()
    assert Comment.objects.filter(status=Comment.Status.HIDDEN).count() == 0


# --- Workspace --------------------------------------------------------------------------


def test_the_workspace_counts_the_reported_comments_of_the_consultations_one_runs():
    consultation = ConsultationFactory(title="Haies")
    facilitator = user_with_role("project_facilitator", consultation.project)
    proposal = ProposalFactory(consultation=consultation)
    first, second, handled = CommentFactory.create_batch(3, proposal=proposal)
    CommentReport.objects.create(comment=first, reporter=UserFactory())
    CommentReport.objects.create(comment=first, reporter=UserFactory())
    CommentReport.objects.create(comment=second, reporter=UserFactory())
    CommentReport.objects.create(comment=handled, reporter=UserFactory(), handled_at=timezone.now())
    CommentReport.objects.create(comment=CommentFactory(), reporter=UserFactory())  # elsewhere
    items = workspace(facilitator)
    assert [(item.count, item.url) for item in items] == [
        (2, reverse("consultations:moderation", args=[consultation.slug]))
    ]
    assert "Haies" in items[0].label
    assert workspace(UserFactory()) == []


# --- Queries ----------------------------------------------------------------------------


def _render_thread(proposal: Proposal, user) -> str:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load consultation_comments %}{% comments_thread proposal %}")
    return template.render(Context({"request": request, "proposal": proposal}))


@pytest.mark.parametrize("size", [3, 30])
def test_the_thread_reads_a_fixed_number_of_queries(django_assert_max_num_queries, size):
    proposal = ProposalFactory()
    reader = UserFactory()
    for i in range(size):
        first = CommentFactory(proposal=proposal, text=f"Avis {i}")
        CommentFactory(proposal=proposal, parent=first, text=f"Réponse {i}")
        CommentReport.objects.create(comment=first, reporter=reader)
    proposal = Proposal.objects.select_related("consultation__project__organisation").get(
        pk=proposal.pk
    )
    with django_assert_max_num_queries(6):
        html = _render_thread(proposal, reader)
    assert html.count('class="comment"') == 2 * size
    assert html.count("Vous avez signalé ce commentaire.") == size


@pytest.mark.parametrize("size", [3, 30])
def test_the_moderation_page_reads_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, size
):
    consultation = ConsultationFactory()
    client.force_login(user_with_role("project_facilitator", consultation.project))
    for _ in range(size):
        comment = CommentFactory(proposal=ProposalFactory(consultation=consultation))
        CommentReport.objects.create(comment=comment, reporter=UserFactory())
        CommentFactory(proposal=comment.proposal)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("consultations:moderation", args=[consultation.slug]))
    assert response.content.decode().count('class="card"') == 2 * size


def test_the_thread_invites_to_sign_in_shows_closed_and_offers_moderation(client):
    proposal = ProposalFactory()
    CommentFactory(proposal=proposal, text="Premier avis")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Se connecter pour commenter" in page
    assert "Masquer ce commentaire" not in page and "Signaler" not in page
    client.force_login(user_with_role("project_facilitator", proposal.consultation.project))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Masquer ce commentaire" in page
    assert reverse("consultations:moderation", args=[proposal.consultation.slug]) in page
    closed = ProposalFactory(consultation=_closed())
    client.force_login(UserFactory())
    page = client.get(closed.get_absolute_url()).content.decode()
    assert "Les commentaires sont fermés" in page
    assert 'name="text"' not in page
