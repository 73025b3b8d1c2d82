"""A moderator's decision notifies the contributor who has an account (on the site: the
decision email told them already); a campaign's published items reaching 10, 25, 50…
notify its followers, once for each milestone."""

from __future__ import annotations

import pytest
from django.core import mail

from tissage.core.tests.factories import UserFactory
from tissage.engagement.kinds import Kind
from tissage.engagement.models import Event
from tissage.engagement.services import follow_set
from tissage.engagement.tests.producers import (
    emailed_already,
    follower,
    former_follower,
    notified,
    text,
    the_event,
)
from tissage.inventories.campaigns.milestones import milestone_of
from tissage.inventories.models import Campaign, Contribution
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import submit
from tissage.inventories.tests.moderation.helpers import item

pytestmark = pytest.mark.django_db
Status = Contribution.Status


@pytest.fixture
def moderating(signed_in, committed):
    """The moderator's client (English); each request commits (emails, fan-out)."""
    return committed(signed_in)


def decide(client, found, status: str, message: str = ""):
    url = f"/inventaires/{found.campaign.slug}/moderation/{found.pk}/decision/"
    return client.post(url, {"status": status, "message": message})


@pytest.mark.parametrize(
    ("status", "message", "decision", "sentence"),
    [
        (
            Status.VALIDATED,
            "",
            "published",
            "Your contribution “Lavoir du pont” to “Petit patrimoine des Garrigues” is published.",
        ),
        (
            Status.NEEDS_INFO,
            "Dans quelle rue ?",
            "needs_information",
            "The moderators of “Petit patrimoine des Garrigues” need more information about "
            "“Lavoir du pont”: “Dans quelle rue ?”. Answer them on the item’s page.",
        ),
        (
            Status.REJECTED,
            "Hors du territoire.",
            "refused",
            "Your contribution “Lavoir du pont” to “Petit patrimoine des Garrigues” was not "
            "published: “Hors du territoire.”.",
        ),
    ],
)
def test_the_contributor_is_notified_of_the_decision_and_emailed_once(
    moderating, campaign, moderator, status, message, decision, sentence
):
    contributor = UserFactory()
    found = submit(campaign, contributor=contributor, title="Lavoir du pont")
    follow_set(user=moderator, target=campaign, following=True)
    mail.outbox.clear()

    response = decide(moderating, found, status, message)

    assert response.status_code == 302
    assert notified(Kind.CONTRIBUTION_DECIDED) == {contributor}
    # The decision email is the only one: the notification is not emailed again.
    assert emailed_already(Kind.CONTRIBUTION_DECIDED) == {contributor}
    assert [m.to for m in mail.outbox] == [[contributor.email]]
    event = the_event(Kind.CONTRIBUTION_DECIDED)
    assert event.params["status"] == decision
    assert event.actor == moderator
    assert event.url == f"/inventaires/{campaign.slug}/fiches/{found.pk}/"
    assert text(event) == sentence


def test_a_guest_contributor_has_the_email_only(moderating, campaign):
    found = submit(campaign)  # a guest, confirmed by email
    Contribution.objects.filter(pk=found.pk).update(status=Status.SUBMITTED)
    mail.outbox.clear()

    decide(moderating, found, Status.VALIDATED)

    assert [m.to for m in mail.outbox] == [["jeanne@example.org"]]
    assert not Event.objects.filter(kind=Kind.CONTRIBUTION_DECIDED).exists()


def test_a_moderator_deciding_on_their_own_item_is_not_told(moderating, campaign, moderator):
    found = submit(campaign, contributor=moderator)

    decide(moderating, found, Status.VALIDATED)

    assert notified(Kind.CONTRIBUTION_DECIDED) == set()


def test_a_refused_decision_notifies_nobody(moderating, campaign):
    found = submit(campaign, contributor=UserFactory())

    response = decide(moderating, found, Status.REJECTED, "")

    assert response.status_code == 200
    assert not Event.objects.exists()


# --- Milestones -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "milestone"),
    [(0, 0), (9, 0), (10, 10), (24, 10), (25, 25), (999, 500), (12_000, 10_000)],
)
def test_the_milestone_reached_is_the_highest_below_the_count(published, milestone):
    assert milestone_of(published) == milestone


def published_items(campaign, count: int) -> None:
    """`count` items already published (written directly: no decision, no milestone)."""
    for number in range(count):
        found = item(campaign, title=f"Puits {number}")
        Contribution.objects.filter(pk=found.pk).update(status=Status.VALIDATED)


def test_the_tenth_published_item_is_announced_once_to_the_campaign_s_followers(
    moderating, campaign, moderator
):
    someone = follower(campaign)
    stopped = former_follower(campaign)
    follow_set(user=moderator, target=campaign, following=True)
    published_items(campaign, 9)
    tenth = item(campaign, title="Croix de chemin")

    decide(moderating, tenth, Status.VALIDATED)

    event = the_event(Kind.CAMPAIGN_MILESTONE)
    assert event.params == {"campaign": campaign.title, "count": 10}
    assert event.url == f"/inventaires/{campaign.slug}/"
    # Everyone's work: the moderator who published the tenth hears of it too, and so do
    # the ten contributors (who follow the campaign since they contributed).
    contributors = {found.contributor for found in Contribution.objects.filter(campaign=campaign)}
    assert len(contributors) == 10
    assert notified(Kind.CAMPAIGN_MILESTONE) == {someone, moderator} | contributors
    assert stopped not in notified(Kind.CAMPAIGN_MILESTONE)
    assert text(event) == (
        "The inventory “Petit patrimoine des Garrigues” now has 10 published items."
    )
    assert Campaign.objects.get(pk=campaign.pk).milestone_reached == 10

    # Withdrawn and published again, or another item published: 10 is not news twice.
    decide(moderating, tenth, Status.ARCHIVED)
    decide(moderating, tenth, Status.VALIDATED)
    decide(moderating, item(campaign, title="Four à pain"), Status.VALIDATED)
    assert Event.objects.filter(kind=Kind.CAMPAIGN_MILESTONE).count() == 1


def test_a_milestone_missed_is_caught_up_by_the_next_publication(campaign, moderator):
    published_items(campaign, 12)  # e.g. two decisions that could not see each other

    contribution_decide(item=item(campaign), moderator=moderator, status=Status.VALIDATED)

    assert the_event(Kind.CAMPAIGN_MILESTONE).params["count"] == 10


def test_below_ten_nothing_is_announced(moderating, campaign):
    follower(campaign)
    published_items(campaign, 7)

    decide(moderating, item(campaign), Status.VALIDATED)

    assert not Event.objects.filter(kind=Kind.CAMPAIGN_MILESTONE).exists()
