from django.urls import include, path, register_converter

from tissage.core.converters import slug_converter

from .campaigns.services import RESERVED_CAMPAIGN_SLUGS

# A campaign's slug is never one of the fixed words (“nouveau”, “confirmer”): the modules
# below match in any order.
register_converter(slug_converter(RESERVED_CAMPAIGN_SLUGS), "campaign_slug")

app_name = "inventories"
urlpatterns = [
    path("", include("tissage.inventories.campaigns.urls")),
    path("", include("tissage.inventories.contributions.urls")),
    path("", include("tissage.inventories.moderation.urls")),
    path("", include("tissage.inventories.opendata.urls")),
    path("", include("tissage.inventories.map.urls")),
    path("", include("tissage.inventories.widgets.urls")),
]
