"""The participatory map of a consultation: the page, and the data it loads for the part
in view."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from tissage.inventories.map.forms import MapViewForm
from tissage.projects.models import Project

from .. import lookups
from . import queries
from .data import map_extent, map_features


@require_GET
def map_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The map, its legend and, below it, the list of what is placed (the page without
    JavaScript); while the consultation is open, a click on the map offers to place a
    remark there."""
    consultation, rights = lookups.get_consultation(request, slug)
    extent = map_extent(consultation)
    page = queries.placed_page(consultation, request.GET.get("page"))
    legend = queries.legend(consultation)
    return render(
        request,
        "consultations/map/map.html",
        {
            "consultation": consultation,
            "rights": rights,
            # A guest of a consultation that needs an account signs in on the way.
            "may_place": consultation.map_enabled and (rights.can_take_part or rights.must_sign_in),
            "legend": legend.entries,
            "page": page,
            "items": [(item, legend.colour(item)) for item in page],
            "data_url": reverse("consultations:map_data", kwargs={"slug": consultation.slug}),
            # {id} replaced in the browser by each proposal's number.
            "item_url_template": reverse("consultations:proposal", kwargs={"pk": 0}).replace(
                "/0/", "/{id}/"
            ),
            "bbox": extent.as_text() if extent else "",
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


@require_GET
def map_data(request: HttpRequest, slug: str) -> JsonResponse:
    """GeoJSON of what is placed in view: points, or clusters when many."""
    consultation, _rights = lookups.get_consultation(request, slug)
    form = MapViewForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    data = map_features(consultation, form.cleaned_data["bbox"], form.cleaned_data["zoom"])
    response = JsonResponse(data, content_type="application/geo+json")
    # As the inventories' map: shared caches may keep what everyone sees; a draft
    # (project or consultation) is for its team.
    public = consultation.published and consultation.project.status != Project.Status.DRAFT
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=60"
    return response
