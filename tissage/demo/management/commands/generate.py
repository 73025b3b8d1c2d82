"""`tissage generate --scale N`: a large, deterministic dataset for benchmarks.

For scale N: N x 1,000 people, N x 100 organisations, N x 1,000 projects with a few team
members, news posts and communes each, and N x 2 heritage inventory campaigns holding
N x 4,000 items (the first campaign N x 2,000, so that its pages grow with N; the others
share the rest), published but for a few waiting for moderation, each with a photo or
two and its history. Rows are written with `bulk_create` in a single transaction: at
scale 10 that is about 150,000 rows in seconds, plus the inventory.

Unlike the demo (convention 11), this data does not go through the services: one
query per row would make a 10,000-project dataset take many minutes, and every value
is built here to satisfy the same constraints (unique slugs and emails, one role per
person and project, valid choices). Campaigns are the exception: few, they go through
`campaign_create`, which brings the heritage categories and fields. Photos go through
`photo_prepare` a few times per campaign; items share their files (fine for a bench).

Longer than 500 lines on purpose: one generator whose steps draw from one seeded random
sequence in a fixed order (the dataset is the same at every run); split, the order would
be spread across modules that must still be read together.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw
from shapely import contains_xy, prepare

from tissage.accounts.models import User
from tissage.actions.models import Action, ImpactCounter, ImpactValue, Registration, Role
from tissage.core.photos import PreparedPhoto, photo_prepare
from tissage.dashboard.refresh import dashboard_refresh
from tissage.demo.data import COMMUNE_FILES
from tissage.demo.data import DATA_DIR as COMMUNE_DATA_DIR
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.models import Campaign, Contribution, ContributionEvent, Photo
from tissage.organisations.models import Organisation, OrganisationMembership
from tissage.projects.models import NewsPost, Project, ProjectMembership
from tissage.territories.models import Commune
from tissage.territories.services import communes_import

EMAIL_DOMAIN = "generated.tissage.example"
BATCH_SIZE = 1000
CAMPAIGNS_PER_SCALE = 2
ITEMS_PER_SCALE = 10_000
FIRST_CAMPAIGN_PER_SCALE = 2000  # the inventory bench's largest campaign
ACTIONS_PER_SCALE = 700
REGISTRATIONS_PER_SCALE = 10_000
GUEST_SHARE = 0.2  # registrations without an account
ASSISTED_SHARE = 0.1  # registrations a facilitator entered for someone
WAITING_SHARE = 0.05  # items submitted, not yet moderated: the public pages leave them out
PHOTOS_PER_CAMPAIGN = 3

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Alice", "Lina", "Rose",
    "Anna", "Zoé", "Jeanne", "Mila", "Ambre", "Lucas", "Hugo", "Louis", "Gabriel", "Arthur",
    "Jules", "Adam", "Nathan", "Mehdi", "Martin", "Paul", "Raphaël", "Sacha", "Yanis", "Noé",
    "Thérèse", "Marcel", "Odette", "Fernand", "Josiane", "Bernard", "Monique", "Gérard",
]  # fmt: skip
ORGANISATION_PREFIXES = {
    Organisation.Kind.PETR: "PETR",
    Organisation.Kind.INTERCOMMUNALITY: "Communauté de communes de",
    Organisation.Kind.COMMUNE: "Mairie de",
    Organisation.Kind.PARK: "Parc naturel régional de",
    Organisation.Kind.ASSOCIATION: "Association des amis de",
    Organisation.Kind.COLLECTIVE: "Collectif citoyen de",
    Organisation.Kind.OTHER: "Tiers-lieu de",
}
KIND_WEIGHTS = [2, 4, 10, 1, 45, 30, 8]  # in the order of Organisation.Kind
PROJECT_THEMES = [
    ("Jardin partagé", "Cultivons ensemble un potager ouvert à tous, au cœur du village."),
    ("Inventaire du petit patrimoine", "Lavoirs, croix, puits : recensons ce qui fait le pays."),
    ("Chantier de plantation de haies", "Des haies pour les oiseaux, l'ombre et l'eau."),
    ("Épicerie de producteurs", "Un lieu pour vendre les produits des fermes voisines."),
    ("Fête de la transition", "Une journée de rencontres, d'ateliers et de musique."),
    ("Atelier de réparation de vélos", "Réparer plutôt que jeter, et apprendre en chemin."),
    ("Covoiturage solidaire", "Personne ne reste seul sans voiture pour aller au marché."),
    ("Café associatif", "Un lieu chaleureux pour se retrouver toute l'année."),
    ("Nettoyage des berges", "Une matinée pour rendre la rivière plus belle."),
    ("Compostage de quartier", "Des bacs partagés et des conseils pour bien composter."),
    ("Sentier de découverte", "Baliser un chemin qui raconte l'histoire du paysage."),
    ("Bibliothèque de rue", "Des livres en libre accès dans des boîtes faites main."),
]
CALLS_TO_ACTION = [
    "Venez à la prochaine réunion, jeudi à 19 h à la salle des fêtes",
    "Plantez un arbre avec nous samedi matin",
    "Signalez un élément de patrimoine près de chez vous",
    "Rejoignez l'équipe des bénévoles",
    "",
]
PARAGRAPHS = [
    "Chacun peut participer, quel que soit son âge : une heure par mois suffit. "
    "L'équipe accueille les nouveaux venus **chaque premier samedi**.",
    "Le projet est né d'une discussion au marché. Depuis, une vingtaine d'habitants "
    "s'y sont engagés, avec le soutien de la mairie et de plusieurs associations.",
    "## Comment participer\n\n1. Rejoignez le projet.\n2. Venez au prochain rendez-vous.\n"
    "3. Parlez-en autour de vous.",
    "Nous cherchons du matériel (outils, bâches, tables) et des idées : "
    "écrivez-nous ou passez nous voir.",
    "Les comptes rendus des réunions sont publiés dans les actualités du projet, "
    "pour que tout le monde sache où nous en sommes.",
]
# Dating as Mérimée writes it (SCLE), so that the period filter has centuries to read;
# an item in six has no date, as in the field.
CENTURIES = ["16e siècle", "17e siècle", "18e siècle", "19e siècle", "19e siècle", "20e siècle"]
# Common things first: the weights follow heritage.CATEGORIES (lavoirs, croix, puits...).
CATEGORY_WEIGHTS = [14, 8, 10, 4, 12, 4, 3, 5, 8, 4, 5, 4, 3, 4, 2, 10]
STATES = ["bon état", "état moyen", "mauvais état", "menacé", "vestiges", "restauré"]
MATERIALS = ["calcaire", "grès", "galets", "brique", "pisé", "bois"]
PLACE_NAMES = ["le Bourg", "la Fontaine", "les Aires", "le Moulin", "la Croix", "les Vignes"]
ITEM_DESCRIPTIONS = [
    "Repéré lors d'une balade du dimanche, au bord du chemin.",
    "Bien entretenu par les voisins ; une plaque rappelle sa restauration.",
    "Envahi par la végétation, il mériterait un nettoyage.",
    "Les anciens se souviennent qu'on y venait encore dans les années 1950.",
    "",
]
PHOTO_COLOURS = ["#8a7f6a", "#a39171", "#6f7a5c", "#9c8466", "#7d7468"]
NEWS_TITLES = [
    "Compte rendu de la réunion de lancement",
    "Merci à toutes et à tous !",
    "Prochain rendez-vous",
    "Un nouveau partenaire nous rejoint",
    "Les photos de la journée",
    "Appel aux bénévoles",
]


def _with_timestamps(*fields: models.DateTimeField[Any, Any]) -> Any:
    """Let generated rows keep their own dates instead of `auto_now(_add)`'s “now”.

    Listings sort by `updated_at`: rows all stamped within the same second would not
    behave like a real history.
    """

    @contextmanager
    def manager() -> Iterator[None]:
        saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
        for field in fields:
            field.auto_now = field.auto_now_add = False
        try:
            yield
        finally:
            for field, auto_now, auto_now_add in saved:
                field.auto_now, field.auto_now_add = auto_now, auto_now_add

    return manager()


def _field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


def _created_pks(model: type[models.Model], objs: Sequence[models.Model]) -> list[int]:
    """Primary keys of rows just bulk-created (PostgreSQL and SQLite return them)."""
    pks = [obj.pk for obj in objs]
    if any(pk is None for pk in pks):  # pragma: no cover - backends without RETURNING
        raise CommandError(f"The database did not return the new {model.__name__} ids.")
    return pks


class Command(BaseCommand):
    help = (
        "Generate a large dataset for the benchmarks (bench/). Deterministic: N x 1000 people, "
        "N x 100 organisations, N x 1000 projects, with members, news and communes, "
        "and N x 2 heritage inventories of N x 4000 items in all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="size factor N (default 1)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="add another dataset even if generated data is already there",
        )

    def handle(self, *args: Any, scale: int, seed: int, force: bool, **options: Any) -> None:
        if scale < 1:
            raise CommandError("--scale doit être un entier positif (--scale must be ≥ 1).")
        already = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
        if already and not force:
            raise CommandError(
                f"Cette base contient déjà des données générées ({already} personnes "
                f"@{EMAIL_DOMAIN}). Utilisez une base vide, ou ajoutez --force pour générer "
                f"un jeu de plus par-dessus. (This database already holds generated data: "
                f"use an empty database, or pass --force to add another dataset.)"
            )
        started = time.perf_counter()
        self.rng = random.Random(seed)
        # Timestamps are relative to one instant so that a run is reproducible.
        self.now = timezone.now().replace(microsecond=0)
        # With --force, numbering continues after the existing rows: emails and slugs stay unique.
        self.offset = already
        self._import_communes()
        self.commune_ids = list(Commune.objects.order_by("insee_code").values_list("pk", flat=True))
        if not self.commune_ids:
            raise CommandError("No commune could be imported.")
        with (
            transaction.atomic(),
            _with_timestamps(
                _field(Organisation, "created_at"),
                _field(OrganisationMembership, "joined_at"),
                _field(Project, "created_at"),
                _field(Project, "updated_at"),
                _field(ProjectMembership, "joined_at"),
                _field(Contribution, "created_at"),
                _field(Contribution, "updated_at"),
                _field(Action, "created_at"),
                _field(Action, "updated_at"),
            ),
        ):
            counts = self._generate(scale)
        refreshed = dashboard_refresh()
        self.stdout.write(f"  dashboard participation rows  {refreshed.participations:>9,}")
        self._analyze()
        elapsed = time.perf_counter() - started
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {sum(counts.values()):,} rows at scale {scale} "
                f"(seed {seed}) in {elapsed:.1f} s."
            )
        )

    def _analyze(self) -> None:
        """Refresh the planner's statistics, as autovacuum would soon after a bulk load.

        Without them PostgreSQL plans the first queries for empty tables, and a benchmark
        run right after generating would measure that accident.
        """
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _import_communes(self) -> None:
        for filename in COMMUNE_FILES:
            department = filename.split("-")[1]
            if not Commune.objects.filter(department=department).exists():
                report = communes_import(path=COMMUNE_DATA_DIR / filename)
                self.stdout.write(f"  imported {report.total} communes from {filename}")

    def _ago(self, max_days: int) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(max_days * 86400))

    def _between(self, start: datetime) -> datetime:
        return start + (self.now - start) * self.rng.random()

    def _generate(self, scale: int) -> dict[str, int]:
        users = self._people(scale * 1000)
        organisations, staff = self._organisations(scale * 100, users)
        projects, project_communes = self._projects(scale * 1000, organisations)
        memberships = self._project_memberships(projects, staff, users)
        news = self._news(projects, memberships)
        inventory = self._inventories(scale, projects, memberships, users)
        actions = self._actions(scale, projects, memberships, users)
        return {
            "people": len(users),
            "organisations": len(organisations),
            "organisation members": sum(len(s) for s in staff.values()),
            "organisation communes": self.organisation_communes,
            "projects": len(projects),
            "project members": sum(len(m) for m in memberships.values()),
            "project communes": project_communes,
            "news posts": news,
            **inventory,
            **actions,
        }

    def _people(self, count: int) -> list[int]:
        rng = self.rng
        # One hash for everybody: it is unusable anyway, and hashing costs time.
        unusable = make_password(None)
        people = []
        for n in range(self.offset, self.offset + count):
            joined = self._ago(900)
            people.append(
                User(
                    email=f"person{n}@{EMAIL_DOMAIN}",
                    password=unusable,
                    display_name=(
                        f"{rng.choice(FIRST_NAMES)} {chr(65 + n % 26)}."
                        if rng.random() < 0.7
                        else ""
                    ),
                    home_commune_id=rng.choice(self.commune_ids) if rng.random() < 0.8 else None,
                    language="en" if rng.random() < 0.05 else "fr",
                    email_confirmed_at=joined if rng.random() < 0.9 else None,
                    date_joined=joined,
                )
            )
        created = User.objects.bulk_create(people, batch_size=BATCH_SIZE)
        return _created_pks(User, created)

    def _organisations(
        self, count: int, users: list[int]
    ) -> tuple[list[int], dict[int, list[int]]]:
        rng = self.rng
        kinds = list(Organisation.Kind)
        communes = self.commune_ids
        organisations, coverage = [], []
        for n in range(self.offset // 10, self.offset // 10 + count):
            kind = rng.choices(kinds, weights=KIND_WEIGHTS)[0]
            # Consecutive INSEE codes are neighbours more often than not: a plausible area.
            start = rng.randrange(len(communes))
            covered = communes[start : start + rng.randint(1, 40)]
            name = f"{ORGANISATION_PREFIXES[kind]} secteur {n + 1}"
            organisations.append(
                Organisation(
                    name=name,
                    slug=f"{slugify(name)[:60]}-g{n}",
                    kind=kind,
                    description="\n\n".join(rng.sample(PARAGRAPHS, 2)),
                    website=f"https://org{n}.{EMAIL_DOMAIN}/" if rng.random() < 0.5 else "",
                    contact_email=f"contact{n}@{EMAIL_DOMAIN}",
                    created_at=self._ago(1000),
                )
            )
            coverage.append(covered)
        created = Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
        pks = _created_pks(Organisation, created)
        through = Organisation.communes.through
        links = [
            through(organisation_id=pk, commune_id=commune)
            for pk, covered in zip(pks, coverage, strict=True)
            for commune in covered
        ]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        self.organisation_communes = len(links)
        self.organisation_coverage = dict(zip(pks, coverage, strict=True))

        staff: dict[int, list[int]] = {}
        members = []
        for pk in pks:
            chosen = rng.sample(users, rng.randint(1, 3))
            staff[pk] = chosen
            for index, user in enumerate(chosen):
                role = (
                    OrganisationMembership.Role.ADMIN
                    if index == 0
                    else OrganisationMembership.Role.FACILITATOR
                )
                members.append(
                    OrganisationMembership(
                        organisation_id=pk, user_id=user, role=role, joined_at=self._ago(900)
                    )
                )
        OrganisationMembership.objects.bulk_create(members, batch_size=BATCH_SIZE)
        return pks, staff

    def _projects(self, count: int, organisations: list[int]) -> tuple[list[Project], int]:
        rng = self.rng
        # Most organisations run a handful of projects, a few run many (capped at 10x
        # the mean so that no single page is absurd).
        weights = [min(rng.paretovariate(1.2), 10.0) for _ in organisations]
        statuses = [Project.Status.PUBLISHED, Project.Status.DRAFT, Project.Status.ARCHIVED]
        projects, communes_of = [], []
        for n in range(self.offset, self.offset + count):
            organisation = rng.choices(organisations, weights=weights)[0]
            theme, summary = rng.choice(PROJECT_THEMES)
            area = self.organisation_coverage[organisation] or self.commune_ids
            created = self._ago(730)
            title = f"{theme} n° {n + 1}"
            projects.append(
                Project(
                    organisation_id=organisation,
                    title=title,
                    slug=f"{slugify(title)[:60]}-g{n}",
                    summary=summary,
                    description="\n\n".join(rng.sample(PARAGRAPHS, rng.randint(1, 4))),
                    status=rng.choices(statuses, weights=[85, 10, 5])[0],
                    call_to_action=rng.choice(CALLS_TO_ACTION),
                    created_at=created,
                    updated_at=created + (self.now - created) * rng.random(),
                )
            )
            communes_of.append(rng.sample(area, min(len(area), rng.randint(1, 5))))
        created_projects = Project.objects.bulk_create(projects, batch_size=BATCH_SIZE)
        _created_pks(Project, created_projects)
        through = Project.communes.through
        links = [
            through(project_id=project.pk, commune_id=commune)
            for project, chosen in zip(created_projects, communes_of, strict=True)
            for commune in chosen
        ]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        return created_projects, len(links)

    def _project_memberships(
        self, projects: list[Project], staff: dict[int, list[int]], users: list[int]
    ) -> dict[int, list[tuple[int, str]]]:
        rng = self.rng
        memberships: dict[int, list[tuple[int, str]]] = {}
        rows = []
        for project in projects:
            facilitator = rng.choice(staff[project.organisation_id])
            team: list[tuple[int, str]] = [(facilitator, ProjectMembership.Role.FACILITATOR)]
            others = [u for u in rng.sample(users, rng.randint(0, 8)) if u != facilitator]
            team += [(user, ProjectMembership.Role.MEMBER) for user in others]
            memberships[project.pk] = team
            for user, role in team:
                rows.append(
                    ProjectMembership(
                        project_id=project.pk,
                        user_id=user,
                        role=role,
                        joined_at=self._between(project.created_at),
                    )
                )
        ProjectMembership.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        return memberships

    def _news(self, projects: list[Project], memberships: dict[int, list[tuple[int, str]]]) -> int:
        rng = self.rng
        posts = []
        for project in projects:
            if project.status == Project.Status.DRAFT:
                continue
            author = memberships[project.pk][0][0]
            for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4, 6])):
                when = self._between(project.created_at)
                posts.append(
                    NewsPost(
                        project_id=project.pk,
                        title=rng.choice(NEWS_TITLES),
                        body="\n\n".join(rng.sample(PARAGRAPHS, rng.randint(1, 2))),
                        author_id=author if rng.random() < 0.95 else None,
                        published_at=when,
                    )
                )
        NewsPost.objects.bulk_create(posts, batch_size=BATCH_SIZE)
        return len(posts)

    # --- inventories -------------------------------------------------------------------

    def _inventories(
        self,
        scale: int,
        projects: list[Project],
        memberships: dict[int, list[tuple[int, str]]],
        users: list[int],
    ) -> dict[str, int]:
        rng = self.rng
        published = [p for p in projects if p.status == Project.Status.PUBLISHED]
        # Heritage projects first: the inventory belongs there. Others if they run out.
        themed = [p for p in published if p.title.startswith("Inventaire du petit patrimoine")]
        count = CAMPAIGNS_PER_SCALE * scale
        chosen = rng.sample(themed, min(count, len(themed)))
        rest = [p for p in published if p not in chosen]
        chosen += rng.sample(rest, min(count - len(chosen), len(rest)))
        total = ITEMS_PER_SCALE * scale
        first = min(FIRST_CAMPAIGN_PER_SCALE * scale, total) if len(chosen) > 1 else total
        sizes = [first] + [
            (total - first) // (len(chosen) - 1) + (n < (total - first) % (len(chosen) - 1))
            for n in range(len(chosen) - 1)
        ]
        # Who is named on the items and in their history: public names, read once.
        people = User.objects.in_bulk(
            {u for p in chosen for u, _ in memberships[p.pk]} | set(rng.sample(users, 200))
        )
        counts = dict.fromkeys(
            ["inventory campaigns", "inventory items", "item photos", "item events"], 0
        )
        for number, (project, size) in enumerate(zip(chosen, sizes, strict=True)):
            items, photos, events = self._campaign(
                self.offset // 500 + number, project, size, memberships[project.pk], people
            )
            counts["inventory campaigns"] += 1
            counts["inventory items"] += items
            counts["item photos"] += photos
            counts["item events"] += events
        return counts

    def _campaign(
        self,
        number: int,
        project: Project,
        size: int,
        team: list[tuple[int, str]],
        people: dict[int, User],
    ) -> tuple[int, int, int]:
        rng = self.rng
        area = self.organisation_coverage[project.organisation_id] or self.commune_ids
        communes = list(Commune.objects.filter(pk__in=area).order_by("insee_code"))
        started = self._between(project.created_at)
        campaign = campaign_create(
            project=project,
            title=f"Petit patrimoine — {project.title}",
            slug=f"patrimoine-g{number}",
            template=Campaign.Template.HERITAGE,
            presentation="\n\n".join(rng.sample(PARAGRAPHS, 2)),
            method=PARAGRAPHS[2],
            starts_on=started.date(),
            communes=communes,
        )
        categories = list(campaign.categories.order_by("position"))
        weights = CATEGORY_WEIGHTS[: len(categories)]
        period_key = campaign.period_field_key()
        moderator = people[team[0][0]]
        contributors = [people[u] for u, _ in team] + rng.sample(
            list(people.values()), min(20, len(people))
        )
        shapes = [commune.shape for commune in communes]
        for shape in shapes:
            prepare(shape)  # many containment tests below
        # Some places hold much more than others, as around a town.
        commune_weights = [rng.choice([1, 1, 1, 3, 10]) for _ in communes]

        items = []
        for n in range(size):
            index = rng.choices(range(len(communes)), weights=commune_weights)[0]
            commune = communes[index]
            lon, lat = self._point_in(commune, shapes[index])
            category = rng.choices(categories, weights=weights)[0]
            contributor = rng.choice(contributors)
            created = self._between(started)
            waiting = rng.random() < WAITING_SHARE
            values: dict[str, Any] = {
                "etat": rng.choice(STATES),
                "materiaux": rng.sample(MATERIALS, rng.randint(1, 2)),
            }
            if rng.random() < 5 / 6:
                values["siecle"] = rng.choice(CENTURIES)
            if rng.random() < 0.4:
                values["lieu_dit"] = rng.choice(PLACE_NAMES)
            item = Contribution(
                campaign=campaign,
                category=category,
                title=f"{category.name} n° {n + 1} de {commune.name}",
                description=rng.choice(ITEM_DESCRIPTIONS),
                values=values,
                longitude=lon,
                latitude=lat,
                commune=commune,
                obscure_location=rng.random() < 0.05,
                status=(
                    Contribution.Status.SUBMITTED if waiting else Contribution.Status.VALIDATED
                ),
                licence=campaign.licence,
                contributor=contributor,  # an object, not an id: its name is read below
                show_contributor=rng.random() < 0.9,
                consent_at=created,
                created_at=created,
                updated_at=created,
                validated_at=None if waiting else self._between(created),
            )
            # bulk_create skips save(), which keeps the century in step otherwise.
            item.century = item.century_from_values(period_key)
            items.append(item)
        Contribution.objects.bulk_create(items, batch_size=BATCH_SIZE)
        _created_pks(Contribution, items)

        # Public files for published items, private ones for the rest (core/files.py).
        files = {
            private: [
                self._photo_files(rng, campaign.title, private=private)
                for _ in range(PHOTOS_PER_CAMPAIGN)
            ]
            for private in (False, True)
        }

        def credit(item: Contribution) -> str:
            if item.show_contributor and item.contributor is not None:
                return item.contributor.public_name
            return "Équipe du projet"

        photos, events = [], []
        for item in items:
            for position in range(1 if rng.random() < 0.75 else 2):
                image, thumbnail, prepared = rng.choice(files[item.validated_at is None])
                photos.append(
                    Photo(
                        contribution=item,
                        image=image,
                        thumbnail=thumbnail,
                        width=prepared.width,
                        height=prepared.height,
                        credit=credit(item),
                        position=position,
                    )
                )
            events.append(
                ContributionEvent(
                    contribution=item,
                    kind=ContributionEvent.Kind.SUBMITTED,
                    actor_id=item.contributor_id,
                    actor_name=item.contributor.public_name if item.contributor else "",
                    to_status=Contribution.Status.SUBMITTED,
                    created_at=item.created_at,
                )
            )
            if item.validated_at is not None:
                events.append(
                    ContributionEvent(
                        contribution=item,
                        kind=ContributionEvent.Kind.DECIDED,
                        actor_id=moderator.pk,
                        actor_name=moderator.public_name,
                        from_status=Contribution.Status.SUBMITTED,
                        to_status=Contribution.Status.VALIDATED,
                        created_at=item.validated_at,
                    )
                )
        Photo.objects.bulk_create(photos, batch_size=BATCH_SIZE)
        ContributionEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        return len(items), len(photos), len(events)

    # --- actions ------------------------------------------------------------------------

    def _actions(
        self,
        scale: int,
        projects: list[Project],
        memberships: dict[int, list[tuple[int, str]]],
        users: list[int],
    ) -> dict[str, int]:
        """Work-days over the past two years and the next two months, with N x 10,000
        registrations: most from accounts, some guests, some entered by a facilitator;
        attendance marked on past ones, and a counter of trees planted."""
        rng = self.rng
        published = [p for p in projects if p.status == Project.Status.PUBLISHED]
        # Uneven, as in the field: a few projects hold many actions.
        weights = [min(rng.paretovariate(1.2), 10.0) for _ in published]
        actions, places = [], []
        for n in range(ACTIONS_PER_SCALE * scale):
            project = rng.choices(published, weights=weights)[0]
            area = self.organisation_coverage[project.organisation_id] or self.commune_ids
            starts = (self.now - timedelta(days=730) + timedelta(days=rng.randrange(790))).replace(
                hour=9, minute=0, second=0
            )
            actions.append(
                Action(
                    project_id=project.pk,
                    kind=Action.Kind.WORKDAY,
                    title=f"Chantier n° {self.offset + n + 1}",
                    slug=f"chantier-g{self.offset + n}",
                    commune_id=rng.choice(area),
                    address="Place de la mairie",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=rng.choice([2, 3, 4])),
                    status=Action.Status.PUBLISHED,
                    created_at=starts - timedelta(days=30),
                    updated_at=starts - timedelta(days=30),
                )
            )
            places.append(rng.randint(10, 40))
        Action.objects.bulk_create(actions, batch_size=BATCH_SIZE)
        _created_pks(Action, actions)
        roles = [
            Role(action_id=action.pk, name="Planter", places=count)
            for action, count in zip(actions, places, strict=True)
        ]
        Role.objects.bulk_create(roles, batch_size=BATCH_SIZE)
        _created_pks(Role, roles)

        total = REGISTRATIONS_PER_SCALE * scale
        per_action = total // len(actions)
        registrations = []
        guest = self.offset * 10
        emails = {pk: f"person{self.offset + i}@{EMAIL_DOMAIN}" for i, pk in enumerate(users)}
        for index, (action, role) in enumerate(zip(actions, roles, strict=True)):
            count = per_action + (index < total - per_action * len(actions))
            past = action.starts_at < self.now
            facilitator = memberships[action.project_id][0][0]
            for user in rng.sample(users, count):
                kind = rng.random()
                if kind < GUEST_SHARE:
                    guest += 1
                    user_id, email = None, f"guest{guest % (len(users) * 2)}@{EMAIL_DOMAIN}"
                else:
                    user_id, email = user, emails[user]
                waiting = rng.random() < 0.05
                registrations.append(
                    Registration(
                        action_id=action.pk,
                        role_id=role.pk,
                        user_id=user_id,
                        email=email,
                        name=rng.choice(FIRST_NAMES),
                        status=(
                            Registration.Status.WAITING
                            if waiting
                            else Registration.Status.CONFIRMED
                        ),
                        entered_by_id=facilitator if kind > 1 - ASSISTED_SHARE else None,
                        created_at=action.starts_at - timedelta(days=rng.randint(1, 30)),
                        attended=(rng.random() < 0.85) if past and not waiting else None,
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=BATCH_SIZE)

        counters = {
            pk: ImpactCounter(project_id=pk, name="arbres plantés", unit="arbres")
            for pk in {action.project_id for action in actions}
        }
        ImpactCounter.objects.bulk_create(counters.values(), batch_size=BATCH_SIZE)
        _created_pks(ImpactCounter, list(counters.values()))
        values = [
            ImpactValue(
                counter_id=counters[action.project_id].pk,
                action_id=action.pk,
                value=rng.randrange(10, 300),
            )
            for action in actions
            if action.starts_at < self.now
        ]
        ImpactValue.objects.bulk_create(values, batch_size=BATCH_SIZE)
        return {
            "actions": len(actions),
            "registrations": len(registrations),
            "impact values": len(values),
        }

    def _point_in(self, commune: Commune, shape: Any) -> tuple[float, float]:
        for _ in range(20):
            lon = self.rng.uniform(commune.min_lon, commune.max_lon)
            lat = self.rng.uniform(commune.min_lat, commune.max_lat)
            if contains_xy(shape, lon, lat):
                return round(lon, 6), round(lat, 6)
        return commune.inside_point()

    def _photo_files(
        self, rng: random.Random, label: str, *, private: bool
    ) -> tuple[str, str, PreparedPhoto]:
        """One photo through the real pipeline, stored once; many items point to it (a
        bench's data: moderating one of them would move the file from under the others)."""
        image = Image.new("RGB", (800, 600), rng.choice(PHOTO_COLOURS))
        draw = ImageDraw.Draw(image)
        for _ in range(8):
            x, y = rng.randrange(0, 700), rng.randrange(200, 560)
            draw.rectangle((x, y, x + rng.randrange(40, 200), y + 30), fill="#d8cfbd")
        draw.text((30, 30), label, fill="#ffffff")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
        prepared = photo_prepare(
            SimpleUploadedFile("bench.jpg", buffer.getvalue(), content_type="image/jpeg")
        )
        # Files written now stay if the transaction rolls back: harmless bench leftovers.
        status = Contribution.Status.SUBMITTED if private else Contribution.Status.VALIDATED
        holder = Photo(contribution=Contribution(status=status))
        holder.image.save(prepared.image.name or "photo.jpg", prepared.image, save=False)
        holder.thumbnail.save(
            prepared.thumbnail.name or "thumbnail.webp", prepared.thumbnail, save=False
        )
        return holder.image.name or "", holder.thumbnail.name or "", prepared
