"""Cursor pagination: every row once, in a stable order, whatever changes between pages;
a cursor this API did not give is a 400 that says what to do."""

import base64
import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from tissage.actions.models import Action
from tissage.api.pagination import ID, MAX_LIMIT, CursorInvalid, Keyset, moment
from tissage.api.public.forms import LIMIT_MESSAGE
from tissage.api.tests.builders import a_campaign, an_action, an_item
from tissage.core.tests.factories import ProjectFactory
from tissage.inventories.models import Contribution

pytestmark = pytest.mark.django_db


def walk(client, url: str) -> tuple[list, int]:
    """Every row of a list, following `next` (and checking the Link header says the same)."""
    rows, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body.get("results", body.get("features"))
        url = body["next"]
        if url:
            assert response["Link"] == f'<{url}>; rel="next"'
        else:
            assert "Link" not in response
        pages += 1
    return rows, pages


def test_walking_the_actions_gives_every_row_once_in_the_agendas_order(client):
    project = ProjectFactory()
    # Several actions at the same start: the id breaks the tie.
    made = [an_action(project, days=day) for day in (5, 3, 3, 3, 9, 1, 3)]

    rows, pages = walk(client, "/api/v1/actions?limit=2")

    assert pages == 4
    assert sorted(row["id"] for row in rows) == sorted(action.pk for action in made)
    expected = sorted(made, key=lambda action: (action.starts_at, action.pk))
    assert [row["id"] for row in rows] == [action.pk for action in expected]


def test_rows_added_or_removed_between_pages_never_repeat_or_skip_another(client):
    campaign = a_campaign()
    items = [an_item(campaign).pk for _ in range(6)]
    url = f"/api/v1/campaigns/{campaign.slug}/items?limit=3"

    first = client.get(url).json()
    Contribution.objects.filter(pk=items[0]).delete()  # gone from the page already read
    late = an_item(campaign)
    second = client.get(first["next"]).json()

    assert [f["id"] for f in first["features"]] == items[:3]
    third = client.get(second["next"]).json()
    assert [f["id"] for f in second["features"]] == items[3:]
    assert [f["id"] for f in third["features"]] == [late.pk]
    assert third["next"] is None


def test_the_next_address_keeps_the_filters(client):
    project = ProjectFactory()
    for _ in range(3):
        an_action(project)
    an_action()

    rows, pages = walk(client, f"/api/v1/actions?project={project.slug}&limit=1")

    assert (len(rows), pages) == (3, 3)


@pytest.mark.parametrize(
    "cursor",
    [
        "pas-un-curseur",
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b"[1]").decode(),  # one key where the actions have two
        base64.urlsafe_b64encode(b'["2027-01-01T00:00:00", 3]').decode(),  # no offset
        base64.urlsafe_b64encode(b'["9999-01-01T00:00:00+00:00", 3]').decode(),
        base64.urlsafe_b64encode(b'["2027-01-01T00:00:00+00:00", 99999999999999999999]').decode(),
        base64.urlsafe_b64encode(b'["2027-01-01T00:00:00+00:00", true]').decode(),
        "x" * 500,
        "%00",
    ],
)
def test_a_cursor_this_api_did_not_give_is_a_400_naming_it(client, cursor):
    response = client.get("/api/v1/actions", {"cursor": cursor})

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["cursor"]


def test_the_cursor_message_in_english_and_in_french(client):
    english = client.get("/api/v1/actions?cursor=abc", HTTP_ACCEPT_LANGUAGE="en").json()
    french = client.get("/api/v1/actions?cursor=abc").json()

    assert "start again from the first page" in english["errors"][0]["message"]
    assert english["message"].startswith("The query is not valid.")
    # Not translated yet where the catalogue lacks it; never empty, never a 500.
    assert french["errors"][0]["message"]


def test_the_limit_is_bounded_and_says_its_bounds(client):
    assert str(MAX_LIMIT) in str(LIMIT_MESSAGE)
    for limit in (0, MAX_LIMIT + 1, "beaucoup"):
        response = client.get(f"/api/v1/organisations?limit={limit}")
        assert response.status_code == 400
        assert [error["field"] for error in response.json()["errors"]] == ["limit"]


def test_a_keyset_reads_back_the_cursor_it_wrote():
    keyset = Keyset((moment("starts_at"), ID))
    starts_at = timezone.now().replace(microsecond=123456)
    action = Action(pk=42, starts_at=starts_at)

    assert keyset.position(keyset.cursor(action)) == (starts_at, 42)
    with pytest.raises(CursorInvalid):
        keyset.position(keyset.cursor(action)[:-3])


def test_rows_after_a_position_in_two_keys():
    keyset = Keyset((moment("starts_at"), ID))
    moment_ = datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)

    condition = keyset.after((moment_, 7))

    assert condition == Q(starts_at__gt=moment_) | Q(starts_at=moment_, pk__gt=7)
