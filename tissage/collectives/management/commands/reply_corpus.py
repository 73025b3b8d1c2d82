"""`tissage reply-corpus`: how well replies are extracted on the corpus of real emails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tissage.collectives.lists.mail.replycorpus import CORPUS_DIR, corpus_run


class Command(BaseCommand):
    help = (
        "Measure reply extraction (quotes, signatures) on the corpus of real emails. "
        "Prints the share of cases whose extracted text matches the expected one, and every "
        "case that differs or deletes text the sender wrote. Needs no database."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--corpus",
            type=Path,
            default=CORPUS_DIR,
            help="folder holding manifest.toml and cases/ (default: the corpus of the tests)",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="print the figures only, not the differences"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = corpus_run(options["corpus"])
        if not options["quiet"]:
            for case in result.cases:
                if case.matches:
                    continue
                self.stdout.write(f"--- {case.file} ({case.source})")
                self.stdout.write("expected:\n" + case.expected)
                self.stdout.write("extracted:\n" + case.extracted)
                if case.missing:
                    self.stdout.write("DELETED: " + " | ".join(case.missing))
        total = len(result.cases)
        french = [case for case in result.cases if case.language == "fr"]
        self.stdout.write(
            f"{result.matched}/{total} cases match their expected text "
            f"({result.rate:.1%}); French: {sum(c.matches for c in french)}/{len(french)}; "
            f"cases deleting real text: {len(result.deleting)}."
        )
