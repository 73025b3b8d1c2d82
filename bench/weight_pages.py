"""Run inside Tissage's settings by bench/weight.py: picks one page of each kind an
inhabitant meets in the demo data and checks that an anonymous visitor gets it (200).
Prints one JSON object {name: path} on stdout, in the order of the bench's table."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")

import django

django.setup()

from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from tissage.actions.models import Action  # noqa: E402
from tissage.collectives.models import Collective  # noqa: E402
from tissage.consultations.models import Consultation  # noqa: E402
from tissage.inventories.models import Campaign, Contribution  # noqa: E402
from tissage.projects.models import Project  # noqa: E402

CLIENT = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="fr")


def first_public(paths: Iterable[str]) -> str:
    """The first path an anonymous visitor gets with a 200."""
    for path in paths:
        if CLIENT.get(path).status_code == 200:
            return path
    raise SystemExit("No public page of a kind the bench needs: load the demo first.")


def main() -> None:
    # The demo's campaigns (bench/map_data.py's `--items` one is measured apart).
    campaign = (
        Campaign.objects.exclude(slug="bench-patrimoine")
        .annotate(published=Count("items", filter=Q(items__status=Contribution.Status.VALIDATED)))
        .order_by("-published", "pk")
        .first()
    )
    if campaign is None:
        raise SystemExit("No campaign: load the demo first.")
    item = (
        Contribution.objects.filter(campaign=campaign, status=Contribution.Status.VALIDATED)
        .order_by("pk")
        .first()
    )
    upcoming = Action.objects.filter(
        status=Action.Status.PUBLISHED, ends_at__gte=timezone.now()
    ).order_by("starts_at")
    pages = {
        "home": "/",
        "project list": reverse("projects:list"),
        "project": first_public(p.get_absolute_url() for p in Project.objects.order_by("pk")),
        # An action with a meeting point: its page has a small map (loaded when seen).
        "action": first_public(
            reverse("actions:detail", args=[a.slug])
            for a in [*upcoming.filter(latitude__isnull=False), *upcoming]
        ),
        "agenda": reverse("actions:agenda"),
        "campaign": reverse("inventories:campaign", kwargs={"slug": campaign.slug}),
        "item": reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk})
        if item
        else "",
        "map": reverse("inventories:map", kwargs={"slug": campaign.slug}),
        "collective": first_public(c.get_absolute_url() for c in Collective.objects.order_by("pk")),
        "consultation": first_public(
            c.get_absolute_url() for c in Consultation.objects.published().order_by("pk")
        ),
    }
    for name, path in pages.items():
        if not path or CLIENT.get(path).status_code != 200:
            sys.exit(f"The {name} page ({path or 'none'}) does not answer 200.")
    print(json.dumps({"pages": pages, "campaign_items": campaign.published}))  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
