"""The engagement pages' input: the follow button and the delivery settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS, Delivery, Kind


class DeliverySettingsForm(forms.Form):
    """One group of radio buttons per kind (a fieldset each, its legend the kind)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in KINDS:
            self.fields[kind] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one of the options."),
                    "invalid_choice": _("Choose one of the options."),
                },
            )


class FollowForm(forms.Form):
    """`follow`: "1" to follow, "0" to stop; absent, the button toggles. The button
    says which it wants, so that a second click on a page not refreshed does not undo
    the first."""

    follow = forms.NullBooleanField(required=False, widget=forms.HiddenInput)
