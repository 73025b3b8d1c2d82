"""The mobilisation dashboard: the platform's, an organisation's, a project's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import lookups
from .figures import Scope, figures_for
from .forms import PeriodForm
from .reports.views import ORGANISATION, PROJECT

# The reports' URL names its scope as the French path does.
REPORT_KINDS = {"organisation": ORGANISATION, "project": PROJECT}


def _dashboard(request: HttpRequest, scope: Scope, kind: str) -> HttpResponse:
    # Always bound: no choice at all is the default period, not an error.
    form = PeriodForm(request.GET)
    figures = figures_for(scope, form.period()) if form.is_valid() else None
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "scope": scope,
            "kind": kind,
            "report_kind": REPORT_KINDS.get(kind, ""),
        },
    )


@require_GET
def platform(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, lookups.get_platform_scope(request), "platform")


@require_GET
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    return _dashboard(request, lookups.get_organisation_scope(request, slug), "organisation")


@require_GET
def project(request: HttpRequest, slug: str) -> HttpResponse:
    return _dashboard(request, lookups.get_project_scope(request, slug), "project")
