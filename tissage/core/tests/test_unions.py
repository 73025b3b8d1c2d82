"""`union_all`: several sliced, ordered reads in one query, each part's rows in its own
order, on SQLite as on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from tissage.core.unions import union_all
from tissage.territories.models import Commune

from .factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_each_part_keeps_its_order_and_its_slice_in_one_query():
    for name in ["Alès", "Uzès", "Nîmes", "Sommières", "Anduze"]:
        CommuneFactory(name=name)
    communes = Commune.objects.filter(name__in=["Alès", "Uzès", "Nîmes", "Sommières", "Anduze"])

    with CaptureQueriesContext(connection) as queries:
        rows = union_all(
            [
                communes.order_by("name").values_list(Value(1), "name")[:2],
                communes.order_by("-name").values_list(Value(2), "name")[:3],
                communes.filter(name="Nîmes").values_list(Value(3), "name"),
            ]
        )

    assert len(queries) == 1
    assert rows == [
        (1, "Alès"),
        (1, "Anduze"),
        (2, "Uzès"),
        (2, "Sommières"),
        (2, "Nîmes"),
        (3, "Nîmes"),
    ]


def test_no_part_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert union_all([]) == []
    assert len(queries) == 0


def test_parts_of_different_tables_with_values_as_parameters():
    commune = CommuneFactory(name="Saint-Jean-du-Gard")
    rows = union_all(
        [
            Commune.objects.filter(pk=commune.pk).values_list(Value("une commune"), "insee_code"),
            Commune.objects.none().values_list(Value("aucune"), "insee_code"),
        ]
    )
    assert rows == [("une commune", commune.insee_code)]


def test_parts_that_match_nothing_send_no_query():
    with CaptureQueriesContext(connection) as queries:
        rows = union_all(
            [
                Commune.objects.none().values_list("name"),
                Commune.objects.filter(pk__in=[]).values_list("name"),
            ]
        )
    assert rows == []
    assert len(queries) == 0
