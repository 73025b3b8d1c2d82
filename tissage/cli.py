"""The `tissage` command: Django's management commands with Tissage's settings.

`tissage import-communes` is `manage.py import_communes`: dashes and underscores are
equivalent. `tissage`, `tissage help` and `tissage --help` list Tissage's own commands.

Three promises to a newcomer (docs/decisions.md, "The command line"):
- asking for help needs no configuration and writes nothing;
- after `tissage demo`, the other commands run on the demo's data folder take its key;
- a configuration error is one line on stderr, in French and English, never a traceback.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path
from typing import NoReturn

from django.core.exceptions import ImproperlyConfigured
from django.core.management import ManagementUtility
from django.core.management.base import BaseCommand
from django.db import DatabaseError

# Commands that sign nothing and serve nobody: they may run without SECRET_KEY.
DEVELOPER_COMMANDS = {
    "assets",
    "makemigrations",
    "makemessages",
    "compilemessages",
    "reply_corpus",
    "media_move",
}
# Long-running services of an installation: never on the demo's key (the demo starts its
# own, with the key in their environment).
SERVICES = {"serve", "worker"}
# Commands that bring the database up to date themselves.
MIGRATING = {"migrate", "demo"}
HELP_OPTIONS = {"-h", "--help"}
# The demo's files in the data folder, next to its SQLite database.
DEMO_KEY_FILE = "demo-secret-key"
DEMO_SITE_URL_FILE = "demo-site-url"
# What the demo runs with unless the environment says otherwise: plain HTTP on
# 127.0.0.1, emails printed in the terminal instead of sent.
DEMO_DEFAULTS = {
    "TISSAGE_HTTPS": "0",
    "TISSAGE_BEHIND_PROXY": "0",
    "EMAIL_URL": "console:",
    "DEBUG": "0",
    # The demo's terminal stays readable; production writes one JSON object per line.
    "TISSAGE_LOG_FORMAT": "plain",
}
# sysexits.h: a mail server keeps the mail and tries again on both (see `mail-in`).
EX_TEMPFAIL = 75
EX_CONFIG = 78


def data_dir() -> Path:
    """TISSAGE_DATA_DIR, read as settings.py reads it."""
    return Path(os.environ.get("TISSAGE_DATA_DIR", "var")).resolve()


def demo_key(folder: Path) -> str:
    """The demo's secret key in this data folder, made on first use."""
    key_file = folder / DEMO_KEY_FILE
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _prepare_demo_environment() -> None:
    """The demo runs like production over plain HTTP on 127.0.0.1, with a stable key."""
    os.environ.setdefault("TISSAGE_DATA_DIR", "var")
    if not os.environ.get("SECRET_KEY"):
        try:
            os.environ["SECRET_KEY"] = demo_key(data_dir())
        except OSError as error:
            _fail(
                f"Erreur de configuration : la clé de la démo ne peut pas être écrite "
                f"({error.filename} : {error.strerror}) : donnez à TISSAGE_DATA_DIR un dossier "
                f"où écrire. / Configuration error: the demo's key cannot be written "
                f"({error.filename}: {error.strerror}): set TISSAGE_DATA_DIR to a folder that "
                "can be written."
            )
    for name, value in DEMO_DEFAULTS.items():
        os.environ.setdefault(name, value)


def _take_demo_environment(command: str) -> None:
    """A command run on the demo's data folder takes the demo's key and settings.

    Only when nothing says this is an installation of its own: no SECRET_KEY, no
    DATABASE_URL (the key belongs to the demo's SQLite database), not a service.
    """
    folder = data_dir()
    key_file = folder / DEMO_KEY_FILE
    if os.environ.get("DATABASE_URL") or command in SERVICES or not key_file.is_file():
        return  # settings.py then asks for SECRET_KEY
    try:
        key = key_file.read_text().strip()
        site_url_file = folder / DEMO_SITE_URL_FILE
        site_url = site_url_file.read_text().strip() if site_url_file.is_file() else ""
    except OSError as error:
        _fail(
            f"Erreur de configuration : la clé de la démo ne peut pas être lue ({key_file} : "
            f"{error.strerror}) : définissez SECRET_KEY. / Configuration error: the demo's "
            f"key cannot be read ({key_file}: {error.strerror}): set SECRET_KEY."
        )
    if not key:
        return
    os.environ["SECRET_KEY"] = key
    for name, value in DEMO_DEFAULTS.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("TISSAGE_SITE_URL", site_url or "http://127.0.0.1:8000")
    # Said every time: an installation that forgot SECRET_KEY must not run on it unseen.
    shown = os.environ.get("TISSAGE_DATA_DIR", "var")
    print(
        f"Démo : SECRET_KEY n'est pas défini, la clé et les réglages de la démo "
        f"({shown}/{DEMO_KEY_FILE}) sont pris. / Demo: SECRET_KEY is not set, so the demo's "
        f"key and settings ({shown}/{DEMO_KEY_FILE}) are used.",
        file=sys.stderr,
    )


def _prepare_environment(command: str) -> None:
    if command == "demo":
        _prepare_demo_environment()
    elif os.environ.get("SECRET_KEY"):
        return
    elif command in DEVELOPER_COMMANDS:
        # These read no secret; a throwaway key lets them run on a fresh checkout.
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    else:
        _take_demo_environment(command)


def _asks_for_help(args: list[str]) -> bool:
    """`tissage`, `tissage help …`, `tissage --help`, `tissage <command> --help`."""
    if not args or args[0] in {"help", "--version", *HELP_OPTIONS}:
        return True
    options = args[1 : args.index("--")] if "--" in args else args[1:]
    return not HELP_OPTIONS.isdisjoint(options)


def _configure_for_help() -> None:
    # Help reads no secret, sends no mail and opens no database: a throwaway configuration
    # lets every app load on a fresh checkout, whatever is (not yet) set, and writes nothing.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ["EMAIL_URL"] = "memory:"


def summary(help_text: str) -> str:
    """A command's one-line description: the first sentence of its help."""
    text = " ".join(str(help_text).split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def tissage_commands() -> dict[str, str]:
    """Tissage's own commands (tissage/*/management/commands/), dashed, with their summary."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    return {
        name.replace("_", "-"): summary(load_command_class(app, name).help)
        for name, app in sorted(get_commands().items())
        if app.startswith("tissage.")
    }


def tissage_help() -> str:
    commands = tissage_commands()
    width = max(map(len, commands)) + 2
    return "\n".join(
        [
            "Utilisation (usage) : tissage <commande> [options]",
            "",
            "Commandes de Tissage (Tissage's commands):",
            *(f"  {name:<{width}}{description}" for name, description in commands.items()),
            "",
            "Les options d'une commande (a command's options) :  tissage <commande> --help",
            "Aussi les commandes de Django : migrate, createsuperuser, shell… "
            "(Django's commands too) :  tissage help --all",
        ]
    )


class Utility(ManagementUtility):
    """Django's command line, where a command's dashes are underscores."""

    def fetch_command(self, subcommand: str) -> BaseCommand:
        return super().fetch_command(subcommand.replace("-", "_"))


def _run(argv: list[str]) -> None:
    args = argv[1:]
    if _asks_for_help(args):
        _configure_for_help()
        if args in ([], ["help"], ["-h"], ["--help"]):
            print(tissage_help())
            return
    else:
        _prepare_environment(args[0].replace("-", "_"))
        from django.conf import settings

        # Read the settings here: Django would put their error aside and go on.
        settings.INSTALLED_APPS  # noqa: B018
        _require_site_url(args[0].replace("-", "_"))
    Utility(argv).execute()


def _require_site_url(command: str) -> None:
    """What sends email starts only with the platform's address for its links: one line
    now, rather than emails with broken links later (`core.checks`, also run by `check`)."""
    from tissage.core.checks import EMAILING_COMMANDS, site_url_problem
    from tissage.settings import ConfigurationError

    problem = site_url_problem() if command in EMAILING_COMMANDS else None
    if problem is not None:
        raise ConfigurationError(*problem)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "tissage"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")
    try:
        _run(argv)
    except ImproperlyConfigured as error:
        if "--traceback" in argv:
            raise
        if getattr(error, "bilingual", False):
            _fail(str(error))
        _fail(f"Erreur de configuration / configuration error: {' '.join(str(error).split())}")
    except DatabaseError:
        command = argv[1].replace("-", "_") if len(argv) > 1 else ""
        problem = None if "--traceback" in argv else _database_problem(command)
        if problem is None:
            raise
        _fail(*problem)


def _database_problem(command: str) -> tuple[str, int] | None:
    """Why the database failed the command, when it is not the code's fault."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    # A connection of its own: the command's may be in any state.
    connection = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        try:
            connection.ensure_connection()
        except Exception as error:  # whatever stops connecting is the answer
            db = connection.settings_dict
            where = (
                db["NAME"]
                if connection.vendor == "sqlite"
                else f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or ''}/{db['NAME']}"
            )
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            return (
                "Base de données injoignable : vérifiez DATABASE_URL et que son serveur tourne. "
                "/ Database unreachable: check DATABASE_URL and that its server is running. "
                f"({where}: {reason})",
                EX_TEMPFAIL,
            )
        if command in MIGRATING:
            return None  # a migration failed: its own error says which and why
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return (
                "Base de données pas à jour : lancez « tissage migrate » (ou « tissage demo » "
                'pour la démo). / Database not up to date: run "tissage migrate" (or '
                '"tissage demo" for the demo).',
                EX_CONFIG,
            )
    except Exception:  # the command's own error says more than this one
        return None
    finally:
        connection.close()
    return None


def _fail(line: str, code: int = EX_CONFIG) -> NoReturn:
    """One line on stderr, then exit: what is wrong and what to set, in French and English."""
    print(line, file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()
