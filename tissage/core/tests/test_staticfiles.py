"""The static files' storage (core/staticfiles.py): our scripts minified as they are
collected, then hashed and precompressed; the libraries left as their authors made them."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management import call_command

from tissage.core.staticfiles import OURS, is_ours, minify_js


def test_our_scripts_are_collected_minified_and_the_libraries_as_they_are(tmp_path: Path, settings):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "tissage.core.staticfiles.StaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    paths = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())["paths"]

    source = Path(finders.find("inventories/map.js")).read_text()
    served = (settings.STATIC_ROOT / paths["inventories/map.js"]).read_text()
    assert served == minify_js(source)
    # Comments gone, names kept: the script is the same program, much smaller.
    assert "/* The public map" in source and "/* The public map" not in served
    assert "function askTogether(" in served
    assert len(served) < 0.65 * len(source)
    for suffix in (".br", ".gz"):
        assert (settings.STATIC_ROOT / (paths["inventories/map.js"] + suffix)).exists()

    leaflet = "vendor/leaflet/leaflet.js"
    assert not is_ours(leaflet)
    # As written, but for the address of its source map, which gets its hashed name.
    library = Path(finders.find(leaflet)).read_text().split("//# sourceMappingURL=")[0]
    written = (settings.STATIC_ROOT / paths[leaflet]).read_text()
    assert written.split("//# sourceMappingURL=")[0] == library
    # Every script of our apps was minified; styles are left as they are.
    ours = [name for name in paths if is_ours(name)]
    assert {name.split("/")[0] for name in ours} >= {"core", "inventories", "actions"}
    for name in ours:
        written = (settings.STATIC_ROOT / paths[name]).read_text()
        assert written == minify_js(Path(finders.find(name)).read_text()), name
    assert not is_ours("css/tissage.css") and not is_ours("core/share.css")


def test_ours_are_the_folders_of_tissage_s_apps():
    assert {"core", "inventories", "consultations"} <= OURS
    assert "vendor" not in OURS and "admin" not in OURS and "ninja" not in OURS
    assert is_ours("core/filters-fold.js") and not is_ours("admin/js/core.js")
