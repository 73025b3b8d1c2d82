"""The reply corpus: emails from the public test fixtures of reply parsers and French
mail clients, each with the text its reply should come to (`tests/lists/mail/corpus/`).

`corpus_run` extracts every case as incoming mail is read (`reading.content_read` for a
whole email, `replyparse` for a body) and compares it with its expected text, both
normalised by `normalise`. A case *deletes real text* when a line of its expected text is
missing from what was extracted. `tissage reply-corpus` prints the figures; a test holds
them (docs/mailing-lists.md, "What is kept of a reply").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .reading import content_read, parse
from .replyparse import html_to_text, reply_text

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "lists" / "mail" / "corpus"
_BLANK_RUN = re.compile(r"\n{2,}")


def normalise(text: str) -> str:
    """What is compared: line ends as "\\n", no space at the end of a line, one blank line
    at most between two, none around the text."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")


@dataclass
class CaseResult:
    file: str
    source: str
    language: str
    expected: str
    extracted: str
    missing: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return self.expected == self.extracted

    @property
    def deletes_text(self) -> bool:
        return bool(self.missing)


@dataclass
class CorpusResult:
    cases: list[CaseResult]

    @property
    def matched(self) -> int:
        return sum(case.matches for case in self.cases)

    @property
    def rate(self) -> float:
        return self.matched / len(self.cases) if self.cases else 0.0

    @property
    def deleting(self) -> list[CaseResult]:
        return [case for case in self.cases if case.deletes_text]


def extract(path: Path) -> str:
    """The reply text of one corpus file, read as incoming mail is."""
    if path.suffix == ".eml":
        message = parse(path.read_bytes())
        return content_read(message).body if message is not None else ""
    text = path.read_text(encoding="utf-8")
    return reply_text(html_to_text(text) if path.suffix == ".html" else text)


def corpus_run(directory: Path = CORPUS_DIR) -> CorpusResult:
    with (directory / "manifest.toml").open("rb") as manifest:
        entries = tomllib.load(manifest)["case"]
    results = []
    for entry in entries:
        expected = normalise(entry["expected"])
        extracted = normalise(extract(directory / "cases" / entry["file"]))
        kept = {line.strip() for line in extracted.split("\n")}
        missing = [
            line for line in expected.split("\n") if line.strip() and line.strip() not in kept
        ]
        results.append(
            CaseResult(
                file=entry["file"],
                source=entry["source"],
                language=entry["language"],
                expected=expected,
                extracted=extracted,
                missing=missing,
            )
        )
    return CorpusResult(cases=results)
