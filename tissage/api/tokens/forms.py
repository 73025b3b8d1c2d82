"""The form to make a personal API token."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.accounts.models import User
from tissage.organisations.models import Organisation

from . import access


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("What it is for, e.g. “Agenda of the commune's website”."),
        error_messages={"required": _("Give the token a name: you will know what it is for.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("The token reaches this organisation's projects only."),
        error_messages={"invalid_choice": _("Choose one of the organisations offered.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.queryset = access.token_organisations(user)
