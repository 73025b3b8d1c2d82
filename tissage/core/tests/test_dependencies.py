"""Apps depend one way (import-linter's contract in pyproject.toml).

A layer may import the layers below it, never those above; actions and inventories never
import each other; core imports no app. A new app must be given its place in the layers.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.apps import apps
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def _layers() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    return [name.strip() for layer in contract["layers"] for name in layer.split("|")]


def test_every_app_has_its_place_in_the_layers():
    ours = [config.name for config in apps.get_app_configs() if config.name.startswith("tissage.")]
    assert sorted(_layers()) == sorted(ours)
    assert _layers()[-1] == "tissage.core"


def test_imports_keep_the_contract():
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0
