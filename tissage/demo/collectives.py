"""Demo collective: the CLAC of the bassin de Londres, with its list, its hub page (the
"gare centrale"), wiki pages, initiatives at every stage and a held email from a
stranger — all through the services, as people would make them.

Members receive the list as a daily digest, so loading the demo sends no flood of email.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from tissage.accounts.models import User
from tissage.collectives.collective.services import collective_create
from tissage.collectives.initiatives.services import (
    initiative_join,
    initiative_propose,
    initiative_set_status,
)
from tissage.collectives.lists import services
from tissage.collectives.lists.mail.inbound import receive
from tissage.collectives.models import Collective, CollectiveMembership, Initiative
from tissage.collectives.wiki import services as wiki
from tissage.organisations.models import Organisation
from tissage.projects.models import Project

SLUG = "clac-bassin-de-londres"
# Inhabitants of the collective besides the demo people (data.DEMO_PEOPLE).
MEMBERS = {"paul": "Paul", "sofia": "Sofia", "yves": "Yves"}

HUB = """Bienvenue sur la **gare centrale** du collectif : d’ici partent toutes les lignes.

## Ce qui roule en ce moment

- [[Épicerie de producteurs]] : le local de l’ancienne poste, ouverture au printemps.
- [[Guinguette d’été]] : on cherche des bras pour juillet.
- [[Jardins partagés]] : une idée à faire pousser.

## Se retrouver

Réunion mensuelle le premier jeudi du mois, 19 h, salle des fêtes de
Saint-Martin-de-Londres. Les comptes rendus sont dans [[Comptes rendus]].

## Écrire à tout le monde

Écrivez à l’adresse de la liste, ou ouvrez une discussion sur le site.
"""

SHOP = """Un lieu pour vendre les produits des fermes voisines.

- Local : l’ancienne poste (proposé par la mairie).
- Permanences : deux heures par semaine et par bénévole.
- Producteurs partants : 7 à ce jour.
"""

THREADS = [
    (
        "Covoiturage pour la réunion de jeudi",
        "Je pars de Notre-Dame-de-Londres vers 18 h 40, deux places libres. Qui est partant ?",
        [
            ("paul", "Moi ! Je vous attends devant l’église."),
            ("sofia", "Je peux ramener deux personnes vers Viols-le-Fort après."),
        ],
    ),
    (
        "Le local de l’épicerie : visite samedi",
        "La mairie nous fait visiter l’ancienne poste **samedi à 10 h**. Venez nombreux, "
        "on a besoin d’avis sur l’aménagement.",
        [
            ("jeanne", "J’y serai, avec un mètre ruban."),
            ("yves", "Pensez à regarder l’accès pour les fauteuils roulants."),
            ("lea", "Bien vu. J’ajoute un point sur la [[Épicerie de producteurs]]."),
        ],
    ),
    (
        "Des graines pour les jardins partagés",
        "J’ai des semences de tomates anciennes en trop. Qui en veut ?",
        [("paul", "Moi ! Et j’ai des courges à échanger.")],
    ),
]

STRANGER_MAIL = (
    "From: Marc Dupuis <marc.dupuis@example.net>\r\n"
    f"To: {SLUG}@LIST_DOMAIN\r\n"
    "Subject: Vente de bois de chauffage\r\n"
    "Message-ID: <demo-stranger-1@example.net>\r\n"
    "Date: Thu, 26 Nov 2026 09:00:00 +0100\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Bonjour, je vends du bois de chêne sec, livraison possible. Marc\r\n"
)


def _people(emails: dict[str, str]) -> dict[str, User]:
    people = {}
    for key, name in emails.items():
        email = f"{key}@clac-londres.demo.tissage.example"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, display_name=name
        )
        people[key] = user
    return people


@transaction.atomic
def collectives_load(
    *, organisation: Organisation, coordinator: User, inhabitant: User, shop: Project
) -> Collective:
    existing = Collective.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    communes = list(organisation.communes.order_by("name")[:12])
    collective = collective_create(
        organisation=organisation,
        creator=coordinator,
        slug=SLUG,
        name="CLAC du bassin de Londres",
        description=(
            "Le **Collectif Local d’Action Citoyenne** du bassin de Londres : des habitants "
            "qui s’organisent pour faire vivre leurs villages. Une liste de discussion, une "
            "gare centrale, une réunion par mois — et des initiatives qui deviennent des projets."
        ),
        communes=communes,
        admission=Collective.Admission.OPEN,
        archive_visibility=Collective.ArchiveVisibility.PUBLIC,
        hold_first_posts=True,
    )
    people = {"lea": coordinator, "jeanne": inhabitant}
    people.update(_people(MEMBERS))
    # Joined long ago (no welcome email now), reading the list as a daily digest.
    memberships = {"lea": CollectiveMembership.objects.get(collective=collective, user=coordinator)}
    for key, user in people.items():
        if key != "lea":
            memberships[key] = CollectiveMembership.objects.create(
                collective=collective, user=user, trusted=True
            )
    CollectiveMembership.objects.filter(collective=collective).update(
        delivery=CollectiveMembership.Delivery.DIGEST
    )
    for membership in memberships.values():
        membership.refresh_from_db()

    hub = collective.wiki_pages.get(is_hub=True)
    wiki.page_save(
        page=hub,
        base_number=1,
        title=hub.title,
        body=HUB,
        comment="Les lignes en cours",
        author=coordinator,
    )
    wiki.page_create(
        collective=collective, title="Épicerie de producteurs", body=SHOP, author=inhabitant
    )

    for subject, body, replies in THREADS:
        first = services.thread_start(
            collective=collective,
            author=coordinator,
            subject=subject,
            body=body,
            membership=memberships["lea"],
        )
        parent = first
        for key, text in replies:
            parent = services.message_reply(
                thread=first.thread,
                parent=parent,
                author=people[key],
                body=text,
                membership=memberships[key],
            )

    _initiatives(collective, people, memberships, shop)
    receive(STRANGER_MAIL.replace("LIST_DOMAIN", settings.LIST_DOMAIN).encode())
    return collective


def _initiatives(
    collective: Collective,
    people: dict[str, User],
    memberships: dict[str, CollectiveMembership],
    shop: Project,
) -> None:
    grocery = initiative_propose(
        collective=collective,
        proposer=people["jeanne"],
        title="Épicerie de producteurs",
        what="Un lieu pour vendre les produits des fermes voisines, tenu par des bénévoles.",
        where="Ancienne poste, Saint-Martin-de-Londres",
        needs="Des bénévoles pour deux heures par semaine, des producteurs partants.",
        membership=memberships["jeanne"],
    )
    for key in ("lea", "paul", "sofia"):
        initiative_join(initiative=grocery, user=people[key])
    initiative_set_status(initiative=grocery, status=Initiative.Status.ACTIVE)
    # Already a project of the organisation in the demo (made before collectives existed).
    Initiative.objects.filter(pk=grocery.pk).update(project=shop)

    guinguette = initiative_propose(
        collective=collective,
        proposer=people["sofia"],
        title="Guinguette d’été",
        what="Une guinguette au bord de l’eau en juillet : musique, buvette, jeux.",
        where="Bords du Lamalou",
        needs="Des musiciens, une buvette, des bras pour monter et démonter.",
        membership=memberships["sofia"],
    )
    initiative_join(initiative=guinguette, user=people["yves"])
    initiative_set_status(initiative=guinguette, status=Initiative.Status.FORMING)

    initiative_propose(
        collective=collective,
        proposer=people["paul"],
        title="Jardins partagés",
        what="Des parcelles à cultiver ensemble, et un composteur collectif.",
        where="Terrain communal derrière l’école",
        needs="Un terrain, de l’eau, des jardiniers débutants et confirmés.",
        membership=memberships["paul"],
    )
