"""The inventory models, one module per topic; every model is imported here so that
`from tissage.inventories.models import Contribution` and Django's discovery work."""

from .contributions import (
    Campaign,
    CampaignField,
    Category,
    Contribution,
    ContributionEvent,
    InventoryImport,
    MapCell,
    Photo,
)

__all__ = [
    "Campaign",
    "CampaignField",
    "Category",
    "Contribution",
    "ContributionEvent",
    "InventoryImport",
    "MapCell",
    "Photo",
]
