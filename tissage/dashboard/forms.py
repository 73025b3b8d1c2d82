"""The period chooser of the dashboard and of its reports (a GET form: the address says
what is shown; `?du=YYYY-MM-DD&au=YYYY-MM-DD` alone is a period between two dates)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tissage.actions.form_fields import DateInput, PlausibleDateField

from .figures import Period

# Longer periods would make a table of months nobody reads, and a slower page.
MAX_DAYS = 5 * 366
THIS_YEAR = "annee"
LAST_12_MONTHS = "12-mois"
CUSTOM = "dates"


def last_12_months(today: datetime.date) -> Period:
    """The current month and the eleven before it."""
    year, month = (
        (today.year, today.month - 11)
        if today.month > 11
        else (
            today.year - 1,
            today.month + 1,
        )
    )
    return Period(start=datetime.date(year, month, 1), end=today)


class PeriodForm(forms.Form):
    periode = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (LAST_12_MONTHS, _("The last 12 months")),
            (THIS_YEAR, _("This year")),
            (CUSTOM, _("Between two dates")),
        ],
        required=False,
        error_messages={"invalid_choice": _("Choose a period from the list.")},
    )
    du = PlausibleDateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Write the date as on a calendar, e.g. 31/01/2025.")},
    )
    au = PlausibleDateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Write the date as on a calendar, e.g. 31/01/2025.")},
        help_text=_("Both dates are included."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("periode") != CUSTOM and (data.get("du") or data.get("au")):
            data["periode"] = CUSTOM  # dates given: they are what the person wants
        if data.get("periode") == CUSTOM:
            start, end = data.get("du"), data.get("au")
            if start is None and "du" not in self.errors:
                self.add_error("du", _("Give the first day of the period."))
            if end is None and "au" not in self.errors:
                self.add_error("au", _("Give the last day of the period."))
            if start and end:
                if end < start:
                    self.add_error("au", _("The last day comes before the first one."))
                elif (end - start).days > MAX_DAYS:
                    self.add_error("au", _("Choose a period of five years at most."))
        return data

    def period(self) -> Period:
        """The period chosen (the form is valid), or the last 12 months by default."""
        today = timezone.localdate()
        choice = self.cleaned_data.get("periode") or LAST_12_MONTHS
        if choice == THIS_YEAR:
            return Period(start=today.replace(month=1, day=1), end=today)
        if choice == CUSTOM:
            return Period(start=self.cleaned_data["du"], end=self.cleaned_data["au"])
        return last_12_months(today)
