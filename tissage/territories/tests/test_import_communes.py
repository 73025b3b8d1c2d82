"""The `import_communes` management command and the services behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tissage.territories.models import Commune

pytestmark = pytest.mark.django_db

GARD = Path(__file__).resolve().parents[2] / "demo" / "data" / "communes-30-gard.geojson"
GARD_COMMUNES = 353


def square(lon: float = 4.0, lat: float = 44.0, size: float = 0.01) -> dict[str, object]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code: str = "30999", name: str = "Essai", geometry=None) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": {"code": code, "nom": name},
        "geometry": square() if geometry is None else geometry,
    }


def write(tmp_path: Path, content: object, name: str = "communes.geojson") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def collection(*features: object) -> dict[str, object]:
    return {"type": "FeatureCollection", "features": list(features)}


def test_import_gard():
    call_command("import_communes", GARD)

    assert Commune.objects.count() == GARD_COMMUNES
    nimes = Commune.objects.get(insee_code="30189")
    assert nimes.name == "Nîmes"
    assert nimes.search_name == "nimes"  # found by name on its index
    assert nimes.department == "30"
    assert nimes.min_lon < 4.36 < nimes.max_lon
    assert nimes.min_lat < 43.84 < nimes.max_lat


def test_reimport_updates_instead_of_duplicating(tmp_path):
    call_command("import_communes", GARD)
    data = json.loads(GARD.read_text("utf-8"))
    for item in data["features"]:
        if item["properties"]["code"] == "30189":
            item["properties"]["nom"] = "Nîmes (renamed)"
    changed = write(tmp_path, data)

    call_command("import_communes", changed)

    assert Commune.objects.count() == GARD_COMMUNES
    assert Commune.objects.get(insee_code="30189").name == "Nîmes (renamed)"
    assert Commune.objects.get(insee_code="30189").search_name == "nimes (renamed)"
    assert Commune.objects.filter(name="Nîmes").count() == 0


def test_department_option_is_recorded(tmp_path):
    path = write(tmp_path, collection(feature("30999")))

    call_command("import_communes", path, department="2A")

    assert Commune.objects.get(insee_code="30999").department == "2A"


def test_overseas_department_has_three_digits(tmp_path):
    path = write(tmp_path, collection(feature("97411", "Saint-Denis", square(55.4, -20.9))))

    call_command("import_communes", path)

    assert Commune.objects.get(insee_code="97411").department == "974"


BAD_FILES = {
    "not json": "this is { not json",
    "json but not a collection": {"type": "Feature", "properties": {}, "geometry": square()},
    "json list": [1, 2, 3],
    "empty collection": collection(),
    "feature without code": collection(
        {"type": "Feature", "properties": {"nom": "Sans code"}, "geometry": square()}
    ),
    "feature with a malformed code": collection(feature(code="ABCDE")),
    "feature without name": collection(
        {"type": "Feature", "properties": {"code": "30999"}, "geometry": square()}
    ),
    "not a feature": collection({"type": "Point", "coordinates": [4, 44]}),
    "point geometry": collection(feature(geometry={"type": "Point", "coordinates": [4.0, 44.0]})),
    "line geometry": collection(
        feature(geometry={"type": "LineString", "coordinates": [[4.0, 44.0], [4.1, 44.1]]})
    ),
    "no geometry": collection(feature(geometry={})),
    "coordinates that are not numbers": collection(
        feature(geometry={"type": "Polygon", "coordinates": [[["a", "b"], ["c", "d"]]]})
    ),
    "coordinates in metres (Lambert-93)": collection(
        feature(geometry=square(810_000.0, 6_300_000.0, 1000.0))
    ),
    "latitude beyond the pole": collection(feature(geometry=square(4.0, 95.0))),
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_invalid_file_is_refused_and_writes_nothing(tmp_path, content):
    path = write(tmp_path, content)

    with pytest.raises(CommandError):
        call_command("import_communes", path)

    assert Commune.objects.count() == 0


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_communes", tmp_path / "nowhere.geojson")


def test_file_not_in_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.geojson"
    path.write_bytes(
        json.dumps(collection(feature(name="Nîmes")), ensure_ascii=False).encode("latin-1")
    )

    with pytest.raises(CommandError):
        call_command("import_communes", path)

    assert Commune.objects.count() == 0


def test_bad_department_option_is_refused(tmp_path):
    path = write(tmp_path, collection(feature()))

    with pytest.raises(CommandError):
        call_command("import_communes", path, department="Gard")

    assert Commune.objects.count() == 0


def test_bad_last_feature_leaves_the_database_unchanged(tmp_path):
    call_command("import_communes", GARD)
    data = json.loads(GARD.read_text("utf-8"))
    for item in data["features"]:
        item["properties"]["nom"] += " (changed)"
    data["features"].append(
        feature(code="30999", geometry={"type": "Point", "coordinates": [4, 44]})
    )
    path = write(tmp_path, data)

    with pytest.raises(CommandError):
        call_command("import_communes", path)

    assert Commune.objects.count() == GARD_COMMUNES
    assert Commune.objects.get(insee_code="30189").name == "Nîmes"
    assert not Commune.objects.filter(name__endswith="(changed)").exists()
    assert not Commune.objects.filter(insee_code="30999").exists()
