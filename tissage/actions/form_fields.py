"""Form fields and widgets shared by the sub-packages' forms: dates between 1900 and 2100,
and the browser's own date and time pickers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        # The browser's date picker sends and expects ISO dates whatever the language.
        super().__init__(format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")
