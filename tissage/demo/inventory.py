"""Demo inventory: a heritage campaign of the PETR with items on the map and a few
contributions waiting for moderation, all through the services."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from shapely import Point

from tissage.accounts.models import User
from tissage.core.photos import photo_prepare
from tissage.inventories.campaigns.milestones import campaign_milestone_announce
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.contributions.services import (
    PhotoInput,
    contribution_submit,
)
from tissage.inventories.models import Campaign, Contribution
from tissage.inventories.moderation.services import contribution_decide
from tissage.projects.models import Project

CAMPAIGN_SLUG = "demo-petit-patrimoine-garrigues"
PUBLISHED_COUNT = 120
WAITING_COUNT = 4
KINDS = [
    ("lavoir", "Lavoir", "XIXe siècle"),
    ("croix", "Croix", "XVIIIe siècle"),
    ("puits", "Puits", "XIXe siècle"),
    ("cabane", "Capitelle", "XVIIIe siècle"),
    ("fontaine", "Fontaine", "XIXe siècle"),
    ("moulin", "Moulin", "XVIIe siècle"),
]
COLOURS = ["#8a7f6a", "#a39171", "#6f7a5c", "#9c8466", "#7d7468"]

METHOD = (
    "Cherchez les éléments du **petit patrimoine** : lavoirs, croix, puits, capitelles, "
    "fontaines, moulins…\n\n"
    "- Une photo d'ensemble, de face, en plein jour ; une seconde pour un détail.\n"
    "- Placez le point là où se trouve l'élément, pas là où vous êtes.\n"
    "- Sur un terrain privé, demandez l'accord du propriétaire ; vous pouvez masquer "
    "le lieu exact."
)


def _photo(rng: random.Random, label: str) -> PhotoInput:
    image = Image.new("RGB", (1200, 900), rng.choice(COLOURS))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(0, 1100), rng.randrange(300, 850)
        draw.rectangle((x, y, x + rng.randrange(60, 300), y + 40), fill="#d8cfbd")
    draw.text((40, 40), label, fill="#ffffff")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    upload = SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg")
    return PhotoInput(photo=photo_prepare(upload), credit="Association des amis du patrimoine")


def _point_in(commune, rng: random.Random) -> tuple[float, float]:
    shape = commune.shape
    west, south, east, north = shape.bounds
    for _ in range(30):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if shape.contains(Point(lon, lat)):
            return round(lon, 6), round(lat, 6)
    return commune.inside_point()


def inventory_load(*, project: Project, facilitator: User, inhabitant: User) -> Campaign:
    campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is not None:
        return campaign
    communes = list(project.organisation.communes.order_by("name"))
    campaign = campaign_create(
        project=project,
        slug=CAMPAIGN_SLUG,
        title="Petit patrimoine des Garrigues",
        template=Campaign.Template.HERITAGE,
        presentation=(
            "Recensons ensemble le petit patrimoine des villages du PETR. Chaque fiche "
            "est vérifiée par l'équipe avant d'être publiée sous Licence Ouverte."
        ),
        method=METHOD,
        communes=communes,
    )
    rng = random.Random(30189)
    categories = {c.merimee_denomination: c for c in campaign.categories.all()}
    # Uneven, as in the field: much found around Nîmes, some villages not visited yet.
    weights = [
        25 if c.insee_code == "30189" else 0 if i % 3 == 0 else 6 if i % 7 == 0 else 1
        for i, c in enumerate(communes)
    ]
    for number in range(PUBLISHED_COUNT + WAITING_COUNT):
        commune = rng.choices(communes, weights=weights)[0]
        denomination, name, century = KINDS[number % len(KINDS)]
        category = categories[denomination]
        lon, lat = _point_in(commune, rng)
        item = contribution_submit(
            campaign=campaign,
            category=category,
            title=f"{name} de {commune.name}",
            description=f"{name} repéré lors d'une balade à {commune.name}.",
            values={"siecle": century},
            lon=lon,
            lat=lat,
            obscure_location=number % 9 == 0,
            photos=[_photo(rng, f"{name} · {commune.name}")],
            contributor=inhabitant,
        )
        if number < PUBLISHED_COUNT:
            contribution_decide(
                item=item,
                moderator=facilitator,
                status=Contribution.Status.VALIDATED,
                notify=False,  # demo data: nobody to tell
            )
    # The followers hear of the milestone the campaign has reached, once (not of each
    # milestone the loading crossed on the way).
    campaign_milestone_announce(campaign=campaign)
    return campaign
