"""Forms of the material needs (facilitators) and of the pledges (anyone who sees the
action)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.core.forms import PersonNameField

QUANTITY_ERRORS = {
    "required": _("Give a quantity, at least 1."),
    "invalid": _("Type a whole number, e.g. 2."),
    "min_value": _("Give a quantity of at least 1."),
    "max_value": _("Give a quantity of at most 999."),
}


class NeedForm(forms.Form):
    label = forms.CharField(
        label=_("What is needed"),
        max_length=200,
        help_text=_("E.g. spades, a trailer, gloves for children."),
        error_messages={"required": _("Say what is needed.")},
    )
    quantity = forms.IntegerField(
        label=_("How many"), min_value=1, max_value=999, initial=1, error_messages=QUANTITY_ERRORS
    )


class PledgeForm(forms.Form):
    name = PersonNameField(
        label=_("Your name"),
        max_length=120,
        error_messages={
            "required": _("Give your name, so that the organisers know who brings it.")
        },
    )
    quantity = forms.IntegerField(
        label=_("How many you bring"),
        min_value=1,
        max_value=999,
        initial=1,
        error_messages=QUANTITY_ERRORS,
    )
