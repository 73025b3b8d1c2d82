"""Impact counters, their values and totals per project and commune; who may see and
fill them."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from tissage.actions.attendance import queries, services
from tissage.actions.manage.services import action_create
from tissage.actions.models import ImpactCounter, ImpactValue
from tissage.actions.tests.helpers import answer, impact_setup, past_action, staff_client
from tissage.core.tests.factories import CommuneFactory, ProjectFactory, user_with_role
from tissage.core.tests.matrices import EVERYONE, NOT_FOUND, OK, STAFF, matrix
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_impact_totals_are_public_with_the_project(client, role, expected):
    project = ProjectFactory()
    user = user_with_role(role, project)
    if user:
        client.force_login(user)
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    assert answer(client.get(url)) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    matrix(
        anonymous=NOT_FOUND,
        participant=NOT_FOUND,
        project_member=OK,
        project_facilitator=OK,
        organisation_facilitator=OK,
        organisation_admin=OK,
        superuser=OK,
    ),
)
def test_impact_of_a_draft_project_is_for_its_team(client, role, expected):
    project = ProjectFactory(status=Project.Status.DRAFT)
    user = user_with_role(role, project)
    if user:
        client.force_login(user)
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    assert answer(client.get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_only_the_team_defines_counters(client, role, expected):
    project = ProjectFactory()
    user = user_with_role(role, project)
    if user:
        client.force_login(user)
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    response = client.post(url, {"form": "counter", "counter-name": "Arbres plantés"})
    saved = response.status_code == 302 and "/connexion/" not in response["Location"]
    assert (OK if saved else answer(response)) == expected
    assert ImpactCounter.objects.exists() == (expected == OK)


# Impact ----------------------------------------------------------------------------------
def test_totals_per_project_and_commune_match_the_data():
    project, trees, hedge, _actions, _communes = impact_setup()
    totals = queries.impact_totals(project)
    assert totals.totals == {trees.pk: Decimal("157.5"), hedge.pk: Decimal("55")}
    by_name = {c.name: c.totals for c in totals.communes}
    assert by_name["Nord"] == {trees.pk: Decimal("150.5"), hedge.pk: Decimal("40")}
    assert by_name["Sud"] == {trees.pk: Decimal("7")}
    assert sum(sum(c.totals.values()) for c in totals.communes) == Decimal("212.5")


def test_the_impact_page_shows_the_totals(client):
    project, *_ = impact_setup()
    page = client.get(reverse("actions:impact", kwargs={"project_slug": project.slug}))
    text = page.content.decode()
    assert "157,5" in text and "Nord" in text and "150,5" in text
    assert 'name="form"' not in text  # no form for visitors


def test_a_facilitator_defines_a_counter_and_fills_values(client):
    project = ProjectFactory()
    action = past_action(project)
    future = action_create(
        project=project,
        title="Plus tard",
        starts_at=timezone.now() + datetime.timedelta(days=5),
        ends_at=timezone.now() + datetime.timedelta(days=5, hours=2),
        status="published",
    )
    client = staff_client(client, project)
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    client.post(url, {"form": "counter", "counter-name": "Arbres", "counter-unit": "arbres"})
    counter = ImpactCounter.objects.get(project=project)
    page = client.get(url).content.decode()
    assert f'name="v{action.pk}_{counter.pk}"' in page
    assert f'name="v{future.pk}_{counter.pk}"' not in page  # only past actions
    client.post(url, {"form": "values", f"v{action.pk}_{counter.pk}": "12,5"})
    assert ImpactValue.objects.get().value == Decimal("12.5")
    client.post(url, {"form": "values", f"v{action.pk}_{counter.pk}": ""})
    assert not ImpactValue.objects.exists()


@pytest.mark.parametrize("value", ["beaucoup", "-3", "1e20"])
def test_bad_impact_values_save_nothing(client, value):
    project = ProjectFactory()
    first, second = past_action(project), past_action(project, days_ago=9)
    counter = ImpactCounter.objects.create(project=project, name="Arbres")
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    response = staff_client(client, project).post(
        url,
        {"form": "values", f"v{first.pk}_{counter.pk}": "5", f"v{second.pk}_{counter.pk}": value},
    )
    assert response.status_code == 400
    assert not ImpactValue.objects.exists()


def test_a_counter_needs_a_name(client):
    project = ProjectFactory()
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    response = staff_client(client, project).post(url, {"form": "counter", "counter-name": ""})
    assert response.status_code == 400
    assert not ImpactCounter.objects.exists()


def test_the_impact_page_query_count_holds(client, django_assert_max_num_queries):
    project, trees, *_ = impact_setup()
    client = staff_client(client, project)
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for number in range(25):
        action = past_action(project, commune=CommuneFactory(), days_ago=40 + number)
        ImpactValue.objects.create(action=action, counter=trees, value=number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    client.logout()
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_counters_come_after_the_others_even_after_one_is_removed():
    project = ProjectFactory()
    first = services.impact_counter_add(project=project, name="Arbres", unit="arbres")
    second = services.impact_counter_add(project=project, name="Haie", unit="m")
    first.delete()
    third = services.impact_counter_add(project=project, name="Mares")
    assert (second.position, third.position) == (1, 2)
    assert [c.name for c in ImpactCounter.objects.filter(project=project)] == ["Haie", "Mares"]


@pytest.mark.django_db(transaction=True)
def test_counters_added_at_the_same_moment_get_distinct_positions():
    """Eight facilitators add a counter at once: each gets its own place in the list (the
    position used to be counted in the view, outside any lock)."""
    project = ProjectFactory()
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def add(number: int) -> None:
        try:
            start.wait()
            services.impact_counter_add(project=project, name=f"Compteur {number}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    positions = ImpactCounter.objects.filter(project=project).values_list("position", flat=True)
    assert sorted(positions) == list(range(8))
