"""The collectives' part of the home page: collectives anyone may join at once, and
their communes on the territory's map."""

from __future__ import annotations

from django.db.models import F

from tissage.core.registry import HomePart, HomePoint

from ..models import Collective
from .queries import listed_collectives

OPEN_COLLECTIVES = 3
MAP_COMMUNES = 200


def home_part() -> HomePart:
    """Three queries whatever the number of collectives, members and communes."""
    open_ = Collective.objects.filter(admission=Collective.Admission.OPEN)
    collectives = list(
        listed_collectives()
        .filter(admission=Collective.Admission.OPEN)
        .order_by(F("member_count").desc(), "name", "pk")[:OPEN_COLLECTIVES]
    )
    # A collective's commune is drawn at the middle of the commune's box.
    places = Collective.communes.through.objects.filter(collective__in=open_.values("pk"))
    points = tuple(
        HomePoint(
            "collective",
            (min_lat + max_lat) / 2,
            (min_lon + max_lon) / 2,
            f"{name} · {commune}",
            Collective(slug=slug).get_absolute_url(),
        )
        for name, slug, commune, min_lat, max_lat, min_lon, max_lon in places.values_list(
            "collective__name",
            "collective__slug",
            "commune__name",
            "commune__min_lat",
            "commune__max_lat",
            "commune__min_lon",
            "commune__max_lon",
        ).order_by("collective__name", "commune__name")[:MAP_COMMUNES]
    )
    return HomePart(
        template="collectives/collective/_home.html",
        context={"open_collectives": collectives},
        position=30,
        points=points,
    )
