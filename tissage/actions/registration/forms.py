from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tissage.actions.models import Action, Role

FIRST_YEAR, LAST_YEAR = 1900, 2100


def plausible_year(value: Any) -> None:
    """Validator for date and date-time fields: years 1900–2100 only (see below)."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(_("Give a date between 1900 and 2100."), code="out_of_range")


class PlausibleDateField(forms.DateField):
    """A date between 1900 and 2100. Far beyond, the day after 31/12/9999 or the UTC
    time of 01/01/0001 overflow Python's dates (a 500), and no action happens there."""

    default_error_messages = {"out_of_range": _("Give a date between 1900 and 2100.")}

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")


def _role_label(role: Role, *, places: dict[int, int]) -> str:
    return _("%(role)s — %(left)s place(s) left") % {
        "role": role.name,
        "left": places.get(role.pk, 0),
    }


class RegistrationForm(forms.Form):
    """At most five fields: name, email (guests), phone (optional), role, companions."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        error_messages={"required": _("Give your name.")},
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("For the confirmation, the calendar file and the link to cancel."),
        error_messages={
            "required": _("Give your email address."),
            "invalid": _("Check the email address: it looks incomplete."),
        },
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        help_text=_("Only the organisers see it, to reach you on the day."),
    )
    role = forms.ModelChoiceField(
        label=_("What would you like to do?"),
        queryset=Role.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose a role.")},
    )
    companions = forms.IntegerField(
        label=_("People coming with you"),
        min_value=0,
        max_value=20,
        initial=0,
        error_messages={
            "min_value": _("Between 0 and 20 people."),
            "max_value": _("Between 0 and 20 people."),
            "invalid": _("Type a number, 0 if you come alone."),
        },
    )

    def __init__(
        self, *args: Any, action: Action, places: dict[int, int], signed_in: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        roles = list(action.roles.all())
        field = self.fields["role"]
        field.queryset = action.roles.all()  # type: ignore[attr-defined]
        field.label_from_instance = partial(_role_label, places=places)  # type: ignore[attr-defined]
        if len(roles) == 1:
            field.initial = roles[0].pk
        if signed_in:
            del self.fields["name"], self.fields["email"]
