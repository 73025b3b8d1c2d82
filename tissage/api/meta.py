"""The `meta` object of every answer: under which licence the data may be reused and how
to credit it. The platform's data is under `settings.DATA_LICENCE`; an inventory's items
under their campaign's licence, credited as its open-data exports credit it
(`inventories.opendata.exports.dataset_describe`)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja import Schema
from pydantic import Field

from tissage.core.emails import site_url
from tissage.inventories.models import Campaign
from tissage.inventories.models.campaigns import Licence
from tissage.inventories.opendata.exports import dataset_describe, licence_url


class LicenceOut(Schema):
    id: str = Field(description="Licence code: etalab-2.0, cc-by-4.0, cc-by-sa-4.0, cc0-1.0.")
    name: str
    url: str = Field(description="Where its text can be read.")


class MetaOut(Schema):
    licence: LicenceOut
    attribution: str = Field(description="How to credit the data when reusing it.")
    source: str = Field(description="Where the data comes from.")


def licence_of(code: str) -> dict[str, str]:
    # Names in French whatever the request's language, as in the open-data files: the
    # same address always gives the same body (and the same ETag).
    with translation.override(settings.LANGUAGE_CODE):
        return {"id": code, "name": str(Licence(code).label), "url": licence_url(code)}


def platform_meta(request: HttpRequest) -> dict[str, object]:
    base = site_url(request)
    licence = licence_of(settings.DATA_LICENCE)
    return {
        "licence": licence,
        "attribution": f"{settings.PLATFORM_NAME}, {licence['name']}, {base}/",
        "source": f"{base}/",
    }


def campaign_meta(request: HttpRequest, campaign: Campaign) -> dict[str, object]:
    """The campaign's licence and credit line (its project and organisation loaded)."""
    dataset = dataset_describe(campaign, site_url(request))
    return {
        "licence": {
            "id": dataset.licence,
            "name": dataset.licence_name,
            "url": dataset.licence_url,
        },
        "attribution": dataset.attribution,
        "source": dataset.source_url,
    }
