"""The participatory map's stored cells: kept by the database's triggers through every
change of a proposal, and read by the map's data."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tissage.consultations.map import cells
from tissage.consultations.models import Proposal, ProposalCell
from tissage.consultations.proposals.services import proposal_submit
from tissage.consultations.tests.factories import ConsultationFactory, ProposalFactory
from tissage.core.tests.concurrency import at_once
from tissage.core.tests.factories import UserFactory
from tissage.inventories.map import cells as inventory_cells
from tissage.inventories.map import data as inventory_map
from tissage.territories.geography import Box

pytestmark = pytest.mark.django_db

CELLS_MIGRATION = import_module("tissage.consultations.migrations.0010_proposal_cells")


def _placed(consultation, i: int = 0, **fields) -> Proposal:  # type: ignore[no-untyped-def]
    return ProposalFactory(
        consultation=consultation,
        part=Proposal.Part.MAP,
        longitude=5.0 + (i % 7) * 0.013,
        latitude=44.0 + (i // 7) * 0.011,
        **fields,
    )


def placed_count(consultation) -> int:  # type: ignore[no-untyped-def]
    """The remarks counted in the coarsest level's cells."""
    coarsest = inventory_cells.MIN_LEVEL
    return sum(t.count for key, t in cells.cells_stored(consultation).items() if key[0] == coarsest)


def test_the_cells_migration_uses_the_levels_and_lock_of_cells_py():
    assert list(CELLS_MIGRATION.LEVELS) == list(
        range(inventory_cells.MIN_LEVEL, inventory_cells.MAX_LEVEL + 1)
    )
    assert CELLS_MIGRATION.LOCK_CLASS == cells.LOCK_CLASS
    assert CELLS_MIGRATION.PUBLISHED == Proposal.Status.PUBLISHED


def test_the_database_runs_the_triggers_of_the_cells_migration():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'consultations_proposalcells_%' ORDER BY name"
            )
            assert [row[0] for row in cursor.fetchall()] == sorted(CELLS_MIGRATION.SQLITE_CREATE)
        else:
            cursor.execute(
                "SELECT proname, prosrc FROM pg_proc "
                "WHERE proname LIKE 'consultations_proposalcells_%'"
            )
            prefix = "consultations_proposalcells_"
            bodies = {name.removeprefix(prefix): src for name, src in cursor}
            assert bodies == CELLS_MIGRATION.POSTGRES_BODIES


def test_the_cells_follow_every_change_of_a_proposal():
    consultation, other = ConsultationFactory(), ConsultationFactory()

    def agree() -> None:
        for each in (consultation, other):
            assert cells.cells_check(each) == []

    placed = [_placed(consultation, i) for i in range(12)]
    waiting = _placed(consultation, 20, status=Proposal.Status.UNCONFIRMED)
    ProposalFactory(consultation=consultation)  # an idea without a point: not counted
    agree()
    assert placed_count(consultation) == 12
    # Published (a guest's link), hidden, shown again.
    waiting.status = Proposal.Status.PUBLISHED
    waiting.save(update_fields=["status"])
    agree()
    Proposal.objects.filter(pk=placed[0].pk).update(status=Proposal.Status.HIDDEN)
    agree()
    Proposal.objects.filter(pk=placed[0].pk).update(status=Proposal.Status.PUBLISHED)
    # Moved, its point taken away, moved to another consultation, several at once.
    Proposal.objects.filter(pk=placed[1].pk).update(longitude=5.4, latitude=44.3)
    agree()
    Proposal.objects.filter(pk=placed[2].pk).update(longitude=None, latitude=None)
    agree()
    Proposal.objects.filter(pk__in=[p.pk for p in placed[3:6]]).update(consultation=other)
    agree()
    # Edits that do not move it change nothing.
    Proposal.objects.filter(pk=placed[6].pk).update(title="Autre titre", support_count=9)
    agree()
    # Added in bulk, deleted alone and in bulk.
    Proposal.objects.bulk_create(
        [
            Proposal(
                consultation=consultation,
                part=Proposal.Part.MAP,
                title=f"En nombre {n}",
                text="Ici.",
                author_name="Anne",
                longitude=5.1 + n * 0.001,
                latitude=44.1,
            )
            for n in range(5)
        ]
    )
    agree()
    placed[7].delete()
    agree()
    Proposal.objects.filter(consultation=consultation).delete()
    agree()
    assert not cells.cells_stored(consultation)
    assert placed_count(other) == 3


def test_the_map_s_clusters_are_the_stored_cells(client, monkeypatch):
    monkeypatch.setattr(inventory_map, "POINT_LIMIT", 10)
    consultation = ConsultationFactory()
    for i in range(30):
        _placed(consultation, i)
    url = reverse("consultations:map_data", args=[consultation.slug])
    with CaptureQueriesContext(connection) as captured:
        data = client.get(url, {"bbox": "4.0,43.0,6.0,45.0", "zoom": "8"}).json()
    assert data["kind"] == "clusters" and data["total"] == 30
    reads = " ".join(query["sql"] for query in captured.captured_queries)
    assert "consultations_proposalcell" in reads
    # No remark is read, let alone grouped: the clusters are the cells.
    assert '"consultations_proposal"' not in reads.replace('"consultations_proposal"."', "")
    # Each cluster at the mean of its remarks, as the cells keep them.
    level = inventory_map.cell_level(Box(4.0, 43.0, 6.0, 45.0), 8)
    stored = {
        (round(cell.sum_lon / cell.count, 5), round(cell.sum_lat / cell.count, 5)): cell.count
        for cell in ProposalCell.objects.filter(consultation=consultation, level=level)
    }
    features = data["features"]
    drawn = {tuple(f["geometry"]["coordinates"]): f["properties"]["count"] for f in features}
    assert drawn == stored


def test_a_view_with_few_remarks_in_its_cells_gives_the_points_strictly_in_view(client):
    consultation = ConsultationFactory()
    inside = _placed(consultation, 0)
    # In a cell the view touches, beyond its east edge.
    ProposalFactory(consultation=consultation, longitude=5.011, latitude=44.0)
    url = reverse("consultations:map_data", args=[consultation.slug])
    data = client.get(url, {"bbox": "4.99,43.99,5.01,44.01", "zoom": "12"}).json()
    assert data["kind"] == "points"
    assert [f["properties"]["id"] for f in data["features"]] == [inside.pk]
    empty = client.get(url, {"bbox": "3.0,43.0,3.01,43.01", "zoom": "12"}).json()
    assert empty == {"type": "FeatureCollection", "total": 0, "kind": "points", "features": []}


def test_remarks_placed_and_moved_at_once_keep_the_cells_exact(transactional_db):
    """Writers of one consultation's cells wait for each other (an advisory lock on
    PostgreSQL, the database's lock on SQLite): no deadlock, no count lost."""
    consultation = ConsultationFactory()
    author = UserFactory()
    moved = [_placed(consultation, i) for i in range(10)]

    def one(number: int) -> None:
        if number < 10:
            proposal_submit(
                consultation=consultation,
                part=Proposal.Part.MAP,
                title=f"Remarque {number}",
                text="Ici.",
                category=None,
                commune=None,
                point=(5.0 + number * 0.01, 44.0 + number * 0.005),
                author=author,
            )
        else:
            with transaction.atomic():
                Proposal.objects.filter(pk=moved[number - 10].pk).update(
                    longitude=5.2, latitude=44.2
                )

    errors = at_once(20, one)
    assert not errors, errors
    assert cells.cells_check(consultation) == []
    assert placed_count(consultation) == 20
