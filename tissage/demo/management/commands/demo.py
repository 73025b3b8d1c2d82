"""`tissage demo`: set everything up on SQLite with demo data, then serve it."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tissage.cli import DEMO_SITE_URL_FILE
from tissage.core.management.commands.assets import assets_missing
from tissage.demo.data import DEMO_PEOPLE, demo_load


class Command(BaseCommand):
    help = (
        "Try Tissage: set up SQLite with demo data, then serve it with its worker. The "
        "database is created or upgraded in TISSAGE_DATA_DIR (./var), the demo data loaded "
        "and the demo accounts printed; emails are printed in the terminal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up, then stop")

    def handle(self, *args: Any, port: int, no_serve: bool, **options: Any) -> None:
        self.stdout.write("Préparation de la base de données…")
        call_command("migrate", interactive=False, verbosity=0)
        if assets_missing():
            self.stdout.write("Installation des fichiers du navigateur (npm ci)…")
            call_command("assets")
        call_command("collectstatic", interactive=False, verbosity=0)
        if not settings.SITE_URL:
            # Links in the emails the demo prints (and queues while loading) lead back to it.
            settings.SITE_URL = f"http://127.0.0.1:{port}"
        # Commands run later on this data folder link to this demo too (tissage/cli.py).
        (settings.DATA_DIR / DEMO_SITE_URL_FILE).write_text(settings.SITE_URL)
        self.stdout.write("Chargement des données de démonstration…")
        demo_load(stdout=self.stdout)
        self._print_accounts(port)
        if no_serve:
            return
        self._serve(port)

    def _print_accounts(self, port: int) -> None:
        lines = [
            "",
            "Comptes de démonstration (demo accounts):",
            *(f"  {p.email:<46} {p.description}" for p in DEMO_PEOPLE),
            "",
            "Pour vous connecter : ouvrez /compte/connexion/, saisissez une de ces adresses ;",
            "le code de connexion s'affiche dans ce terminal (les emails y sont imprimés).",
            "To sign in, enter one of these addresses; the code is printed in this terminal.",
            "",
        ]
        if not str(settings.MAILERS["default"]["BACKEND"]).endswith("mail_console.EmailBackend"):
            lines[-4:-1] = [
                "Pour vous connecter : ouvrez /compte/connexion/ et saisissez une de ces "
                "adresses ; le code part par EMAIL_URL.",
                "To sign in, enter one of these addresses; the code is sent through EMAIL_URL.",
            ]
        self.stdout.write("\n".join(lines))
        self.stdout.write(
            self.style.SUCCESS(f"Tissage : http://127.0.0.1:{port}/  (Ctrl-C pour arrêter)")
        )

    def _serve(self, port: int) -> None:
        command = [sys.executable, "-m", "tissage.cli"]
        env = dict(os.environ)
        env.setdefault("TISSAGE_SITE_URL", settings.SITE_URL)
        processes = [
            subprocess.Popen(  # noqa: S603
                [*command, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env=env
            ),
            subprocess.Popen(  # noqa: S603
                [*command, "worker", "--queue-name", "*", "--no-reload", "--verbosity", "0"],
                env=env,
            ),
        ]
        stopping: list[int] = []

        def stop(signum: int, _frame: object) -> None:
            stopping.append(signum)

        # Ctrl-C (SIGINT) in the terminal, or SIGTERM from a service manager.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.3)
            self.stdout.write("\nArrêt… (stopping)")
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        if not stopping:
            # A child died on its own: say so and fail.
            self.stderr.write("Le serveur ou le worker s'est arrêté de façon inattendue.")
            sys.exit(1)
