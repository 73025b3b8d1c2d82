"""The public map of a campaign: the page, and the data it loads for the part in view."""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET

from tissage.projects.models import Project

from .. import lookups
from ..contributions.forms import ItemFilterForm
from ..models import Campaign
from .data import campaign_extent, map_features
from .forms import MapQueryForm, MapTileForm, MapTilesForm
from .tiles import MAX_ZOOM, Tile, map_version, tile_json, tiles_json


@require_GET
def map_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The map with the list's filters; without JavaScript, a link to the list."""
    campaign, rights = lookups.get_campaign(request, slug)
    filters = ItemFilterForm(request.GET or None, campaign=campaign)
    query = request.GET.copy()
    query.pop("page", None)
    # Filters as the list understands them: the list is the map's text alternative.
    items_url = reverse("inventories:items", kwargs={"slug": campaign.slug})
    if query:
        items_url += "?" + query.urlencode()
    extent = campaign_extent(campaign)
    categories = campaign.categories.order_by("position", "name").values_list("pk", "name")
    return render(
        request,
        "inventories/map/map.html",
        {
            "campaign": campaign,
            "rights": rights,
            "filters": filters,
            "items_url": items_url,
            "data_url": reverse("inventories:map_data", kwargs={"slug": campaign.slug}),
            # {z}/{x}/{y} replaced in the browser, as in a tile layer's address.
            "tile_data_url": reverse(
                "inventories:map_tile", kwargs={"slug": campaign.slug, "z": 0, "x": 0, "y": 0}
            ).replace("/0/0/0.json", "/{z}/{x}/{y}.json"),
            # A rectangle's tiles in one request: {x} and {y} become "first-last".
            "view_data_url": reverse(
                "inventories:map_tiles",
                kwargs={"slug": campaign.slug, "z": 0, "x": 0, "x_last": 0, "y": 0, "y_last": 0},
            ).replace("/0/0-0/0-0.json", "/{z}/{x}/{y}.json"),
            "version": map_version(campaign),
            "max_zoom": MAX_ZOOM,
            # The categories' names for the items of the tiles (which give their id),
            # and a colour each, in the order of the filter.
            "categories_json": json.dumps(
                {str(pk): [name, index] for index, (pk, name) in enumerate(categories)},
                ensure_ascii=False,
                separators=(",", ":"),
            ),
            # {id} replaced in the browser by each item's number.
            "item_url_template": reverse(
                "inventories:item", kwargs={"slug": campaign.slug, "pk": 0}
            ).replace("/0/", "/{id}/"),
            "bbox": extent.as_text() if extent else "",
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


@require_GET
def map_data(request: HttpRequest, slug: str) -> JsonResponse:
    """GeoJSON of the campaign's published items in view: points, or clusters when many."""
    campaign, _rights = lookups.get_campaign(request, slug)
    form = MapQueryForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    data = map_features(
        campaign,
        form.cleaned_data["bbox"],
        form.cleaned_data["zoom"],
        category=form.cleaned_data["category"],
        commune=form.cleaned_data["commune"],
        period=form.cleaned_data["period"],
    )
    response = JsonResponse(data, content_type="application/geo+json")
    # Shared caches may keep what everyone sees; a draft project's map is for its team.
    public = campaign.project.status != Project.Status.DRAFT
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=60"
    return response


@require_GET
def map_tile(request: HttpRequest, slug: str, z: str, x: str, y: str) -> HttpResponse:
    """One tile (z/x/y) of the campaign's published items: groups and single items
    (`tiles.py`). Compact JSON, an `ETag` that is a hash of it (a conditional request
    gets `304`), kept until `TILE_MAX_AGE` seconds after it was made (`tile_json`): by
    anyone for a public project, by the browser only for a draft one."""
    campaign, _rights = lookups.get_campaign(request, slug)
    form = MapTileForm({**request.GET.dict(), "z": z, "x": x, "y": y})
    if not form.is_valid():
        return _bad_request(form)
    data = form.cleaned_data
    body, seconds_left = tile_json(
        campaign,
        Tile(data["z"], data["x"], data["y"]),
        category=data["category"],
        commune=data["commune"],
        period=data["period"],
    )
    return _tile_response(request, campaign, body, seconds_left)


@require_GET
def map_tiles(
    request: HttpRequest, slug: str, z: str, x: str, x_last: str, y: str, y_last: str
) -> HttpResponse:
    """The tiles of a rectangle (vue/z/x-x_last/y-y_last) in one request: the map page's first
    view, and the view after its filters change, without a request per tile. `{"tiles":
    [...]}`, each as `map_tile` gives it (its `tile` says which), row by row; cached and
    tagged as one tile is."""
    campaign, _rights = lookups.get_campaign(request, slug)
    form = MapTilesForm(
        {**request.GET.dict(), "z": z, "x": x, "x_last": x_last, "y": y, "y_last": y_last}
    )
    if not form.is_valid():
        return _bad_request(form)
    data = form.cleaned_data
    bodies, seconds_left = tiles_json(
        campaign,
        form.tiles(),
        category=data["category"],
        commune=data["commune"],
        period=data["period"],
    )
    body = b'{"tiles":[' + b",".join(bodies) + b"]}"
    return _tile_response(request, campaign, body, seconds_left)


def _bad_request(form: forms.Form) -> JsonResponse:
    errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
    return JsonResponse({"errors": errors}, status=400)


def _tile_response(
    request: HttpRequest, campaign: Campaign, body: bytes, seconds_left: int
) -> HttpResponse:
    etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
    public = campaign.project.status != Project.Status.DRAFT
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        body, content_type="application/json"
    )
    response["ETag"] = etag
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age={seconds_left}"
    return response
