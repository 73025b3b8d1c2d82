"""Files and readers shared by the import tests."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from tissage.inventories.models import InventoryImport

TOULOUSE = Path(__file__).parents[2] / "data" / "inventaire-toulouse-merimee.geojson"


def upload(client, campaign, content: bytes, name: str):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(f"/inventaires/{campaign.slug}/importer/", {"file": file})


def review_url(imp: InventoryImport) -> str:
    return f"/inventaires/{imp.campaign.slug}/importer/{imp.pk}/"


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def mapping_form(imp: InventoryImport) -> dict[str, str]:
    """The mapping form's column fields as the last check left them, in the file's order."""
    columns = [column["name"] for column in imp.report["columns"]]
    return {f"column_{i}": imp.mapping[name] for i, name in enumerate(columns)}


def problems_by_row(report) -> dict[int, list[str]]:
    return {row["row"]: [code for code, _params in row["problems"]] for row in report["rows"]}


# Mapping and dry run ---------------------------------------------------------------------

CSV_LINES = [
    "Nom;Catégorie;Longitude;Latitude;Siècle;Code INSEE;Commune;Référence",
    "Lavoir du Pont;LAVOIR;4,365;43,845;XIXe siècle;30189;Nîmes;A1",
    "Croix sans lieu;croix;;;;;;A2",
    "Puits de la place;Puits;4.366;43.846;;;;A3",
    "Truc;inconnu;4.367;43.847;;;;A4",
    "Lavoir lointain;lavoir;2.0;48.0;;;;A5",
    "Doublon;lavoir;4.365;43.845;;;;A1",
    ";lavoir;4.365;43.845;;;;A7",
]


# Bad files -------------------------------------------------------------------------------

FEATURE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [4.36, 43.84]}}
