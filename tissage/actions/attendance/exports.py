"""Staff exports for funders' reports: registrants of an action, hours per person and per
action over a period, impact per project and per commune — as CSV, ODS or XLSX, written
by `core.spreadsheets` from the sheets described here.

Files are in French whatever the visitor's language, so that a URL always gives the same
columns. A workbook has several sheets; the CSV holds the first one. Cells that a
spreadsheet would run as formulas are defused, as in the inventories' staff export (these
files hold what guests typed).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from tissage.actions.models import Action, Registration
from tissage.core.spreadsheets import Sheet, Value, csv_stream, ods_stream, xlsx_bytes
from tissage.projects.models import Project

from .queries import ImpactTotals, hours_of

# Tables -----------------------------------------------------------------------------------

STATUS_FR = {
    Registration.Status.CONFIRMED: "inscrit·e",
    Registration.Status.WAITING: "en liste d’attente",
    Registration.Status.CANCELLED: "annulé",
}
ATTENDED_FR = {True: "présent·e", False: "absent·e", None: ""}


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def registrants_of(action: Action) -> QuerySet[Registration]:
    """The registrations an export lists (cancelled ones left out), in its order; each
    with what a line shows (`hours_of` reads its action). The API's export reads them too."""
    return (
        Registration.objects.filter(action=action)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("role", "action")
        .order_by("status", "created_at", "pk")
    )


def registrants_sheets(action: Action) -> list[Sheet]:
    registrations = registrants_of(action)
    rows: list[list[Value]] = [
        [
            r.name,
            r.email if r.has_email else "",
            r.phone,
            r.role.name,
            STATUS_FR[Registration.Status(r.status)],
            r.companions,
            _local(r.created_at),
            "oui" if r.walk_in else "non",
            ATTENDED_FR[r.attended],
            hours_of(r),
        ]
        for r in registrations
    ]
    headers = [
        "Nom",
        "E-mail",
        "Téléphone",
        "Rôle",
        "Statut",
        "Accompagnants",
        "Inscription le",
        "Venu·e sans inscription",
        "Présence",
        "Heures",
    ]
    return [Sheet("Inscrits", rows, header=headers)]


def hours_registrations(
    project: Project, start: datetime.date | None, end: datetime.date | None
) -> QuerySet[Registration]:
    """Confirmed people present (or not yet checked) at the project's published actions
    that started in the period (local dates, both ends included)."""
    registrations = Registration.objects.filter(
        action__project=project,
        action__status=Action.Status.PUBLISHED,
        status=Registration.Status.CONFIRMED,
    ).exclude(attended=False)
    if start:
        registrations = registrations.filter(
            action__starts_at__gte=timezone.make_aware(
                datetime.datetime.combine(start, datetime.time.min)
            )
        )
    if end:
        registrations = registrations.filter(
            action__starts_at__lt=timezone.make_aware(
                datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
            )
        )
    return registrations.select_related("action__commune").order_by(
        "action__starts_at", "action__pk", "name", "pk"
    )


@dataclass
class _Sum:
    label: list[Value]
    count: int = 0
    hours: Decimal = Decimal(0)

    def add(self, hours: Decimal) -> None:
        self.count += 1
        self.hours += hours

    def row(self) -> list[Value]:
        return [*self.label, self.count, self.hours]


def hours_sheets(registrations: Iterable[Registration]) -> list[Sheet]:
    detail: list[list[Value]] = []
    people: dict[str, _Sum] = {}
    actions: dict[int, _Sum] = {}
    for r in registrations:
        action = r.action
        hours = hours_of(r)
        email = r.email if r.has_email else ""
        commune = action.commune.name if action.commune else ""
        starts_at = _local(action.starts_at)
        detail.append(
            [
                r.name,
                email,
                action.title,
                starts_at,
                commune,
                r.companions,
                ATTENDED_FR[r.attended],
                hours,
            ]
        )
        # Without an address, a walk-in is only known by name within one action.
        key = email or f"{r.name}#{r.pk}"
        people.setdefault(key, _Sum([r.name, email])).add(hours)
        actions.setdefault(action.pk, _Sum([action.title, starts_at, commune])).add(hours)
    by_person = sorted(people.values(), key=lambda total: str(total.label[0]).casefold())
    return [
        Sheet(
            "Heures",
            detail,
            header=[
                "Nom",
                "E-mail",
                "Action",
                "Date",
                "Commune",
                "Accompagnants",
                "Présence (vide : pas pointée)",
                "Heures",
            ],
        ),
        Sheet(
            "Par personne",
            [t.row() for t in by_person],
            header=["Nom", "E-mail", "Actions", "Heures"],
        ),
        Sheet(
            "Par action",
            [t.row() for t in actions.values()],
            header=["Action", "Date", "Commune", "Personnes", "Heures"],
        ),
    ]


def impact_sheets(totals: ImpactTotals) -> list[Sheet]:
    headers = ["Périmètre", "Commune", "Code INSEE", "Compteur", "Unité", "Total"]
    rows: list[list[Value]] = [
        ["Projet", "", "", counter.name, counter.unit, total]
        for counter, total in zip(totals.counters, totals.project_row(), strict=True)
    ]
    for commune, values in totals.commune_rows():
        rows += [
            ["Commune", commune.name, commune.insee_code, counter.name, counter.unit, total]
            for counter, total in zip(totals.counters, values, strict=True)
        ]
    return [Sheet("Impact", rows, header=headers)]


# Files ------------------------------------------------------------------------------------


def _csv_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The first sheet; date-times to the minute, as the spreadsheets' cells show them."""
    return b"".join(csv_stream(sheets[0], datetimes="minutes"))


def _ods_bytes(sheets: Sequence[Sheet]) -> bytes:
    return b"".join(ods_stream(sheets))


# A few hundred rows at most: made whole and sent with their length.
WRITERS: dict[str, Callable[[Sequence[Sheet]], bytes]] = {
    "csv": _csv_bytes,
    "ods": _ods_bytes,
    "xlsx": xlsx_bytes,
}
