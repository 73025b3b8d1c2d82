from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class AccountsConfig(registry.TissageAppConfig):
    name = "tissage.accounts"
    verbose_name = _("Accounts")
    purges = (
        "tissage.accounts.services.sign_in_codes_purge",
        "tissage.accounts.services.password_failures_purge",
    )
