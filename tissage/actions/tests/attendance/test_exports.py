"""Staff exports: registrants, hours over a period, impact — read back with real readers."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tissage.actions.models import ImpactValue
from tissage.actions.tests.helpers import (
    answer,
    impact_setup,
    past_action,
    person,
    staff_client,
    without_address,
)
from tissage.core.tests.factories import ProjectFactory, user_with_role
from tissage.core.tests.matrices import OK, STAFF

pytestmark = pytest.mark.django_db
FORMATS = ["csv", "ods", "xlsx"]


def read(data: bytes, fmt: str, sheet: int = 0) -> list[dict[str, object]]:
    if fmt == "csv":
        assert data.startswith("\ufeff".encode())
        header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        header, *rows = book.get_sheet_by_index(sheet).to_python()
    return [dict(zip(header, row, strict=True)) for row in rows]


def number(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def urls(action, project):
    return [
        reverse("actions:export_registrants", kwargs={"slug": action.slug, "fmt": "csv"}),
        reverse("actions:export_hours", kwargs={"project_slug": project.slug, "fmt": "xlsx"}),
        reverse("actions:export_impact", kwargs={"project_slug": project.slug, "fmt": "ods"}),
    ]


@pytest.mark.parametrize("which", [0, 1, 2])
@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_exports_are_for_the_team(client, role, expected, which):
    action = past_action()
    user = user_with_role(role, action.project)
    if user:
        client.force_login(user)
    assert answer(client.get(urls(action, action.project)[which])) == expected


def test_an_unknown_format_is_not_found(client):
    action = past_action()
    client = staff_client(client, action.project)
    assert client.get(f"/actions/{action.slug}/export-inscrits.pdf").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_registrants_export(client, fmt):
    action = past_action()
    person(action, 1, phone="06 00", companions=2, attended=True)
    person(action, 2, status="waiting")
    person(action, 3, status="cancelled")
    person(action, 4, name="=HYPERLINK(1)")
    url = reverse("actions:export_registrants", kwargs={"slug": action.slug, "fmt": fmt})
    response = staff_client(client, action.project).get(url)
    assert response.status_code == 200
    assert f"{action.slug}-inscrits.{fmt}" in response["Content-Disposition"]
    rows = read(response.content, fmt)
    assert {row["E-mail"] for row in rows} == {
        "p1@example.org",
        "p2@example.org",
        "p4@example.org",
    }
    first = next(row for row in rows if row["E-mail"] == "p1@example.org")
    assert (first["Téléphone"], number(first["Accompagnants"]), first["Présence"]) == (
        "06 00",
        Decimal(2),
        "présent·e",
    )
    assert number(first["Heures"]) == Decimal(3)
    names = {row["Nom"] for row in rows}
    assert ("'=HYPERLINK(1)" if fmt == "csv" else "=HYPERLINK(1)") in names


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_leave_placeholder_addresses_empty(client, fmt):
    action = past_action()
    person(action, 1)
    without_address(action)
    client = staff_client(client, action.project)
    registrants = client.get(
        reverse("actions:export_registrants", kwargs={"slug": action.slug, "fmt": fmt})
    )
    hours = client.get(
        reverse("actions:export_hours", kwargs={"project_slug": action.project.slug, "fmt": fmt})
    )
    for response in (registrants, hours):
        rows = read(response.content, fmt)
        assert sorted(row["E-mail"] for row in rows) == ["", "", "", "p1@example.org"]
        assert not any(".invalid" in str(value) for row in rows for value in row.values())


@pytest.mark.parametrize("fmt", FORMATS)
def test_hours_over_a_period_match_the_data(client, fmt):
    project = ProjectFactory()
    in_period = past_action(project, days_ago=5, hours=3)
    also = past_action(project, days_ago=6, hours=2)
    before = past_action(project, days_ago=60, hours=4)
    person(in_period, 1, attended=True)
    person(in_period, 2, attended=True, hours=Decimal("1.5"))
    person(in_period, 3, attended=False)  # absent: no hours
    person(in_period, 4, status="waiting")
    person(also, 1, attended=True)
    person(before, 1, attended=True)
    start = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    end = timezone.localdate().isoformat()
    url = reverse("actions:export_hours", kwargs={"project_slug": project.slug, "fmt": fmt})
    response = staff_client(client, project).get(url, {"du": start, "au": end})
    assert response.status_code == 200
    rows = read(response.content, fmt)
    assert len(rows) == 3
    assert sum(number(row["Heures"]) for row in rows) == Decimal("6.5")
    if fmt != "csv":
        people = {row["E-mail"]: number(row["Heures"]) for row in read(response.content, fmt, 1)}
        assert people == {"p1@example.org": Decimal(5), "p2@example.org": Decimal("1.5")}
        actions = read(response.content, fmt, 2)
        assert sorted(number(row["Heures"]) for row in actions) == [Decimal(2), Decimal("4.5")]
    everything = staff_client(client, project).get(url)
    assert sum(number(r["Heures"]) for r in read(everything.content, fmt)) == Decimal("10.5")


@pytest.mark.parametrize(
    "query", [{"du": "hier"}, {"au": "2026-13-01"}, {"du": "2026-05-02", "au": "2026-05-01"}]
)
def test_a_bad_period_is_explained(client, query):
    project = ProjectFactory()
    url = reverse("actions:export_hours", kwargs={"project_slug": project.slug, "fmt": "csv"})
    response = staff_client(client, project).get(url, query)
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"du": "0001-01-01"}, {"au": "9999-12-31"}, {"du": "1899-12-31"}, {"au": "2101-01-01"}],
)
def test_a_period_beyond_the_calendar_is_explained(client, query):
    project = ProjectFactory()
    url = reverse("actions:export_hours", kwargs={"project_slug": project.slug, "fmt": "csv"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = staff_client(client, project).get(url, query)
    assert response.status_code == 400
    assert "Give a date between 1900 and 2100." in response.content.decode()


def test_a_period_at_the_edges_of_the_calendar_is_accepted(client):
    action = past_action()
    person(action, 1)
    url = reverse(
        "actions:export_hours", kwargs={"project_slug": action.project.slug, "fmt": "csv"}
    )
    response = staff_client(client, action.project).get(
        url, {"du": "1900-01-01", "au": "2100-12-31"}
    )
    assert response.status_code == 200
    assert [row["E-mail"] for row in read(response.content, "csv")] == ["p1@example.org"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_impact_export_sums_match_the_data(client, fmt):
    project, *_ = impact_setup()
    url = reverse("actions:export_impact", kwargs={"project_slug": project.slug, "fmt": fmt})
    rows = read(staff_client(client, project).get(url).content, fmt)
    whole = {row["Compteur"]: number(row["Total"]) for row in rows if row["Périmètre"] == "Projet"}
    assert whole == {"Arbres": Decimal("157.5"), "Haie": Decimal(55)}
    per_commune = [row for row in rows if row["Périmètre"] == "Commune"]
    for counter in ("Arbres", "Haie"):
        assert (
            sum(number(r["Total"]) for r in per_commune if r["Compteur"] == counter)
            == (whole[counter])
        )
    stored: dict[str, Decimal] = {}
    for value in ImpactValue.objects.filter(action__status="published").select_related("counter"):
        stored[value.counter.name] = stored.get(value.counter.name, Decimal(0)) + value.value
    assert whole == stored


def test_the_team_reaches_every_export(client):
    action = past_action()
    client = staff_client(client, action.project)
    for url in urls(action, action.project):
        assert answer(client.get(url)) == OK


def test_ods_dates_carry_a_date_style_so_spreadsheets_show_dates():
    import zipfile

    from tissage.actions.attendance.exports import WRITERS
    from tissage.core.spreadsheets import Sheet

    moment = datetime.datetime(2026, 11, 28, 9, 0)
    data = WRITERS["ods"]([Sheet("Heures", [[moment, moment.date()]], header=["Date", "Jour"])])
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    assert (
        'table:style-name="ct" office:value-type="date" office:date-value="2026-11-28T09:00:00"'
        in content
    )
    assert (
        'table:style-name="cd" office:value-type="date" office:date-value="2026-11-28"' in content
    )
    assert '<number:date-style style:name="Nt">' in content
