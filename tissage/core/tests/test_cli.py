"""The `tissage` command as a newcomer meets it.

Each test runs the real entry point in a subprocess, with a clean environment (nothing
configured) and a working directory of its own: a fresh checkout has no var/ folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tissage.cli import DEMO_SITE_URL_FILE, demo_key, summary

TISSAGE = Path(sys.executable).with_name("tissage")
PACKAGE = Path(__file__).resolve().parents[2]
COMMANDS = sorted(
    path.stem.replace("_", "-") for path in PACKAGE.glob("*/management/commands/[!_]*.py")
)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    folder = tmp_path / "checkout"
    folder.mkdir()
    return folder


def run(checkout: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    home = checkout.parent / "home"
    home.mkdir(exist_ok=True)
    clean = {
        "PATH": f"{TISSAGE.parent}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(  # noqa: S603
        [str(TISSAGE), *args],
        cwd=checkout,
        env=clean | env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_tissage_commands_are_found():
    assert {"demo", "serve", "worker", "mail-in", "import-communes"} <= set(COMMANDS)


def test_readme_lists_every_command():
    readme = (PACKAGE.parent / "README.md").read_text()
    section = readme.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]

    missing = [command for command in COMMANDS if f"| `tissage {command}" not in section]

    assert missing == []


def test_help_lists_tissage_commands_first_then_how_to_see_djangos(checkout):
    result = run(checkout, "--help")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    listed = [line.split(maxsplit=1) for line in lines if line.startswith("  ")]
    assert [name for name, _description in listed] == COMMANDS
    assert all(description.strip() for _name, description in listed)
    assert "migrate" not in {name for name, _description in listed}
    last_command = max(i for i, line in enumerate(lines) if line.startswith("  "))
    assert "tissage help --all" in "\n".join(lines[last_command:])
    assert "tissage <commande> --help" in result.stdout
    assert list(checkout.iterdir()) == []  # no var/, no database


# One process asks for every help in turn, through the command line's own main().
EVERY_HELP = """
import contextlib, io, json, sys
from tissage.cli import main

answers = []
for args in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["tissage", *args])
            code = 0
        except SystemExit as exit:
            code = exit.code or 0
    answers.append([args, code, out.getvalue(), err.getvalue()])
print(json.dumps(answers))
"""


def test_every_help_works_without_configuration_and_writes_nothing(checkout):
    asked = [
        [],
        ["help"],
        ["-h"],
        *([command, "--help"] for command in COMMANDS),
        ["help", "mail-in"],
        ["mail_in", "-h"],
        ["migrate", "--help"],
        ["shell", "--help"],
        ["help", "--all"],
    ]

    result = subprocess.run(  # noqa: S603
        [str(TISSAGE.with_name("python")), "-c", EVERY_HELP, json.dumps(asked)],
        cwd=checkout,
        env={"PATH": "/usr/bin:/bin", "HOME": str(checkout.parent), "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    answers = {
        " ".join(args): (code, out, err) for args, code, out, err in json.loads(result.stdout)
    }
    assert all(code == 0 and err == "" for code, _out, err in answers.values()), answers
    listing = answers[""][1]
    assert answers["help"][1] == answers["-h"][1] == listing
    for command in COMMANDS:
        assert command in listing
        help_text = answers[f"{command} --help"][1]
        assert help_text.startswith(f"usage: tissage {command} "), help_text
    assert answers["help mail-in"][1] == answers["mail-in --help"][1]
    assert answers["mail_in -h"][1].startswith("usage: tissage mail_in ")
    assert answers["migrate --help"][1].startswith("usage: tissage migrate ")
    every_command = answers["help --all"][1]
    assert "createsuperuser" in every_command and "send_digests" in every_command
    assert list(checkout.iterdir()) == []


def test_summary_is_the_first_sentence():
    assert summary("Post one email. Exits with 75\n  when it cannot.") == "Post one email."
    assert summary("No full stop") == "No full stop"


@pytest.mark.parametrize(
    ("args", "env", "says", "code"),
    [
        # The example: a fresh checkout, nothing set.
        (["mail-in"], {}, ["SECRET_KEY n'est pas défini", "SECRET_KEY is not set"], 78),
        (
            ["check"],
            {"SECRET_KEY": "x", "DATABASE_URL": "postgress://u:hunter2@db/tissage"},
            ["DATABASE_URL n'est pas compris", "DATABASE_URL is not understood"],
            78,
        ),
        (
            ["check"],
            {"SECRET_KEY": "x", "EMAIL_URL": "smtp://u:hunter2@mail:99999"},
            ["EMAIL_URL n'est pas compris", "EMAIL_URL is not understood"],
            78,
        ),
        (
            ["check"],
            {"SECRET_KEY": "x", "TISSAGE_EMAIL_MAX_ATTEMPTS": "six"},
            ["doit être un nombre entier", "must be a whole number"],
            78,
        ),
        (
            ["check"],
            {"SECRET_KEY": "x", "TISSAGE_WORKER_HEARTBEAT_SECONDS": "-1"},
            ["durée en secondes plus grande que zéro", "duration in seconds greater than zero"],
            78,
        ),
        (
            ["check"],
            {"SECRET_KEY": "x", "TISSAGE_WORKER_DEAD_AFTER_SECONDS": "20"},
            ["au moins trois fois", "at least three times"],
            78,
        ),
        # Nothing listens on port 1 of the loopback: refused at once, no network.
        (
            ["send-digests"],
            {
                "SECRET_KEY": "x",
                "DATABASE_URL": "postgres://u:hunter2@127.0.0.1:1/tissage",
                "TISSAGE_SITE_URL": "https://tissage.example.org",
            },
            ["Base de données injoignable", "Database unreachable", "DATABASE_URL"],
            75,
        ),
        (
            ["send-digests"],
            {"SECRET_KEY": "x", "TISSAGE_SITE_URL": "http://127.0.0.1:8000"},
            ["lancez « tissage migrate »", 'run "tissage migrate"'],
            78,
        ),
        # Private files where the web server would hand them to anyone.
        (
            ["check"],
            {"SECRET_KEY": "x", "TISSAGE_PRIVATE_MEDIA_ROOT": "var/media/private"},
            ["est dans MEDIA_ROOT", "is inside MEDIA_ROOT"],
            78,
        ),
        (
            ["check"],
            {"SECRET_KEY": "x", "TISSAGE_PRIVATE_MEDIA_SERVER": "caddy"},
            ["doit valoir app, nginx, apache ou signed", "must be app, nginx, apache or signed"],
            78,
        ),
        # Issue #17: the shared cache, the metrics' networks, the logs' format.
        (
            ["check"],
            {"SECRET_KEY": "x", "REDIS_URL": "http://u:hunter2@127.0.0.1:6379/0"},
            ["REDIS_URL doit commencer par redis://", "REDIS_URL must start with redis://"],
            78,
        ),
        (
            ["check"],
            {"SECRET_KEY": "x", "TISSAGE_METRICS_ALLOW": "10.0.0.0/8,le-bureau"},
            ["« le-bureau », qui n'est pas un réseau", '"le-bureau", which is not a network'],
            78,
        ),
        (
            ["check"],
            {"SECRET_KEY": "x", "TISSAGE_LOG_FORMAT": "xml"},
            ["TISSAGE_LOG_FORMAT doit valoir json ou plain", "must be json or plain"],
            78,
        ),
        # Issue #12, item 3: what sends email starts only with the links' address.
        (
            ["mail-in"],
            {"SECRET_KEY": "x"},
            ["TISSAGE_SITE_URL n'est pas défini", "TISSAGE_SITE_URL is not set"],
            78,
        ),
        (
            ["worker"],
            {"SECRET_KEY": "x", "TISSAGE_SITE_URL": "tissage.example.org"},
            ["TISSAGE_SITE_URL doit être l'adresse du site", "must be the site's address"],
            78,
        ),
    ],
    ids=[
        "no-secret-key",
        "database-url",
        "email-url",
        "number",
        "seconds",
        "worker-dead-after",
        "unreachable",
        "not-migrated",
        "private-in-media",
        "private-server",
        "redis-url",
        "metrics-allow",
        "log-format",
        "no-site-url",
        "site-url-malformed",
    ],
)
def test_configuration_error_is_one_line_in_french_and_english(checkout, args, env, says, code):
    result = run(checkout, *args, **env)

    assert result.returncode == code
    assert len(result.stderr.splitlines()) == 1, result.stderr
    line = result.stderr.strip()
    assert all(words in line for words in says), line
    assert " / " in line
    assert "hunter2" not in line


SHOW_SETTINGS = (
    "import json; from django.conf import settings; print(json.dumps([settings.SECRET_KEY, "
    "settings.MAILERS['default']['BACKEND'], settings.HTTPS, settings.SITE_URL]))"
)


def test_commands_after_the_demo_find_its_key(checkout):
    key = demo_key(checkout / "var")  # as `tissage demo` makes it
    (checkout / "var" / DEMO_SITE_URL_FILE).write_text("http://127.0.0.1:8001")

    result = run(checkout, "shell", "-c", SHOW_SETTINGS)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [
        key,
        "tissage.core.mail_console.EmailBackend",
        False,
        "http://127.0.0.1:8001",
    ]
    # Said, so that an installation that forgot SECRET_KEY sees it.
    assert "var/demo-secret-key" in result.stderr and "SECRET_KEY" in result.stderr


def test_an_installation_with_its_secret_key_ignores_the_demo(checkout):
    demo_key(checkout / "var")

    result = run(checkout, "shell", "-c", SHOW_SETTINGS, SECRET_KEY="production-key")

    assert result.returncode == 0, result.stderr
    secret_key, backend, https, _site_url = json.loads(result.stdout.splitlines()[-1])
    assert (secret_key, https) == ("production-key", True)
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert "demo" not in result.stderr.lower()


@pytest.mark.parametrize(
    ("args", "env"),
    [
        # Services of an installation never start on the demo's key.
        (["serve", "--bind", "127.0.0.1:1"], {}),
        (["worker"], {}),
        # The demo's key goes with the demo's SQLite database, not with another one.
        (["check"], {"DATABASE_URL": "sqlite:///other.sqlite3"}),
    ],
    ids=["serve", "worker", "other-database"],
)
def test_the_demo_key_is_not_taken_outside_the_demo(checkout, args, env):
    demo_key(checkout / "var")

    result = run(checkout, *args, **env)

    assert result.returncode == 78
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert "SECRET_KEY is not set" in result.stderr
