"""`tissage dashboard-refresh`: idempotent, by day, and what account deletion leaves."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tissage.accounts.services import account_delete
from tissage.core.tests.factories import ProjectFactory, UserFactory
from tissage.dashboard.figures import Period, Scope, figures_for
from tissage.dashboard.models import ActionTally, FirstParticipation, Participation
from tissage.dashboard.refresh import dashboard_refresh, person_key

from .helpers import an_action, days_ago, registered

pytestmark = pytest.mark.django_db


def _rows():
    return sorted(
        Participation.objects.values_list("day", "project_id", "person_key", "way", "count")
    )


def test_running_twice_gives_the_same_rows_and_follows_the_sources():
    project = ProjectFactory()
    old = an_action(project, days_ago(200))
    recent = an_action(project, days_ago(2))
    registered(old, 3, prefix="a")
    registered(recent, 2, prefix="b")
    call_command("dashboard_refresh", "--all")
    first = _rows()
    call_command("dashboard_refresh", "--all")

    assert _rows() == first
    assert len(first) == 5
    assert ActionTally.objects.count() == 2
    assert FirstParticipation.objects.filter(project_id=project.pk).count() == 5

    # A daily run recomputes the recent days only: the old ones stay as they were.
    recent.registrations.filter(email="b0@example.org").update(status="cancelled")
    old.registrations.filter(email="a0@example.org").update(status="cancelled")
    call_command("dashboard_refresh")
    assert len(_rows()) == 4
    call_command("dashboard_refresh", "--since", days_ago(300).isoformat())
    assert len(_rows()) == 3


def test_person_key_is_keyed_and_reveals_no_address(settings):
    key = person_key(email="Jeanne@Example.org")
    assert key == person_key(email="jeanne@example.org")
    assert "jeanne" not in key and len(key) == 64
    settings.SECRET_KEY = "another"
    assert person_key(email="jeanne@example.org") != key


def test_bad_since_is_one_clear_line():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("dashboard_refresh", "--since", "31/01/2025")


def test_deleting_an_account_rekeys_its_rows_and_keeps_the_count():
    project = ProjectFactory()
    user = UserFactory()
    registered(an_action(project, days_ago(20)), 1, user=user, prefix="x")
    registered(an_action(project, days_ago(10)), 1, user=user, prefix="x")
    registered(an_action(project, days_ago(10)), 4, prefix="y")
    dashboard_refresh()
    key = person_key(user_id=user.pk)
    assert Participation.objects.filter(person_key=key).count() == 2

    account_delete(user=user)

    assert not Participation.objects.filter(person_key=key).exists()
    assert not FirstParticipation.objects.filter(person_key=key).exists()
    year = Period(start=days_ago(300), end=days_ago(0))
    assert figures_for(Scope(), year).people.value == 5


def test_opinions_given_in_a_consultation_count_as_taking_part():
    from tissage.consultations.models import Proposal, Support
    from tissage.consultations.tests.factories import (
        CommentFactory,
        ConsultationFactory,
        ProposalFactory,
        SupportFactory,
    )
    from tissage.dashboard.models import Kind, Way

    consultation = ConsultationFactory()
    author, supporter = UserFactory(), UserFactory()
    proposal = ProposalFactory(consultation=consultation, author=author)
    SupportFactory(proposal=proposal, user=supporter)
    # A guest's support counts once confirmed; an unconfirmed proposal does not count.
    Support.objects.create(proposal=proposal, email="guest@example.org")
    ProposalFactory(
        consultation=consultation,
        author=None,
        author_email="later@example.org",
        status=Proposal.Status.UNCONFIRMED,
    )
    # The author comments their own proposal: the same person, twice on that day.
    CommentFactory(proposal=proposal, author=author)
    typed_in = ProposalFactory(consultation=consultation, author=None, author_name="Rose")
    typed_in.entered_by = UserFactory()
    typed_in.save(update_fields=["entered_by"])

    dashboard_refresh()

    rows = Participation.objects.filter(project_id=consultation.project_id, kind=Kind.OPINION)
    assert rows.values("person_key").distinct().count() == 3
    assert sorted(rows.values_list("way", flat=True)) == [Way.ACCOUNT, Way.ACCOUNT, Way.ASSISTED]
    assert rows.get(person_key=person_key(user_id=author.pk)).count == 2
