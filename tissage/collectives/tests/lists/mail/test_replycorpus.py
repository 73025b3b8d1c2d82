"""The reply corpus (issue #12, item 1): at least 95 % of its cases come to their
expected text, and none deletes a line the sender wrote."""

from __future__ import annotations

import tomllib
from io import StringIO

from django.core.management import call_command

from tissage.collectives.lists.mail.replycorpus import CORPUS_DIR, corpus_run, normalise


def _manifest() -> list[dict[str, str]]:
    with (CORPUS_DIR / "manifest.toml").open("rb") as manifest:
        return tomllib.load(manifest)["case"]


def test_the_corpus_matches_at_least_95_percent_and_deletes_nothing():
    result = corpus_run()

    failing = [case.file for case in result.cases if not case.matches]
    assert result.rate >= 0.95, failing
    assert [case.file for case in result.deleting] == []


def test_the_corpus_is_large_and_every_case_says_where_it_comes_from():
    entries = _manifest()
    assert len(entries) >= 70
    assert sum(entry["language"] == "fr" for entry in entries) >= 15
    for entry in entries:
        assert entry["source"] and entry["path"] and entry["licence"], entry["file"]
        assert entry["expected_by"] in {"upstream", "adapted", "us"}, entry["file"]
        if entry["expected_by"] != "upstream" and not entry["source"].startswith("tissage"):
            assert entry.get("notes"), f"{entry['file']}: say why the expectation differs"
    listed = {entry["file"] for entry in entries}
    on_disk = {
        str(path.relative_to(CORPUS_DIR / "cases"))
        for path in (CORPUS_DIR / "cases").rglob("*")
        if path.is_file()
    }
    assert on_disk == listed


def test_normalise_ignores_trailing_spaces_and_extra_blank_lines():
    assert normalise("a  \r\n\n\n\nb\n\n") == "a\n\nb"


def test_the_command_prints_the_rate_and_the_differences(tmp_path):
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "good.txt").write_text(
        "Yes.\n\nOn Monday, Bob <b@example.org> wrote:\n> ?"
    )
    (tmp_path / "cases" / "bad.txt").write_text("Sent from my desk, which I like.\n")
    (tmp_path / "manifest.toml").write_text(
        "\n".join(
            f'[[case]]\nfile = "{name}.txt"\nsource = "s"\npath = "p"\nlicence = "MIT"\n'
            f'language = "en"\nexpected_by = "us"\nexpected = "{expected}"\n'
            for name, expected in (("good", "Yes."), ("bad", "Something else."))
        )
    )
    out = StringIO()

    call_command("reply_corpus", corpus=tmp_path, stdout=out)

    assert "1/2 cases match their expected text (50.0%)" in out.getvalue()
    assert "cases deleting real text: 1." in out.getvalue()
    assert "--- bad.txt (s)" in out.getvalue()
    assert "DELETED: Something else." in out.getvalue()
