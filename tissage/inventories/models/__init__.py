"""The inventory models, one module per topic; every model is imported here so that
`from tissage.inventories.models import Contribution` and Django's discovery work."""

from .campaigns import Campaign, CampaignField, Category
from .contributions import Contribution, ContributionEvent, Photo, StagedPhoto
from .imports import InventoryImport
from .map import MapCell

__all__ = [
    "Campaign",
    "CampaignField",
    "Category",
    "Contribution",
    "ContributionEvent",
    "InventoryImport",
    "MapCell",
    "Photo",
    "StagedPhoto",
]
