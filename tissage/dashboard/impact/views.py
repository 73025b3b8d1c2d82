"""Public impact pages: what a project or an organisation achieved since it started, told
to inhabitants. Only totals under the small-cell rule, never a name."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from tissage.dashboard import figures as figures_module
from tissage.dashboard.figures import Figures, Period, Scope
from tissage.dashboard.models import Participation
from tissage.organisations import lookups as organisation_lookups
from tissage.projects import lookups as project_lookups

# Figures for inhabitants need not be to the minute; computing them for every visitor of
# a shared page would.
IMPACT_CACHE_SECONDS = 600


def impact_figures(kind: str, pk: int, scope: Scope, period: Period) -> Figures:
    """The figures since the start, kept ten minutes per scope, day and language (labels
    are translated). Only figures are cached, after the view checked who may see them: a
    draft project's page is never served to someone else from the cache."""
    key = (
        f"dashboard:impact:v1:{kind}:{pk}:{period.start}:{period.end}:{translation.get_language()}"
    )
    figures: Figures | None = cache.get(key)
    if figures is None:
        figures = figures_module.figures_for(scope, period)
        cache.set(key, figures, IMPACT_CACHE_SECONDS)
    return figures


def since(created_at: datetime.datetime, **scope: Any) -> datetime.date:
    """Where "since the start" begins: the day the project or organisation was created
    on the platform, or its first participation if earlier (work done before it came to
    Tissage, imported or typed in afterwards). One indexed aggregate."""
    created = timezone.localdate(created_at)
    first = Participation.objects.filter(**scope).aggregate(first=Min("day"))["first"]
    return min(created, first) if first else created


@require_GET
def project_impact(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_lookups.get_project(request, slug)
    period = Period(since(project.created_at, project_id=project.pk), timezone.localdate())
    figures = impact_figures(
        "project", project.pk, Scope(project_id=project.pk, name=project.title), period
    )
    return render(
        request,
        "dashboard/impact/page.html",
        {
            "figures": figures,
            "name": project.title,
            "organisation": project.organisation,
            "back_url": project.get_absolute_url(),
            "since": period.start,
        },
    )


@require_GET
def organisation_impact(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_lookups.get_organisation(slug)
    period = Period(
        since(organisation.created_at, organisation_id=organisation.pk), timezone.localdate()
    )
    figures = impact_figures(
        "organisation",
        organisation.pk,
        Scope(organisation_id=organisation.pk, name=organisation.name),
        period,
    )
    return render(
        request,
        "dashboard/impact/page.html",
        {
            "figures": figures,
            "name": organisation.name,
            "organisation": organisation,
            "back_url": organisation.get_absolute_url(),
            "since": period.start,
        },
    )
