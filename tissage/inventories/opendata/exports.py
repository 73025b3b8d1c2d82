"""Open data: what the exports of a campaign hold — the validated items as everyone may
see them (`public_table`), with Mérimée columns (`merimee_table`), and every item for the
team (`staff_table`) — with the dataset's licence and credits, and the sheets of the
spreadsheets (`spreadsheet_sheets`, written by `core.spreadsheets`). `writers.py` writes
the GeoJSON; `photos_zip.py` gathers the photos.

Public exports show what the item page shows to anyone: the public point (rounded when the
contributor asked to hide the exact place, and then no street address), the contributor's
public name, never an email. Only `staff_table` has emails and exact points.

Files are written in French whatever the visitor's language, so that a stable URL always
gives the same columns and words. Rows are read from the database in chunks and written as
they come: CSV, GeoJSON and the photos ZIP are streamed, ODS and XLSX are written to a
temporary file, so that 100,000 items never sit in memory at once.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tissage.core.spreadsheets import Sheet

from ..models import Campaign, CampaignField, Contribution, Photo
from ..models.campaigns import Licence
from ..models.contributions import ContributionQuerySet

CHUNK_SIZE = 1000

# Where each licence's text can be read (linked from the data page, the files and the
# HTTP `Link: rel="license"` header).
LICENCE_URLS = {
    Licence.ETALAB: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.fr",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/deed.fr",
}

# Values brought by an import that have no attribute of their own on the item (the exact
# Mérimée denomination, a commune outside our territory table) live in `values` under
# this prefix, which no campaign field key can start with (keys are slugs, without “:”).
SOURCE_PREFIX = "source:"
SOURCE_DENOMINATION = SOURCE_PREFIX + "DENO"
SOURCE_COMMUNE = SOURCE_PREFIX + "COM"
SOURCE_INSEE = SOURCE_PREFIX + "INSEE"
# External references made up by the importer when a file has no identifier column:
# a fingerprint of the source row, not a Mérimée REF.
FINGERPRINT_PREFIX = "sha256:"

MULTIPLE_SEPARATOR = " ; "

Value = str | int | float | bool | datetime.date | datetime.datetime | None

# The columns of the public exports, before the campaign's own fields and after them;
# French descriptions go into the “À propos” sheet.
COLUMNS_BEFORE = {
    "permalink": "Adresse permanente de la fiche",
    "id": "Numéro de la fiche",
    "title": "Titre",
    "category": "Catégorie",
    "denomination": "Dénomination Mérimée (champ DENO)",
    "description": "Description",
    "commune": "Commune",
    "insee": "Code INSEE de la commune",
    "address": "Adresse ou lieu-dit (vide quand l’emplacement exact est masqué)",
    "longitude": "Longitude WGS84 (arrondie à 0,01° quand l’emplacement exact est masqué)",
    "latitude": "Latitude WGS84 (arrondie à 0,01° quand l’emplacement exact est masqué)",
}
COLUMNS_AFTER = {
    "contributor": "Contributeur ou contributrice (nom public)",
    "photo_credits": "Auteurs des photos",
    "licence": "Licence de la fiche",
    "validated_at": "Date de publication",
    "external_ref": "Référence dans la source d’où la fiche a été importée",
}


def fold(text: str) -> str:
    """Text compared without case, accents or repeated spaces (“Église” is “eglise”)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def licence_url(code: str) -> str:
    return LICENCE_URLS.get(Licence(code), "") if code in Licence.values else ""


@dataclass(frozen=True)
class Dataset:
    """What every file says about where its data comes from and how to credit it."""

    title: str
    producer: str
    source_url: str
    data_page_url: str
    licence: str
    licence_name: str
    licence_url: str
    attribution: str
    exported_at: datetime.datetime


def dataset_describe(campaign: Campaign, base_url: str) -> Dataset:
    with translation.override(settings.LANGUAGE_CODE):
        source_url = base_url + reverse("inventories:campaign", kwargs={"slug": campaign.slug})
        licence_name = str(Licence(campaign.licence).label)
        producer = campaign.project.organisation.name
        return Dataset(
            title=campaign.title,
            producer=producer,
            source_url=source_url,
            data_page_url=base_url + reverse("inventories:data", kwargs={"slug": campaign.slug}),
            licence=campaign.licence,
            licence_name=licence_name,
            licence_url=licence_url(campaign.licence),
            attribution=(
                f"« {campaign.title} », {producer} et les contributeurs et contributrices"
                f" de l’inventaire, {licence_name}, {source_url}"
            ),
            exported_at=timezone.localtime().replace(microsecond=0),
        )


def download_links(campaign: Campaign, base_url: str) -> list[tuple[str, str, str]]:
    """(name, what it holds, stable address) of each file the data page offers, in the
    visitor's language."""
    formats = [
        ("CSV", _("table, UTF-8, comma separated"), "csv"),
        ("ODS", _("spreadsheet (LibreOffice, OnlyOffice)"), "ods"),
        ("XLSX", _("spreadsheet (Excel)"), "xlsx"),
        ("GeoJSON", _("map layer (QGIS, uMap…), RFC 7946"), "geojson"),
    ]
    links = [
        (name, about, base_url + reverse("inventories:export", args=[campaign.slug, fmt]))
        for name, about, fmt in formats
    ]
    if campaign.template == Campaign.Template.HERITAGE:
        links.append(
            (
                _("Mérimée CSV"),
                _("columns named by the codes of the Mérimée base (TICO, DENO, SCLE…)"),
                base_url + reverse("inventories:export_merimee", args=[campaign.slug]),
            )
        )
    links.append(
        (
            _("Photos (ZIP)"),
            _("original photos, with a CREDITS.txt file naming each author"),
            base_url + reverse("inventories:export_photos", args=[campaign.slug]),
        )
    )
    return links


@dataclass
class Column:
    header: str
    description: str
    value: Callable[[Contribution], Value]


@dataclass
class Table:
    """Headers, then rows produced one at a time; the names to credit are gathered as the
    rows go by, for the “À propos” sheet written after them."""

    columns: list[Column]
    items: Iterable[Contribution]
    contributors: dict[str, None] = field(default_factory=dict)
    photographers: dict[str, None] = field(default_factory=dict)
    count: int = 0

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def rows(self) -> Iterator[list[Value]]:
        for item in self.items:
            self.count += 1
            self.contributors[item.public_contributor] = None
            for photo in item.photos.all():
                self.photographers[photo.credit] = None
            yield [column.value(item) for column in self.columns]


# The spreadsheets' sheets --------------------------------------------------------------

ITEMS_SHEET = "Fiches"
ABOUT_SHEET = "À propos"


def items_sheet(table: Table) -> Sheet:
    """The items, one per row under the columns' headers: all that a CSV holds."""
    return Sheet(ITEMS_SHEET, table.rows, header=table.headers)


def spreadsheet_sheets(table: Table, dataset: Dataset) -> list[Sheet]:
    """The items, then the “À propos” sheet, made once they are all written (it counts
    them and names whom to credit)."""
    return [
        items_sheet(table),
        Sheet(ABOUT_SHEET, lambda: _about_rows(table, dataset), label_column=True),
    ]


def _about_rows(table: Table, dataset: Dataset) -> list[tuple[str, Value]]:
    """Licence, source, date and credits, then what each column holds."""
    rows: list[tuple[str, Value]] = [
        ("Jeu de données", dataset.title),
        ("Producteur", dataset.producer),
        ("Source", dataset.source_url),
        ("Toutes les données et leurs formats", dataset.data_page_url),
        ("Licence", dataset.licence_name),
        ("Texte de la licence", dataset.licence_url),
        ("Comment créditer", dataset.attribution),
        ("Date de l’export", dataset.exported_at.replace(tzinfo=None)),
        ("Nombre de fiches", table.count),
        ("Contributeurs et contributrices", ", ".join(table.contributors)),
        (
            "Auteurs des photos",
            ", ".join(table.photographers) or "aucune photo",
        ),
        ("", None),
        ("Colonne", "Contenu"),
    ]
    rows += [(column.header, column.description) for column in table.columns]
    return rows


# Reading the items: one query per chunk for the items with their category, commune and
# people, one per chunk for their photos — whatever the number of rows.


def _items(queryset: QuerySet[Contribution]) -> Iterator[Contribution]:
    photos = Photo.objects.only("id", "contribution_id", "credit", "position").order_by(
        "position", "pk"
    )
    return (
        queryset.select_related("category", "commune", "contributor", "entered_by")
        .prefetch_related(Prefetch("photos", queryset=photos))
        .order_by("pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


def published_items(campaign: Campaign) -> ContributionQuerySet:
    """What the public exports hold: validated items, not merged into another."""
    return Contribution.objects.published().filter(campaign=campaign, merged_into__isnull=True)


def permalinks(campaign: Campaign, base_url: str) -> Callable[[Contribution], str]:
    def value(item: Contribution) -> str:
        path = reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk})
        return base_url + path

    return value


def item_commune(item: Contribution) -> tuple[str, str]:
    """(name, INSEE code): our commune, or the one of the source file when it is outside
    our territory table."""
    if item.commune is not None:
        return item.commune.name, item.commune.insee_code
    return str(item.values.get(SOURCE_COMMUNE) or ""), str(item.values.get(SOURCE_INSEE) or "")


def merimee_denomination(item: Contribution) -> str:
    """The DENO of an item: the source's own term when it was imported with one (and its
    category was not changed since), else its category's Mérimée term."""
    own = item.category.merimee_denomination
    source = item.values.get(SOURCE_DENOMINATION)
    if isinstance(source, str) and source:
        parts = {fold(part) for part in source.split(";")} | {fold(source)}
        if not own or fold(own) in parts:
            return source
    return own or item.category.name


def field_value(spec: CampaignField, raw: Any) -> Value:
    """An answer as a cell: several choices joined with “ ; ”, dates as dates."""
    if raw is None or raw == "" or raw == []:
        return None
    if isinstance(raw, list):
        return MULTIPLE_SEPARATOR.join(str(part) for part in raw)
    if isinstance(raw, bool | int | float):
        return raw
    if spec.kind == CampaignField.Kind.DATE and isinstance(raw, str):
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            return raw
    return str(raw) if not isinstance(raw, str) else raw


def _answer(spec: CampaignField) -> Callable[[Contribution], Value]:
    return lambda item: field_value(spec, item.values.get(spec.key))


def _field_columns(campaign: Campaign, taken: set[str]) -> list[Column]:
    """One column per question, its key as header (prefixed if it is taken already)."""
    return [
        Column(
            spec.key if spec.key not in taken else f"field_{spec.key}", spec.label, _answer(spec)
        )
        for spec in campaign.fields.all()
    ]


def _validated_on(item: Contribution) -> datetime.date | None:
    return timezone.localdate(item.validated_at) if item.validated_at else None


def _photo_credits(item: Contribution) -> str:
    credits = dict.fromkeys(photo.credit for photo in item.photos.all())
    return MULTIPLE_SEPARATOR.join(credits)


def public_table(campaign: Campaign, base_url: str) -> Table:
    """The validated items, as anyone may see them."""
    before = dict(COLUMNS_BEFORE)
    if campaign.template != Campaign.Template.HERITAGE:
        del before["denomination"]
    getters: dict[str, Callable[[Contribution], Value]] = {
        "permalink": permalinks(campaign, base_url),
        "id": lambda item: item.pk,
        "title": lambda item: item.title,
        "category": lambda item: item.category.name,
        "denomination": merimee_denomination,
        "description": lambda item: item.description,
        "commune": lambda item: item_commune(item)[0],
        "insee": lambda item: item_commune(item)[1],
        "address": lambda item: "" if item.obscure_location else item.address,
        "longitude": lambda item: item.public_longitude,
        "latitude": lambda item: item.public_latitude,
        "contributor": lambda item: item.public_contributor,
        "photo_credits": _photo_credits,
        "licence": lambda item: item.licence,
        "validated_at": _validated_on,
        "external_ref": lambda item: item.external_ref,
    }
    columns = [Column(h, d, getters[h]) for h, d in before.items()]
    columns += _field_columns(campaign, set(before) | set(COLUMNS_AFTER))
    columns += [Column(h, d, getters[h]) for h, d in COLUMNS_AFTER.items()]
    return Table(columns, _items(published_items(campaign)))


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else None


def _real_name(item: Contribution) -> str:
    if item.contributor is not None:
        return item.contributor.display_name or item.contributor.public_name
    return item.contributor_name


def staff_table(campaign: Campaign, base_url: str) -> Table:
    """Every item of every status, with exact points and the contributors' names and
    emails: for the campaign's moderators only."""
    before: dict[str, tuple[str, Callable[[Contribution], Value]]] = {
        "permalink": ("Adresse permanente de la fiche", permalinks(campaign, base_url)),
        "id": ("Numéro de la fiche", lambda item: item.pk),
        "status": ("Statut", lambda item: item.status),
        "title": ("Titre", lambda item: item.title),
        "category": ("Catégorie", lambda item: item.category.name),
        "denomination": ("Dénomination Mérimée (champ DENO)", merimee_denomination),
        "description": ("Description", lambda item: item.description),
        "commune": ("Commune", lambda item: item_commune(item)[0]),
        "insee": ("Code INSEE de la commune", lambda item: item_commune(item)[1]),
        "address": ("Adresse ou lieu-dit", lambda item: item.address),
        "longitude": ("Longitude WGS84 exacte", lambda item: item.longitude),
        "latitude": ("Latitude WGS84 exacte", lambda item: item.latitude),
        "obscure_location": (
            "Emplacement exact masqué au public",
            lambda item: item.obscure_location,
        ),
        "location_approximate": (
            "Emplacement à préciser",
            lambda item: item.location_approximate,
        ),
    }
    if campaign.template != Campaign.Template.HERITAGE:
        del before["denomination"]
    after: dict[str, tuple[str, Callable[[Contribution], Value]]] = {
        "contributor": ("Nom public", lambda item: item.public_contributor),
        "contributor_name": ("Nom du contributeur ou de la contributrice", _real_name),
        "contributor_email": (
            "Adresse électronique",
            lambda item: item.contributor.email if item.contributor else item.contributor_email,
        ),
        "show_contributor": ("Accepte que son nom soit affiché", lambda i: i.show_contributor),
        "entered_by": (
            "Saisie pour le compte de la personne par",
            lambda item: item.entered_by.public_name if item.entered_by else "",
        ),
        "photo_credits": ("Auteurs des photos", _photo_credits),
        "licence": ("Licence de la fiche", lambda item: item.licence),
        "created_at": ("Date d’envoi (heure de Paris)", lambda item: _local(item.created_at)),
        "validated_at": ("Date de publication", _validated_on),
        "external_ref": ("Référence dans la source", lambda item: item.external_ref),
        "merged_into": ("Fusionnée dans la fiche", lambda item: item.merged_into_id),
    }
    columns = [Column(h, d, g) for h, (d, g) in before.items()]
    columns += _field_columns(campaign, set(before) | set(after))
    columns += [Column(h, d, g) for h, (d, g) in after.items()]
    queryset = Contribution.objects.filter(campaign=campaign)
    return Table(columns, _items(queryset))


def merimee_table(campaign: Campaign, base_url: str) -> Table:
    """Columns named by Mérimée codes, values in the source's own vocabulary."""

    def reference(item: Contribution) -> str:
        ref = item.external_ref
        return "" if ref.startswith(FINGERPRINT_PREFIX) else ref

    columns = [
        Column("REF", "Référence Mérimée", reference),
        Column("TICO", "Titre courant", lambda item: item.title),
        Column("DENO", "Dénomination", merimee_denomination),
        Column("COM", "Commune", lambda item: item_commune(item)[0]),
        Column("INSEE", "Code INSEE", lambda item: item_commune(item)[1]),
        Column("ADRS", "Adresse", lambda item: "" if item.obscure_location else item.address),
    ]
    taken = {column.header for column in columns} | {"longitude", "latitude"}
    for spec in campaign.fields.all():
        code = spec.merimee_field.strip().upper()
        if not code or code in taken:
            continue
        taken.add(code)
        columns.append(Column(code, spec.label, _answer(spec)))
    columns += [
        Column("longitude", COLUMNS_BEFORE["longitude"], lambda item: item.public_longitude),
        Column("latitude", COLUMNS_BEFORE["latitude"], lambda item: item.public_latitude),
        Column("permalink", COLUMNS_BEFORE["permalink"], permalinks(campaign, base_url)),
    ]
    return Table(columns, _items(published_items(campaign)))
