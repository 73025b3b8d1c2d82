"""The command `tissage import-inventory`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tissage.inventories.models import Contribution, InventoryImport
from tissage.inventories.tests.opendata.imports.helpers import CSV_LINES, csv_bytes

pytestmark = pytest.mark.django_db


# The command -----------------------------------------------------------------------------


def test_command_dry_run_reports_and_writes_nothing(campaign, tmp_path):
    path = tmp_path / "patrimoine.csv"
    path.write_bytes(csv_bytes(CSV_LINES[:2] + CSV_LINES[3:4]))
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_inventory", campaign.slug, str(path), "--dry-run", stdout=out)
    assert "2 rows: 2 to import, 0 already imported, 0 with errors; 0 imported." in out.getvalue()
    assert "Catégorie → category" in out.getvalue()
    assert not Contribution.objects.exists()
    assert not InventoryImport.objects.exists()


def test_command_imports_and_fails_on_rows_it_cannot_import(campaign, tmp_path):
    path = tmp_path / "patrimoine.csv"
    path.write_bytes(csv_bytes(CSV_LINES))
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command(
            "import_inventory", campaign.slug, str(path), "--status", "submitted", stdout=out
        )
    assert failure.value.returncode == 1
    assert "4 rows could not be imported" in str(failure.value)
    assert "3: Croix sans lieu — no coordinates" in out.getvalue()
    assert Contribution.objects.filter(status=Contribution.Status.SUBMITTED).count() == 3
    assert InventoryImport.objects.get().status == InventoryImport.Status.IMPORTED


def test_command_refuses_a_bad_file_or_campaign(campaign, tmp_path):
    path = tmp_path / "vide.geojson"
    path.write_bytes(b"")
    with translation.override("en"):
        with pytest.raises(CommandError, match="empty"):
            call_command("import_inventory", campaign.slug, str(path))
        with pytest.raises(CommandError, match="No campaign"):
            call_command("import_inventory", "nulle-part", str(path))
