"""Moderating through the API: the queue, and decisions through the item page's form and
`contribution_decide` (history, email to the contributor), in constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tissage.api.tests.helpers import a_token, call
from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import UserFactory
from tissage.inventories.models import Contribution, ContributionEvent
from tissage.inventories.tests.helpers import heritage_campaign, published, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(project):
    return heritage_campaign(project=project)


@pytest.fixture
def secret(project, staff):
    return a_token(staff, project.organisation)


def _queue(client, campaign, secret, query=""):  # type: ignore[no-untyped-def]
    return call(
        client, "get", f"/api/v1/staff/campaigns/{campaign.slug}/contributions{query}", secret
    )


def _decide(client, campaign, item, secret, **body):  # type: ignore[no-untyped-def]
    return call(
        client,
        "post",
        f"/api/v1/staff/campaigns/{campaign.slug}/contributions/{item.pk}/decision",
        secret,
        body,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_queue_lists_what_waits_oldest_first_with_the_exact_place(
    client, campaign, staff, secret
):
    first = submit(campaign, title="Lavoir", contributor=UserFactory(email="jeanne@example.org"))
    second = submit(campaign, title="Croix", contributor=UserFactory(), obscure_location=True)
    published(campaign, staff, title="Puits")

    body = _queue(client, campaign, secret).json()

    assert [row["id"] for row in body["results"]] == [first.pk, second.pk]
    assert body["next"] is None
    row = body["results"][0]
    assert row["contributor_email"] == "jeanne@example.org"
    assert row["status"] == "submitted" and row["photos"] == 1
    assert row["url"].endswith(f"/inventaires/{campaign.slug}/moderation/{first.pk}/")
    hidden = body["results"][1]
    assert (hidden["longitude"], hidden["latitude"]) == (second.longitude, second.latitude)
    validated = _queue(client, campaign, secret, "?status=validated").json()["results"]
    assert [row["title"] for row in validated] == ["Puits"]


def test_the_queue_goes_page_by_page(client, campaign, secret, settings):
    from tissage.api.staff import views

    views.QUEUE_PAGE_SIZE, old = 2, views.QUEUE_PAGE_SIZE
    try:
        items = [submit(campaign, title=f"Item {n}", contributor=UserFactory()) for n in range(3)]
        first = _queue(client, campaign, secret).json()
        assert [row["id"] for row in first["results"]] == [items[0].pk, items[1].pk]
        assert first["next"].endswith("?page=2")
        second = client.get(first["next"], HTTP_AUTHORIZATION=f"Bearer {secret}").json()
        assert [row["id"] for row in second["results"]] == [items[2].pk]
        assert second["next"] is None
    finally:
        views.QUEUE_PAGE_SIZE = old


@pytest.mark.parametrize("query", ["?status=nope", "?page=0", "?page=x"])
def test_bad_queue_filters_are_400_as_every_bad_query(client, campaign, secret, query):
    response = _queue(client, campaign, secret, query)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] in ("status", "page")


def test_accepting_an_item_publishes_it_and_tells_its_contributor(
    client, campaign, staff, secret, committed
):
    item = submit(campaign, contributor=UserFactory(email="jeanne@example.org"))
    OutgoingEmail.objects.all().delete()

    response = _decide(committed(client), campaign, item, secret, status="validated")

    assert response.status_code == 200
    assert response.json() == {"id": item.pk, "status": "validated", "previous_status": "submitted"}
    item.refresh_from_db()
    assert item.status == Contribution.Status.VALIDATED
    event = ContributionEvent.objects.get(contribution=item, kind="decided")
    assert event.actor == staff
    assert OutgoingEmail.objects.filter(to="jeanne@example.org").exists()


def test_rejecting_needs_a_message_as_on_the_page(client, campaign, secret):
    item = submit(campaign, contributor=UserFactory())

    refused = _decide(client, campaign, item, secret, status="rejected")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "message",
            "message": "Write a message to the contributor: it is required to reject an item "
            "or to ask for more information.",
        }
    ]
    item.refresh_from_db()
    assert item.status == "submitted"

    done = _decide(client, campaign, item, secret, status="rejected", message="Hors périmètre.")
    assert done.status_code == 200
    assert ContributionEvent.objects.get(kind="decided").message == "Hors périmètre."


def test_a_status_the_item_cannot_take_is_refused(client, campaign, staff, secret):
    item = published(campaign, staff)

    response = _decide(client, campaign, item, secret, status="rejected", message="Non")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"
    item.refresh_from_db()
    assert item.status == "validated"


def test_an_unknown_or_unpublished_item_of_another_campaign_is_404(
    client, project, campaign, secret
):
    other = heritage_campaign(
        project=project, commune=campaign.communes.get(), title="Autre inventaire"
    )
    item = submit(other, contributor=UserFactory())

    assert _decide(client, campaign, item, secret, status="validated").status_code == 404
    response = call(
        client,
        "post",
        f"/api/v1/staff/campaigns/{campaign.slug}/contributions/99999999999/decision",
        secret,
        {"status": "validated"},
    )
    assert response.status_code == 404  # beyond any id: names nothing, as an unknown id


def _count(client, method, url, secret, body=None) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as context:
        response = call(client, method, url, secret, body)
    assert response.status_code == 200, response.content
    return len(context)


def test_the_queue_and_a_decision_keep_a_constant_number_of_queries(client, campaign, secret):
    def measure() -> tuple[int, int]:
        listing = _count(
            client, "get", f"/api/v1/staff/campaigns/{campaign.slug}/contributions", secret
        )
        item = submit(campaign, contributor=UserFactory())
        decided = _count(
            client,
            "post",
            f"/api/v1/staff/campaigns/{campaign.slug}/contributions/{item.pk}/decision",
            secret,
            {"status": "needs_info", "message": "Une photo de plus ?"},
        )
        return listing, decided

    for number in range(2):
        submit(campaign, title=f"Item {number}", contributor=UserFactory())
    measure()  # the token's last use is written once a minute: not in what is compared
    with_two = measure()
    for number in range(18):
        submit(campaign, title=f"Item {number}", contributor=UserFactory())
    assert Contribution.objects.count() >= 20
    assert measure() == with_two
