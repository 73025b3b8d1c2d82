"""The home page: what one can do now without signing in, the map's points, the impact
counters, and a number of queries that does not grow with the data (issue #14)."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tissage.actions.models import Action, ImpactCounter, ImpactValue
from tissage.actions.tests.helpers import an_action, in_days, past_action, person, register
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.core.models import SiteIdentity
from tissage.core.tests.factories import CommuneFactory, ProjectFactory, UserFactory
from tissage.inventories.tests.helpers import heritage_campaign, nimes_commune, published
from tissage.territories.models import Commune

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["django_language"] = "en"
    return client


def populate(size: int) -> dict:
    """`size` of everything the home page shows: actions with a place and registrations,
    campaigns with published items, collectives with members and communes, past actions
    with hours and impact."""
    moderator = UserFactory(is_superuser=True)
    made: dict = {"actions": [], "campaigns": [], "collectives": []}
    nimes = Commune.objects.filter(insee_code="30189").first() or nimes_commune()
    for n in range(size):
        project = ProjectFactory()
        action = an_action(project, latitude=44.7 + n / 100, longitude=5.0)
        # One day apart, in the order they were made.
        Action.objects.filter(pk=action.pk).update(
            starts_at=in_days(10 + n), ends_at=in_days(10 + n, 12)
        )
        for k in range(size):
            register(action, 100 * n + k)
        made["actions"].append(action)
        campaign = heritage_campaign(nimes, project=project, title=f"Inventaire {n}")
        for _ in range(size):
            published(campaign, moderator)
        made["campaigns"].append(campaign)
        collective = CollectiveFactory(project=None)
        collective.communes.set(CommuneFactory.create_batch(size))
        MembershipFactory.create_batch(size, collective=collective)
        made["collectives"].append(collective)
        done = past_action(project, hours=2)
        for k in range(size):
            person(done, 1000 * n + k)
        trees = ImpactCounter.objects.create(project=project, name="arbres plantés")
        ImpactValue.objects.create(action=done, counter=trees, value=Decimal(10))
    return made


def test_an_anonymous_visitor_is_offered_the_next_action_and_an_open_campaign(client):
    made = populate(2)
    draft = an_action(ProjectFactory(), status="draft")
    nimes = Commune.objects.get(insee_code="30189")
    closed = heritage_campaign(
        nimes,
        title="Fermée",
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2020, 2, 1),
    )

    page = english(client).get("/").content.decode()

    first_action = made["actions"][0]
    # The next action comes first of all the links of the page's content.
    content = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    links = re.findall(r'<a class="home-link" href="([^"]+)"', content)
    assert links[0] == f"/actions/{first_action.slug}/"
    assert f'href="/inventaires/{made["campaigns"][0].slug}/"' in page
    assert f'href="/inventaires/{made["campaigns"][0].slug}/contribuer/"' in page
    assert f'href="{made["collectives"][0].get_absolute_url()}"' in page
    assert "2 items published" in page
    assert "3 places left" in page  # 3 + 2 places, 2 registered
    assert f"/actions/{draft.slug}/" not in page
    assert f"/inventaires/{closed.slug}/" not in page
    # Signing in is offered, after what one can do.
    assert content.index("/compte/connexion/") > content.index(f"/actions/{first_action.slug}/")


def test_the_counters_are_computed_from_the_data(client):
    populate(2)

    response = english(client).get("/")

    counters = {c.label: c.value for c in response.context["counters"]}
    # Two past actions of two people each (and nobody counted twice), 2 hours each.
    assert counters["people took part in an action"] == 4
    assert counters["hours given"] == 8
    assert counters["arbres plantés"] == 20
    assert counters["items inventoried"] == 4


def test_people_absent_or_on_cancelled_actions_do_not_count(client):
    done = past_action(hours=3)
    person(done, 1, companions=2)
    person(done, 2, attended=False)
    person(done, 3, hours=Decimal("1.5"))
    person(past_action(status="cancelled"), 4)

    counters = {c.label: c.value for c in english(client).get("/").context["counters"]}

    assert counters["people took part in an action"] == 4  # 1 + 2 companions + 1
    assert counters["hours given"] == 4  # 3 + 1.5, rounded down


def test_the_map_has_the_actions_items_and_collectives_communes(client):
    made = populate(1)

    page = english(client).get("/").content.decode()

    points = json.loads(re.search(r'data-points="([^"]+)"', page).group(1).replace("&quot;", '"'))
    kinds = {point["kind"] for point in points}
    assert kinds == {"action", "items", "collective"}
    items = [p for p in points if p["kind"] == "items"]
    assert sum(p["count"] for p in items) == 1
    assert any(p["url"] == f"/actions/{made['actions'][0].slug}/" for p in points)
    assert "Items inventoried nearby" in page


def test_without_anything_the_page_says_so_and_has_no_map(client):
    page = english(client).get("/").content.decode()

    assert "No action is planned yet." in page
    assert "No inventory is open right now." in page
    assert "home-map" not in page
    assert "leaflet" not in page


def test_the_territory_and_its_sentence_come_from_the_admin(client):
    page = english(client).get("/").content.decode()
    assert "Take part in the life of your territory" in page

    SiteIdentity.objects.create(
        territory="Vallée de la Drôme", tagline="Planter, recenser, se retrouver."
    )
    page = english(client).get("/").content.decode()

    assert "Take part in Vallée de la Drôme" in page
    assert "Planter, recenser, se retrouver." in page
    assert SiteIdentity.current().pk == 1


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    return len(context)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_number_of_queries_does_not_grow_with_the_data(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    from django.core.cache import cache

    populate(1)
    cache.clear()  # the parts are kept a minute: measure them computed
    small = count_queries(client)
    populate(3)
    cache.clear()
    large = count_queries(client)
    kept = count_queries(client)  # within the minute: the parts come from the cache

    assert small == large
    assert large <= 18
    assert kept <= large - 8


def test_the_parts_kept_a_minute_are_kept_in_each_language(client):
    populate(1)

    french = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()

    assert "Prochaines actions" in french
    assert "Next actions" in english and "Prochaines actions" not in english
