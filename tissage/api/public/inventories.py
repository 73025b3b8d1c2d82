"""Inventory campaigns, and their published items as GeoJSON.

Items are what the public pages and the open-data files show
(`inventories.opendata.exports.published_items`): validated, never merged; each at its
*public* point (rounded to about 1 km when the contributor hid the exact place, and then
without its address), credited by its public name, never an email. The box filter is
decided on the public point too (`ContributionQuerySet.public_in_box`); for a box that
holds most of the items, written so that the database reads them in id order and stops
at the page (`map.cells.box_is_dense`, one query on the stored cells).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from ninja import Path, Router, Schema
from pydantic import Field

from tissage.api.errors import ErrorOut
from tissage.api.meta import LicenceOut, MetaOut, campaign_meta, licence_of, platform_meta
from tissage.api.pagination import ID, MAX_ID, Keyset
from tissage.api.responses import (
    GEOJSON,
    absolute,
    api_response,
    day,
    moment,
    newest,
    newest_of,
    page_url,
    row_addresses,
)
from tissage.inventories import access, lookups
from tissage.inventories.map.cells import box_is_dense, published_items_count
from tissage.inventories.models import Campaign, Contribution, Photo
from tissage.inventories.models.contributions import ContributionQuerySet, public_contributor_of
from tissage.inventories.opendata.exports import published_items

from .common import (
    VISITOR,
    CommuneOut,
    ListOut,
    ProjectRef,
    as_visitor,
    communes_out,
    communes_prefetch,
    known_slug,
    list_response,
    page_of,
)
from .forms import CampaignQuery, ItemQuery, box_of, query_parameters

router = Router(tags=["Inventories"])
KEYSET = Keyset((ID,))


class CampaignOut(Schema):
    id: int
    slug: str
    title: str
    presentation: str = Field(description="Markdown.")
    project: ProjectRef
    starts_on: date
    ends_on: date | None
    open: bool = Field(description="Whether it takes contributions now.")
    template: str = Field(description="free, or heritage (fields mapped to Mérimée).")
    licence: LicenceOut = Field(description="The licence of its items.")
    communes: list[CommuneOut] = Field(description="The communes it covers.")
    items_count: int = Field(description="Its published items.")
    items_url: str = Field(description="Its published items in this API (GeoJSON).")
    data_url: str = Field(description="Its open-data page: CSV, ODS, XLSX, GeoJSON files.")
    url: str = Field(description="Its page.")
    created_at: datetime
    updated_at: datetime


class CampaignList(ListOut):
    results: list[CampaignOut]


class CampaignAnswer(Schema):
    meta: MetaOut
    campaign: CampaignOut


class PointOut(Schema):
    type: Literal["Point"]
    coordinates: list[float] = Field(
        min_length=2,
        max_length=2,
        description="[longitude, latitude], WGS84: the public point, rounded to about 1 km "
        "when the exact place is hidden.",
    )


class CategoryOut(Schema):
    slug: str
    name: str


class PhotoOut(Schema):
    url: str
    thumbnail_url: str
    credit: str = Field(description="Its author, to credit with it.")


class ItemProperties(Schema):
    title: str
    description: str
    category: CategoryOut
    commune: CommuneOut | None
    address: str = Field(description="Empty when the exact place is hidden.")
    place_hidden: bool = Field(description="Whether the point is rounded to about 1 km.")
    answers: dict[str, Any] = Field(description="Answers to the campaign's own questions.")
    contributor: str = Field(description="Public name (or “anonyme”).")
    photos: list[PhotoOut]
    licence: str = Field(description="Licence code of the item.")
    validated_at: datetime | None
    updated_at: datetime
    url: str = Field(description="Its page.")


class ItemFeature(Schema):
    type: Literal["Feature"]
    id: int
    geometry: PointOut
    properties: ItemProperties


class ItemCollection(Schema):
    type: Literal["FeatureCollection"]
    meta: MetaOut
    features: list[ItemFeature]
    next: str | None = Field(description="Address of the next page; null on the last one.")


class ItemAnswer(ItemFeature):
    meta: MetaOut


# --- Campaigns ---------------------------------------------------------------------------


def _campaign_out(request: HttpRequest, campaign: Campaign, items: int) -> dict[str, Any]:
    rights = access.campaign_rights(VISITOR, campaign)
    return {
        "id": campaign.pk,
        "slug": campaign.slug,
        "title": campaign.title,
        "presentation": campaign.presentation,
        "project": {"slug": campaign.project.slug, "title": campaign.project.title},
        "starts_on": day(campaign.starts_on),
        "ends_on": day(campaign.ends_on),
        "open": rights.can_contribute or rights.must_sign_in,
        "template": campaign.template,
        "licence": licence_of(campaign.licence),
        "communes": communes_out(campaign),
        "items_count": items,
        "items_url": absolute(request, reverse("api:campaign_items", args=[campaign.slug])),
        "data_url": absolute(request, reverse("inventories:data", args=[campaign.slug])),
        "url": absolute(request, campaign.get_absolute_url()),
        "created_at": moment(campaign.created_at),
        "updated_at": moment(campaign.updated_at),
    }


def _campaigns() -> Any:
    return (
        access.campaigns_visible_to(VISITOR)
        # The rights (`open`) read the project's organisation.
        .select_related("project__organisation")
        .prefetch_related(communes_prefetch())
        .annotate(published=Coalesce(published_items_count(OuterRef("pk")), 0))
    )


def _campaign_changed(campaign: Campaign) -> datetime | None:
    return newest(campaign.updated_at, campaign.project.updated_at)


@router.get(
    "/campaigns",
    response={200: CampaignList, 304: None, 400: ErrorOut},
    summary="List the inventory campaigns",
    openapi_extra=query_parameters(CampaignQuery),
)
def campaigns_list(request: HttpRequest) -> HttpResponse:
    """Campaigns of the published and archived projects, in the order they were created,
    with their number of published items."""
    data = CampaignQuery(request.GET).read()
    rows = _campaigns()
    if data.get("project"):
        rows = rows.filter(project__slug=data["project"])
    if data.get("commune"):
        rows = rows.filter(communes__insee_code=data["commune"])
    if data.get("updated_since"):
        rows = rows.filter(updated_at__gte=data["updated_since"])
    page = page_of(rows, KEYSET, data)
    return list_response(
        request,
        meta=platform_meta(request),
        results=[_campaign_out(request, row, row.published) for row in page.rows],
        page=page,
        last_modified=newest_of(_campaign_changed(row) for row in page.rows),
    )


@router.get(
    "/campaigns/{slug}",
    response={200: CampaignAnswer, 304: None, 404: ErrorOut},
    summary="One inventory campaign",
)
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A campaign of a draft project answers 404, as its page does."""
    campaign, _rights = lookups.get_campaign(as_visitor(request), known_slug(slug))
    campaign = _campaigns().get(pk=campaign.pk)
    return api_response(
        request,
        {
            "meta": platform_meta(request),
            "campaign": _campaign_out(request, campaign, campaign.published),
        },
        last_modified=_campaign_changed(campaign),
    )


# --- Items -------------------------------------------------------------------------------


def _photo_url(request: HttpRequest, url: str) -> str:
    return absolute(request, url) if url.startswith("/") else url


# What a feature shows of an item and of the rows it points to, read as plain rows
# (`values_list`): only these columns (not the contributor's email, the search vector,
# the users' passwords…), and no model instance for each item, its category, its
# commune and its people — a third of a list's time when they were instances.
ITEM_COLUMNS = (
    "pk",
    "title",
    "description",
    "values",
    "address",
    "obscure_location",
    "public_longitude",
    "public_latitude",
    "licence",
    "contributor_name",
    "show_contributor",
    "validated_at",
    "updated_at",
    "category__slug",
    "category__name",
    "commune__insee_code",
    "commune__name",
    "contributor_id",
    "contributor__display_name",
    "entered_by_id",
    "entered_by__display_name",
)


def _item_rows(items: ContributionQuerySet) -> QuerySet[Any]:
    """The items as rows of `ITEM_COLUMNS`, with whether each has photos."""
    return items.annotate(
        has_photos=Exists(Photo.objects.filter(contribution=OuterRef("pk")))
    ).values_list(*ITEM_COLUMNS, "has_photos", named=True)


def _feature(
    request: HttpRequest,
    item: Any,
    keys: list[str],
    photos: list[Photo],
    url: Callable[[Any], str],
) -> dict[str, Any]:
    """An item's GeoJSON feature, from its row of `_item_rows`."""
    return {
        "type": "Feature",
        "id": item.pk,
        "geometry": {
            "type": "Point",
            "coordinates": [item.public_longitude, item.public_latitude],
        },
        "properties": {
            "title": item.title,
            "description": item.description,
            "category": {"slug": item.category__slug, "name": item.category__name},
            "commune": (
                {"insee": item.commune__insee_code, "name": item.commune__name}
                if item.commune__insee_code is not None
                else None
            ),
            "address": "" if item.obscure_location else item.address,
            "place_hidden": item.obscure_location,
            "answers": {key: item.values[key] for key in keys if key in item.values},
            "contributor": public_contributor_of(
                shown=item.show_contributor,
                given_name=item.contributor_name,
                contributor=(
                    (item.contributor_id, item.contributor__display_name)
                    if item.contributor_id
                    else None
                ),
                entered_by=(
                    (item.entered_by_id, item.entered_by__display_name)
                    if item.entered_by_id
                    else None
                ),
            ),
            "photos": [
                {
                    "url": _photo_url(request, photo.image_url),
                    "thumbnail_url": _photo_url(request, photo.thumbnail_url),
                    "credit": photo.credit,
                }
                for photo in photos
            ],
            "licence": item.licence,
            "validated_at": moment(item.validated_at),
            "updated_at": moment(item.updated_at),
            "url": url(item.pk),
        },
    }


def _photos_of(items: list[Any]) -> dict[int, list[Photo]]:
    """Item id → its photos in order, in one query through the photos' index, for the
    items that have any (`has_photos`): none for a page of items imported without
    photos, as Mérimée's are."""
    photos: dict[int, list[Photo]] = defaultdict(list)
    with_photos = [item.pk for item in items if item.has_photos]
    if with_photos:
        in_order = Photo.objects.filter(contribution__in=with_photos).order_by(
            "contribution_id", "position", "pk"
        )
        for photo in in_order:
            photos[photo.contribution_id].append(photo)
    return photos


def _features(request: HttpRequest, campaign: Campaign, items: list[Any]) -> list[dict[str, Any]]:
    keys = list(campaign.fields.values_list("key", flat=True))
    photos = _photos_of(items)
    url = row_addresses(request, "inventories:item", row="pk", slug=campaign.slug)
    # Public names ("anonyme", "Participant #3") in French whatever the request's
    # language, as in the open-data files: one address, one body, one ETag.
    with translation.override(settings.LANGUAGE_CODE):
        return [_feature(request, item, keys, photos.get(item.pk, []), url) for item in items]


@router.get(
    "/campaigns/{slug}/items",
    response={200: ItemCollection, 304: None, 400: ErrorOut, 404: ErrorOut},
    summary="List a campaign's published items (GeoJSON)",
    url_name="campaign_items",
    openapi_extra={
        **query_parameters(ItemQuery),
        "responses": {
            200: {"content": {GEOJSON: {"schema": {"$ref": "#/components/schemas/ItemCollection"}}}}
        },
    },
)
def campaign_items(request: HttpRequest, slug: str) -> HttpResponse:
    """An RFC 7946 FeatureCollection of the campaign's published items, in the order they
    were created, under the campaign's licence (`meta`)."""
    campaign, _rights = lookups.get_campaign(as_visitor(request), known_slug(slug))
    data = ItemQuery(request.GET).read()
    category, commune = data.get("category") or "", data.get("commune") or ""
    box = box_of(data)
    dense = box is not None and box_is_dense(
        campaign, box, page=data["limit"], category=category, commune=commune
    )
    rows = published_items(campaign).filtered(
        campaign, category=category, commune=commune, in_id_order=dense
    )
    if box is not None:
        rows = rows.public_in_box(box, dense=dense)
    if data.get("updated_since"):
        rows = rows.filter(updated_at__gte=data["updated_since"])
    page = page_of(_item_rows(rows), KEYSET, data)
    next_url = page_url(request, cursor=page.next_cursor) if page.next_cursor else None
    body = {
        "type": "FeatureCollection",
        "meta": campaign_meta(request, campaign),
        "features": _features(request, campaign, page.rows),
        "next": next_url,
    }
    return api_response(
        request,
        body,
        last_modified=newest(campaign.updated_at, newest_of(item.updated_at for item in page.rows)),
        next_url=next_url,
        content_type=GEOJSON,
    )


@router.get(
    "/campaigns/{slug}/items/{item_id}",
    response={200: ItemAnswer, 304: None, 404: ErrorOut},
    summary="One published item (GeoJSON)",
    openapi_extra={
        "responses": {
            200: {"content": {GEOJSON: {"schema": {"$ref": "#/components/schemas/ItemAnswer"}}}}
        }
    },
)
def campaign_item(
    request: HttpRequest, slug: str, item_id: int = Path(..., ge=1, le=MAX_ID)
) -> HttpResponse:
    """A GeoJSON Feature. An item not published answers 404, as its page does to anyone
    but its moderators and its contributor."""
    campaign, rights = lookups.get_campaign(as_visitor(request), known_slug(slug))
    item = lookups.get_item(request, campaign, rights, item_id)
    [row] = _item_rows(Contribution.objects.filter(pk=item.pk))
    body = {"meta": campaign_meta(request, campaign), **_features(request, campaign, [row])[0]}
    return api_response(
        request,
        body,
        last_modified=newest(campaign.updated_at, item.updated_at),
        content_type=GEOJSON,
    )
