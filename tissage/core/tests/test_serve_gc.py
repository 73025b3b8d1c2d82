"""Each `tissage serve` worker sets what it loaded apart from the garbage collector once
the application is loaded (`gc.freeze`), so that a full collection walks only what
requests made (issue #20: 70–120 ms pauses on pages that make many objects)."""

from __future__ import annotations

import gc
import subprocess
import sys

from tissage.core.web_workers import after_loading

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
