from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class ApiConfig(registry.TissageAppConfig):
    name = "tissage.api"
    label = "api"
    verbose_name = _("Open API")
    personal_data = "tissage.api.personal_data"
    purges = ("tissage.api.tokens.services.revoked_tokens_purge",)
    account = "tissage.api.tokens.queries.account_part"
