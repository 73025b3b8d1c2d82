"""Run inside Tissage's settings by bench/run.py: picks the pages to measure and counts
their SQL queries through Django's test client. Prints one JSON object on stdout.

Not a load test: one request per page, with query capture on.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")

import django

django.setup()

from django.db import connection, models  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tissage.accounts.models import User  # noqa: E402
from tissage.inventories.models import Campaign, Contribution, Photo  # noqa: E402
from tissage.organisations.models import Organisation  # noqa: E402
from tissage.projects.models import NewsPost, Project, ProjectMembership  # noqa: E402
from tissage.territories.models import Commune  # noqa: E402


def pick_pages() -> dict[str, object]:
    """The published project with the most news (then members), and the organisation
    with the most published projects: the heaviest pages of their kind."""
    project = (
        Project.objects.published()
        .annotate(
            posts=models.Count("news", distinct=True),
            members=models.Count("memberships", distinct=True),
        )
        .order_by("-posts", "-members", "pk")
        .first()
    )
    # Counted here rather than through the app's querysets, whose names may change.
    published = models.Count("projects", filter=models.Q(projects__status="published"))
    organisations = Organisation.objects.annotate(published_projects=published)
    organisation = organisations.order_by("-published_projects", "pk").first()
    if project is None or organisation is None:
        sys.exit("No published project or organisation: run `tissage generate` first.")
    return {
        "project_slug": project.slug,
        "project_members": project.members,  # type: ignore[attr-defined]
        "project_news": project.news.count(),
        "project_communes": project.communes.count(),
        "organisation_slug": organisation.slug,
        "organisation_published_projects": organisation.published_projects,  # type: ignore[attr-defined]
        "organisation_communes": organisation.communes.count(),
        "organisations_with_published_projects": organisations.filter(
            published_projects__gt=0
        ).count(),
    }


def pick_inventory() -> dict[str, object]:
    """The campaign with the most published items, its most common category, and its
    latest published item with the most photos: the heaviest pages of their kind."""
    published = models.Q(items__status=Contribution.Status.VALIDATED)
    campaign = (
        Campaign.objects.filter(project__status="published")
        .annotate(published_items=models.Count("items", filter=published))
        .order_by("-published_items", "pk")
        .first()
    )
    if campaign is None:
        sys.exit("No campaign in a published project: run `tissage generate` first.")
    items = Contribution.objects.filter(campaign=campaign, status=Contribution.Status.VALIDATED)
    category = (
        items.values("category__slug")
        .annotate(n=models.Count("pk"))
        .order_by("-n", "category__slug")
        .first()
    )
    item = (
        items.annotate(photo_count=models.Count("photos"))
        .order_by("-photo_count", "-created_at", "-pk")
        .first()
    )
    if category is None or item is None:
        sys.exit(f"The campaign {campaign.slug} has no published item.")
    return {
        "campaign_slug": campaign.slug,
        "campaign_published_items": campaign.published_items,  # type: ignore[attr-defined]
        "campaign_items": campaign.items.count(),
        "campaign_communes": campaign.communes.count(),
        "category_slug": category["category__slug"],
        "category_published_items": category["n"],
        "period_19e_published_items": items.filter(century=19).count(),
        "item_pk": item.pk,
        "item_photos": item.photo_count,  # type: ignore[attr-defined]
        "item_events": item.events.count(),
    }


def dataset() -> dict[str, int]:
    return {
        "people": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "projects": Project.objects.count(),
        "published_projects": Project.objects.published().count(),
        "project_members": ProjectMembership.objects.count(),
        "news_posts": NewsPost.objects.count(),
        "communes": Commune.objects.count(),
        "campaigns": Campaign.objects.count(),
        "inventory_items": Contribution.objects.count(),
        "published_inventory_items": Contribution.objects.published().count(),
        "item_photos": Photo.objects.count(),
    }


def profile(urls: dict[str, str]) -> dict[str, dict[str, object]]:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="fr")
    result: dict[str, dict[str, object]] = {}
    for name, url in urls.items():
        client.get(url)  # warm caches (templates, translations, connection)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        timed = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
        result[name] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(queries),
            "sql_ms": round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1),
            "total_ms": round(elapsed * 1000, 1),
            "slowest_queries": [
                {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:600]} for q in timed[:3]
            ],
        }
    return result


def main() -> None:
    pages = pick_pages()
    inventory = pick_inventory()
    campaign = f"/inventaires/{inventory['campaign_slug']}"
    urls = {
        "baseline /healthz/": "/healthz/",
        "home /": "/",
        "project list /projets/": "/projets/",
        "project page": f"/projets/{pages['project_slug']}/",
        "organisation page": f"/structures/{pages['organisation_slug']}/",
        "campaign page": f"{campaign}/",
        "item list": f"{campaign}/fiches/",
        "item list, category": f"{campaign}/fiches/?category={inventory['category_slug']}",
        "item list, period 19e": f"{campaign}/fiches/?period=19e",
        "item page": f"{campaign}/fiches/{inventory['item_pk']}/",
        "map page": f"{campaign}/carte/",
        "data page": f"{campaign}/donnees/",
        "search /recherche/": "/recherche/?q=lavoir",
    }
    output = {
        "pages": {**pages, **inventory},
        "urls": urls,
        "dataset": dataset(),
        "vendor": connection.vendor,
    }
    output["profile"] = profile(urls)
    json.dump(output, sys.stdout)


if __name__ == "__main__":
    main()
