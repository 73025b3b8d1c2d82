"""`tissage import-populations`: INSEE's legal populations CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tissage.core.tests.factories import CommuneFactory
from tissage.territories.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages compared in their source language (some already have a French translation).
    with translation.override("en"):
        yield


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "populations.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_semicolon_file_with_pmun_sets_populations_and_reports_counts(tmp_path, capsys):
    CommuneFactory(insee_code="98001")
    CommuneFactory(insee_code="98002")
    path = write(
        tmp_path,
        "REG;DEP;COM;NCC;PMUN;PCAP;PTOT\n93;98;98001;A;1 234;10;1244\n"
        "93;98;98002;B;56;1;57\n93;98;98999;C;7;0;7\n",
    )

    call_command("import_populations", str(path))

    assert dict(Commune.objects.values_list("insee_code", "population")) == {
        "98001": 1234,
        "98002": 56,
    }
    out = capsys.readouterr().out
    assert "2 communes" in out and "1 line" in out


def test_comma_file_with_codgeo_and_census_column_and_lost_leading_zero(tmp_path):
    CommuneFactory(insee_code="01001")
    path = write(tmp_path, "\ufeffCODGEO,LIBGEO,P21_POP\n1001,L'Abergement,859.0\n")

    call_command("import_populations", str(path))

    assert Commune.objects.get(insee_code="01001").population == 859


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("CODE_POSTAL;NOM\n30000;Nîmes\n", "must name the columns"),
        ("COM;PMUN\n98001;beaucoup\n", "Line 2"),
        ("COM;PMUN\nNîmes;100\n", "not an INSEE commune code"),
        ("COM;PMUN\n98001\n", "fewer columns"),
    ],
)
def test_bad_file_is_one_clear_line_and_changes_nothing(tmp_path, text, message):
    CommuneFactory(insee_code="98001", population=10)
    with pytest.raises(CommandError) as error:
        call_command("import_populations", str(write(tmp_path, text)))
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert Commune.objects.get(insee_code="98001").population == 10


def test_missing_file_is_said(tmp_path):
    with pytest.raises(CommandError, match="File not found"):
        call_command("import_populations", str(tmp_path / "nope.csv"))
