"""The ready-made heritage campaign: categories and fields mapped to Mérimée.

Field codes are those of the Mérimée base (data.culture.gouv.fr), without the ``chp``
prefix that open-data extracts add (``chpscle`` is ``SCLE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# (name shown, Mérimée denomination)
CATEGORIES: list[tuple[str, str]] = [
    ("Lavoir", "lavoir"),
    ("Fontaine", "fontaine"),
    ("Puits", "puits"),
    ("Abreuvoir", "abreuvoir"),
    ("Croix", "croix"),
    ("Calvaire", "calvaire"),
    ("Oratoire", "oratoire"),
    ("Chapelle", "chapelle"),
    ("Cabane en pierre sèche (capitelle)", "cabane"),
    ("Mur en pierre sèche", "mur de soutènement"),
    ("Four à pain", "four à pain"),
    ("Moulin", "moulin"),
    ("Pigeonnier", "pigeonnier"),
    ("Pont", "pont"),
    ("Cadran solaire", "cadran solaire"),
    ("Autre élément de patrimoine", ""),
]


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    kind: str
    merimee_field: str
    help_text: str = ""
    choices: list[str] = field(default_factory=list)


FIELDS: list[FieldSpec] = [
    FieldSpec(
        "appellation",
        "Nom usuel",
        "text",
        "APPL",
        "Le nom qu’on lui donne dans le village, s’il en a un.",
    ),
    FieldSpec("lieu_dit", "Lieu-dit ou quartier", "text", "LIEU"),
    FieldSpec(
        "siecle",
        "Siècle ou époque",
        "period",
        "SCLE",
        "Par exemple « XIXe siècle » ou « vers 1850 ». Laissez vide si vous ne savez pas.",
    ),
    FieldSpec(
        "materiaux",
        "Matériaux du gros œuvre",
        "multiple_choice",
        "MURS",
        choices=[
            "calcaire",
            "grès",
            "granite",
            "schiste",
            "galets",
            "brique",
            "pisé",
            "bois",
            "béton",
            "métal",
            "autre",
        ],
    ),
    FieldSpec(
        "couverture",
        "Couverture (toit)",
        "choice",
        "COUV",
        choices=[
            "sans toit",
            "tuile creuse",
            "tuile plate",
            "lauze",
            "ardoise",
            "dalle de pierre",
            "tôle",
            "autre",
        ],
    ),
    FieldSpec(
        "etat",
        "État de conservation",
        "choice",
        "ETAT",
        choices=[
            "bon état",
            "état moyen",
            "mauvais état",
            "menacé",
            "vestiges",
            "restauré",
        ],
    ),
    FieldSpec(
        "propriete",
        "Statut de propriété",
        "choice",
        "STAT",
        choices=[
            "propriété de la commune",
            "propriété privée",
            "propriété de l’État",
            "propriété d’une association",
            "je ne sais pas",
        ],
    ),
    FieldSpec(
        "historique",
        "Histoire et usages",
        "long_text",
        "HIST",
        "Ce que l’on sait ou raconte : qui l’a construit, à quoi il servait…",
    ),
    FieldSpec(
        "remarquable",
        "Éléments remarquables",
        "text",
        "REMA",
        "Une inscription, une date gravée, un décor…",
    ),
]

# Mérimée codes of the item's own attributes, for exports and imports.
ITEM_FIELDS = {
    "title": "TICO",
    "category": "DENO",
    "commune": "COM",
    "insee": "INSEE",
    "address": "ADRS",
}
