"""The path converters of the action URLs, registered once here for every sub-package's
`urls.py` (converter names are global to the site).

`action_slug` refuses the fixed words that the URLs use right after /actions/, so that
`mes-actions/` and `<action_slug:slug>/` can never match the same address and the
sub-packages' URL modules may be listed in any order. No action is given one of these
words as its slug (`manage.services.action_create`). `action_insee_code` takes the INSEE
codes the rest of the site accepts (territories' pattern), and no other word.
"""

from django.urls import register_converter

from tissage.core.converters import choice_converter, slug_converter
from tissage.territories.converters import InseeCodeConverter

RESERVED_SLUGS = {
    "annuler",
    "nouvelle",
    "calendrier",
    "impact",
    "export",
    "mes-actions",
    "mes-disponibilites",
    "widget",
    "integrer",
}
SHEET_FORMATS = ["csv", "ods", "xlsx"]

register_converter(slug_converter(RESERVED_SLUGS), "action_slug")
register_converter(choice_converter(SHEET_FORMATS), "action_sheet_format")
register_converter(InseeCodeConverter, "action_insee_code")
