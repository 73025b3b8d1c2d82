"""Each `tissage serve` worker, once the application is loaded, readies itself for its
first request (the address tables, the templates compiled: issue #20, 150–200 ms on a
worker's first page) then sets what it loaded apart from the garbage collector
(`gc.freeze`), so that a full collection walks only what requests made (issue #20: 70–120
ms pauses on pages that make many objects)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest
from django.template import engines
from django.urls import URLResolver, clear_url_caches, reverse
from django.utils import translation

from tissage.core.web_workers import after_loading, warm_up

from .servers import server_env

# In a process of its own: the serve command's module sets the metrics' folder for the
# process that imports it.
WIRING = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")
django.setup()
from django.core.management import call_command
from tissage.core.management.commands import serve
from tissage.core.web_workers import after_loading
given = {}
class Gunicorn:
    def __init__(self, options):
        given.update(options)
    def run(self):
        pass
serve._Gunicorn = Gunicorn
call_command("serve", "--workers", "2")
print(given["post_worker_init"] is after_loading, given["workers"])
"""


def test_a_worker_freezes_what_it_loaded():
    gc.unfreeze()
    gc.collect()
    before = gc.get_freeze_count()
    loaded = [[] for _ in range(1000)]  # what a worker keeps for its life (tracked)
    try:
        after_loading()
        assert gc.get_freeze_count() >= before + len(loaded)
    finally:
        gc.unfreeze()


def test_serve_gives_gunicorn_the_hook(tmp_path):
    answer = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WIRING],
        env=server_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'checks.sqlite3'}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.split() == ["True", "2"]


@pytest.mark.django_db
def test_a_worker_compiles_the_templates_before_its_first_request(client):
    kept = engines["django"].engine.template_loaders[0].get_template_cache
    kept.clear()
    warm_up()
    assert "inventories/map/map.html" in kept
    assert "emails/actions/registration/promoted.txt" in kept
    before = set(kept)
    assert client.get("/").status_code == 200
    assert client.get("/actions/").status_code == 200
    assert set(kept) == before  # nothing left to compile


def test_a_worker_builds_its_address_tables_in_every_language(monkeypatch):
    clear_url_caches()
    warm_up()
    built = []
    populate = URLResolver._populate
    monkeypatch.setattr(
        URLResolver, "_populate", lambda resolver: built.append(resolver) or populate(resolver)
    )
    for code in ("fr", "en"):
        with translation.override(code):
            reverse("inventories:map", kwargs={"slug": "lavoirs"})
            reverse("actions:agenda")
    assert built == []
