"""Demo data: three fictional organisations, one per field case, through the services.

Loading twice leaves one copy: every object is looked up by a stable key first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.db import transaction

from tissage.accounts.models import User
from tissage.dashboard.refresh import dashboard_refresh
from tissage.inventories.models import Campaign
from tissage.organisations.models import Organisation
from tissage.organisations.services import organisation_create
from tissage.projects.models import NewsPost, Project
from tissage.projects.services import news_post_publish, project_create, project_join
from tissage.territories.geography import Box, distance_metres
from tissage.territories.models import Commune
from tissage.territories.services import communes_import

from .actions import actions_load
from .collectives import collectives_load
from .consultations import consultations_load
from .inventory import CAMPAIGN_SLUG, inventory_load
from .mobilisation import mobilisation_load

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNE_FILES = [
    "communes-30-gard.geojson",
    "communes-34-herault.geojson",
    "communes-26-drome.geojson",
]


class Writer(Protocol):
    def write(self, text: str) -> object: ...


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    description: str
    superuser: bool = False


DEMO_PEOPLE = [
    DemoPerson("admin@demo.tissage.example", "Administratrice", "superuser (administration)", True),
    DemoPerson(
        "camille@petr-garrigues.demo.tissage.example",
        "Camille (PETR)",
        "admin, PETR Garrigues et Costières",
    ),
    DemoPerson(
        "mehdi@petr-garrigues.demo.tissage.example",
        "Mehdi",
        "facilitator, PETR Garrigues et Costières",
    ),
    DemoPerson(
        "lea@clac-londres.demo.tissage.example",
        "Léa",
        "coordinator, collectif du bassin de Londres",
    ),
    DemoPerson(
        "martin@vallee-drome.demo.tissage.example",
        "Martin",
        "facilitator, association vallée de la Drôme",
    ),
    DemoPerson("jeanne@demo.tissage.example", "Jeanne", "inhabitant, member of the three projects"),
]


def _person(email: str) -> User:
    person = next(p for p in DEMO_PEOPLE if p.email == email)
    user = User.objects.filter(email=email).first()
    if user is None:
        if person.superuser:
            user = User.objects.create_superuser(email, display_name=person.display_name)
        else:
            user = User.objects.create_user(email, display_name=person.display_name)
    return user


def _near(insee_code: str, radius_km: float) -> list[Commune]:
    """Communes of the same department whose centre lies within `radius_km` of its centre."""
    centre_commune = Commune.objects.get(insee_code=insee_code)
    centre = centre_commune.shape.centroid
    metres = radius_km * 1000
    candidates = Commune.objects.filter(department=centre_commune.department).overlapping(
        Box.around(centre.x, centre.y, metres)
    )
    found = []
    for commune in candidates:
        c = commune.shape.centroid
        if distance_metres(centre.x, centre.y, c.x, c.y) <= metres:
            found.append(commune)
    return found


@dataclass(frozen=True)
class DemoCase:
    slug: str
    name: str
    kind: str
    centre_insee: str
    radius_km: float
    description: str
    admins: tuple[str, ...]
    facilitators: tuple[str, ...]
    project_slug: str
    project_title: str
    project_summary: str
    project_description: str
    call_to_action: str
    news_title: str
    news_body: str


CASES = [
    DemoCase(
        slug="demo-petr-garrigues-costieres",
        name="PETR Garrigues et Costières (démo)",
        kind="petr",
        centre_insee="30189",  # Nîmes
        radius_km=22,
        description=(
            "**Organisation fictive de démonstration.** Le PETR anime l'inventaire "
            "participatif du petit patrimoine de ses communes avec les associations, "
            "les mairies et les passionnés."
        ),
        admins=("camille@petr-garrigues.demo.tissage.example",),
        facilitators=("mehdi@petr-garrigues.demo.tissage.example",),
        project_slug="demo-inventaire-petit-patrimoine",
        project_title="Inventaire participatif du petit patrimoine",
        project_summary=(
            "Lavoirs, croix, puits, capitelles : recensons ensemble le patrimoine de nos "
            "villages pour les Journées du patrimoine."
        ),
        project_description=(
            "Chacun peut signaler un élément de patrimoine : une photo, un emplacement, "
            "quelques mots. L'équipe du PETR vérifie chaque fiche avant publication.\n\n"
            "## Comment participer\n\n1. Repérez un élément près de chez vous.\n"
            "2. Prenez une photo.\n3. Envoyez votre fiche."
        ),
        call_to_action="Signalez un lavoir, une croix ou un puits près de chez vous",
        news_title="Lancement de la saison 2026",
        news_body=(
            "Merci aux 12 associations partenaires ! Première sortie le 14 mars à Bouillargues."
        ),
    ),
    DemoCase(
        slug="demo-collectif-bassin-de-londres",
        name="Collectif citoyen du bassin de Londres (démo)",
        kind="collective",
        centre_insee="34274",  # Saint-Martin-de-Londres
        radius_km=12,
        description=(
            "**Collectif fictif de démonstration.** Des habitants qui s'organisent : "
            "une liste de discussion, une page centrale (la *gare centrale*) et des "
            "réunions mensuelles."
        ),
        admins=("lea@clac-londres.demo.tissage.example",),
        facilitators=(),
        project_slug="demo-epicerie-producteurs",
        project_title="Une épicerie de producteurs au village",
        project_summary=(
            "Une initiative née sur la liste du collectif : un lieu pour vendre les "
            "produits des fermes voisines."
        ),
        project_description=(
            "Nous cherchons un local, des bénévoles pour tenir la boutique deux heures par "
            "semaine, et des producteurs partants."
        ),
        call_to_action="Venez à la prochaine réunion, jeudi à 19 h à la salle des fêtes",
        news_title="Un local en vue",
        news_body="La mairie propose l'ancienne poste. Visite samedi à 10 h.",
    ),
    DemoCase(
        slug="demo-vallee-drome-en-transition",
        name="Vallée de la Drôme en transition (démo)",
        kind="association",
        centre_insee="26108",  # Crest
        radius_km=15,
        description=(
            "**Association fictive de démonstration.** Des chantiers de plantation "
            "d'arbres et de haies avec les habitants, les écoles et les agriculteurs."
        ),
        admins=(),
        facilitators=("martin@vallee-drome.demo.tissage.example",),
        project_slug="demo-sous-les-arbres",
        project_title="Sous les arbres, rejoignons-nous",
        project_summary=(
            "Plantons des haies et des arbres dans nos communes : des chantiers d'une "
            "demi-journée, ouverts à tous, outils fournis."
        ),
        project_description=(
            "Chaque samedi de novembre à mars, un chantier de plantation dans une commune "
            "de la vallée. Venez avec des gants et de bonnes chaussures."
        ),
        call_to_action="Plantez un arbre avec nous samedi matin",
        news_title="300 arbres plantés à Aouste-sur-Sye",
        news_body="Bravo aux 45 participantes et participants du chantier de samedi !",
    ),
]


def _ensure_communes(stdout: Writer | None) -> None:
    for filename in COMMUNE_FILES:
        department = filename.split("-")[1]
        if not Commune.objects.filter(department=department).exists():
            report = communes_import(path=DATA_DIR / filename)
            if stdout:
                stdout.write(f"  {report.total} communes ({filename})\n")


@transaction.atomic
def _load_case(case: DemoCase) -> None:
    organisation = Organisation.objects.filter(slug=case.slug).first()
    if organisation is None:
        organisation = organisation_create(
            name=case.name,
            slug=case.slug,
            kind=case.kind,
            description=case.description,
            contact_email=f"contact@{case.slug}.example",
            communes=_near(case.centre_insee, case.radius_km),
            admins=[_person(e) for e in case.admins],
            facilitators=[_person(e) for e in case.facilitators],
            is_demo=True,
        )
    project = Project.objects.filter(slug=case.project_slug).first()
    if project is None:
        creator = _person((case.facilitators or case.admins)[0])
        project = project_create(
            organisation=organisation,
            creator=creator,
            slug=case.project_slug,
            title=case.project_title,
            summary=case.project_summary,
            description=case.project_description,
            status=Project.Status.PUBLISHED,
            call_to_action=case.call_to_action,
            communes=_near(case.centre_insee, case.radius_km / 2),
        )
        project_join(project=project, user=_person("jeanne@demo.tissage.example"))
    if not NewsPost.objects.filter(project=project, title=case.news_title).exists():
        news_post_publish(
            project=project,
            author=_person((case.facilitators or case.admins)[0]),
            title=case.news_title,
            body=case.news_body,
        )


def demo_load(*, stdout: Writer | None = None) -> None:
    _ensure_communes(stdout)
    for person in DEMO_PEOPLE:
        _person(person.email)
    for case in CASES:
        _load_case(case)
    with transaction.atomic():
        inventory_load(
            project=Project.objects.get(slug=CASES[0].project_slug),
            facilitator=_person(CASES[0].facilitators[0]),
            inhabitant=_person("jeanne@demo.tissage.example"),
        )
        collective = collectives_load(
            organisation=Organisation.objects.get(slug=CASES[1].slug),
            coordinator=_person(CASES[1].admins[0]),
            inhabitant=_person("jeanne@demo.tissage.example"),
            shop=Project.objects.get(slug=CASES[1].project_slug),
        )
        actions_load(
            planting=Project.objects.get(slug=CASES[2].project_slug),
            collective=collective.project or Project.objects.get(slug=CASES[1].project_slug),
            inhabitant=_person("jeanne@demo.tissage.example"),
        )
        mobilisation_load(
            planting=Project.objects.get(slug=CASES[2].project_slug),
            facilitator=_person(CASES[2].facilitators[0]),
            campaign=Campaign.objects.get(slug=CAMPAIGN_SLUG),
            inventory_facilitator=_person(CASES[0].facilitators[0]),
            collective=collective,
        )
        consultations_load(
            planting=Project.objects.get(slug=CASES[2].project_slug),
            planting_facilitator=_person(CASES[2].facilitators[0]),
            heritage=Project.objects.get(slug=CASES[0].project_slug),
            heritage_facilitator=_person(CASES[0].facilitators[0]),
            inhabitant=_person("jeanne@demo.tissage.example"),
        )
    # The dashboards read pre-aggregated figures: built once the data is in.
    dashboard_refresh()
