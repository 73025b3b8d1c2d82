"""The registry's `followables`: every app's kinds of thing to follow, each once."""

from __future__ import annotations

import pytest
from django.apps import apps

from tissage.core import registry
from tissage.projects.lookups import followable_project
from tissage.territories.lookups import followable_commune


def test_the_followable_kinds_come_from_their_apps():
    kinds = registry.followables()
    assert set(kinds) == {"project", "campaign", "collective", "commune", "consultation"}
    assert kinds["project"] is followable_project
    assert kinds["commune"] is followable_commune


def test_two_apps_may_not_declare_the_same_kind(monkeypatch):
    config = apps.get_app_config("organisations")
    monkeypatch.setattr(
        config, "followables", {"project": "tissage.projects.lookups.followable_project"}
    )
    with pytest.raises(ValueError, match="project"):
        registry.followables()
