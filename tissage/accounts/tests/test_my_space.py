"""“Mon espace”: one page of a person's participation, each app's part (issue #13)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tissage.actions.models import Registration
from tissage.actions.tests.helpers import make_action
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.core.tests.factories import UserFactory
from tissage.inventories.models import Contribution
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import heritage_campaign, submit

pytestmark = pytest.mark.django_db

SPACE = "/compte/mon-espace/"


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def _sign_in_by_code(client, email: str) -> None:
    client.post("/compte/connexion/", {"email": email})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert code is not None
    assert client.post("/compte/connexion/code/", {"code": code.group(1)}).status_code == 302


def test_a_guest_s_contribution_is_theirs_once_they_sign_in_with_its_address(client, committed):
    client = committed(client)
    campaign = heritage_campaign()
    item = submit(campaign, title="Lavoir des Saules", guest_email="jeanne@example.org")
    item_url = f"/inventaires/{campaign.slug}/fiches/{item.pk}/"
    assert client.get(item_url).status_code == 404  # waiting: hidden from others

    _sign_in_by_code(client, "jeanne@example.org")

    item.refresh_from_db()
    assert item.contributor is not None and item.contributor.email == "jeanne@example.org"
    assert item.public_contributor == "Jeanne"  # the name given stays the credit
    page = client.get(SPACE).content.decode()
    assert "My space" in page and "Lavoir des Saules" in page
    # Signing in proves the address, not that its owner sent the item: it still waits
    # for the email's link, and the space says so.
    assert item.status == Contribution.Status.AWAITING_EMAIL
    assert "open the link in the email" in page
    assert client.get(item_url).status_code == 200  # their own item, before validation
    export = client.get("/compte/mes-donnees/")
    with zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content))) as archive:
        data = json.loads(archive.read("data.json"))
    assert [c["title"] for c in data["inventory_contributions"]] == ["Lavoir des Saules"]


def test_an_item_sent_as_a_guest_by_someone_with_an_account_is_theirs_when_confirmed(
    client, on_commit
):
    from tissage.inventories.contributions.services import contribution_confirm_email

    person = UserFactory(email="marc@example.org")
    item = submit(heritage_campaign(), guest_email="marc@example.org", guest_name="Marc")

    on_commit(contribution_confirm_email, item=item)

    item.refresh_from_db()
    assert item.contributor == person


def test_the_space_shows_each_status_and_what_waits_for_an_answer_first(client):
    campaign = heritage_campaign()
    person = UserFactory(display_name="Louise")
    moderator = UserFactory()
    refused = submit(campaign, title="Croix du chemin", contributor=person)
    contribution_decide(
        item=refused, moderator=moderator, status="rejected", message="Hors du territoire."
    )
    asked = submit(campaign, title="Puits de la place", contributor=person)
    contribution_decide(
        item=asked, moderator=moderator, status="needs_info", message="Une photo de près ?"
    )
    action = make_action(places=1)
    role = action.roles.get(name="Planter")
    Registration.objects.create(
        action=action, role=role, name="A", email="a@example.org", status="confirmed"
    )
    Registration.objects.create(
        action=action,
        role=role,
        user=person,
        name="Louise",
        email=person.email,
        status="waiting",
    )
    collective = CollectiveFactory(name="Jardins partagés")
    MembershipFactory(collective=collective, user=person)
    client.force_login(person)

    page = client.get(SPACE).content.decode()

    assert page.index("Une photo de près ?") < page.index("My registrations")
    assert f"/inventaires/{campaign.slug}/fiches/{asked.pk}/completer/" in page
    assert "The team’s reason: Hors du territoire." in page
    assert "waiting list: number 1" in page
    assert "Jardins partagés" in page
    assert 'aria-current="page"' in page


def test_the_space_costs_the_same_queries_whatever_one_did(client):
    campaign = heritage_campaign()
    person = UserFactory()
    client.force_login(person)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(SPACE).status_code == 200
        return len(context.captured_queries)

    submit(campaign, contributor=person)
    action = make_action()
    Registration.objects.create(
        action=action,
        role=action.roles.first(),
        user=person,
        name="L",
        email=person.email,
        status="confirmed",
    )
    few = queries()
    for number in range(5):
        submit(campaign, title=f"Item {number}", contributor=person)
        other = make_action()
        Registration.objects.create(
            action=other,
            role=other.roles.first(),
            user=person,
            name="L",
            email=person.email,
            status="waiting",
        )
    assert queries() == few + 1  # the waiting lists' ranks: one query for all


def test_an_empty_space_invites_to_take_part(client):
    client.force_login(UserFactory())
    page = client.get(SPACE).content.decode()
    assert "Nothing yet." in page
    assert not Contribution.objects.exists()
