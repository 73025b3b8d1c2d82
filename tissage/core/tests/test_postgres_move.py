"""`tissage move-to-postgres` (core/postgres_move.py): a SQLite installation filled with
the demo and the factories, copied into a new PostgreSQL database by the real command,
then every model's rows compared as Django reads them."""

from __future__ import annotations

import pytest

from tissage.accounts.models import User
from tissage.core.tests.installations import (
    Installation,
    Installations,
    filled,
    model_rows,
    table_rows,
)


@pytest.fixture(scope="module")
def source(installations: Installations) -> Installation:
    return filled(installations, "sqlite")


def test_every_row_is_copied_and_counted(source, installations):
    target = installations.new("postgresql")
    media_before = source.files()

    result = source.run("move-to-postgres", target.database_url)

    sqlite = installations.connect(source)
    postgres = installations.connect(target)
    expected = model_rows(sqlite)
    copied = model_rows(postgres)
    for table, rows in expected.items():
        assert copied[table] == rows, table
    assert sum(len(rows) for rows in expected.values()) > 5000
    assert expected["actions_registration"] and expected["collectives_attachment"]
    # django_migrations is no model: the same migrations are recorded.
    assert table_rows(postgres)["django_migrations"] and sorted(
        (app, name) for _id, app, name, _at in table_rows(postgres)["django_migrations"]
    ) == sorted((app, name) for _id, app, name, _at in table_rows(sqlite)["django_migrations"])
    # The table of counts, one line per table, and the media untouched.
    assert "accounts_user" in result.stdout
    assert "≠" not in result.stdout
    assert "DATABASE_URL" in result.stdout
    assert source.files() == media_before
    # The sequences are past the copied ids: a new row gets a free id.
    largest = max(pk for pk, *_ in expected["accounts_user"])
    new = User.objects.using(postgres.alias).create(email="new@example.org", display_name="N")
    assert new.pk > largest


def test_a_target_that_holds_data_is_refused(source, installations):
    target = installations.new("postgresql")
    target.run("migrate", "--no-input", "-v", "0")
    postgres = installations.connect(target)
    User.objects.using(postgres.alias).create(email="there@example.org", display_name="T")
    postgres.close()

    result = source.run("move-to-postgres", target.database_url, check=False)

    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "n'est pas vide" in result.stderr and "is not empty" in result.stderr
    assert list(User.objects.using(postgres.alias).values_list("email", flat=True)) == [
        "there@example.org"
    ]


def test_the_target_must_be_postgresql(source, tmp_path):
    result = source.run("move-to-postgres", f"sqlite:///{tmp_path / 'other.sqlite3'}", check=False)

    assert result.returncode != 0
    assert "postgres://" in result.stderr
    assert "Traceback" not in result.stderr
