from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class InventoriesConfig(registry.TissageAppConfig):
    name = "tissage.inventories"
    verbose_name = _("Participatory inventories")
    followables = {"campaign": "tissage.inventories.lookups.followable_campaign"}
    personal_data = "tissage.inventories.personal_data"
    search = ("tissage.inventories.search.items_kind",)
    address_confirmed = ("tissage.inventories.contributions.services.contributions_attach",)
    my_space = "tissage.inventories.contributions.queries.my_space"
    workspace = "tissage.inventories.workspace.workspace"
    home = "tissage.inventories.map.home.home_part"
    # Other websites embed a campaign's map and an item's card (inventories/widgets/).
    embeds = {
        "inventories:campaign": "tissage.inventories.widgets.embeds.campaign_embed",
        "inventories:map": "tissage.inventories.widgets.embeds.campaign_embed",
        "inventories:item": "tissage.inventories.widgets.embeds.item_embed",
    }
    purges = (
        "tissage.inventories.contributions.services.unconfirmed_contributions_purge",
        "tissage.inventories.contributions.staging.staged_photos_purge",
        "tissage.inventories.moderation.services.photo_files_place",
    )
