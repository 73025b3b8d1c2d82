"""The period a report covers, from the query string (?du=YYYY-MM-DD&au=YYYY-MM-DD), the
same parameters as the dashboard's."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tissage.actions.form_fields import DateInput, PlausibleDateField
from tissage.dashboard.figures import Period

# Without dates: the twelve months up to today.
DEFAULT_DAYS = 365


class PeriodForm(forms.Form):
    du = PlausibleDateField(
        label=_("Start of the period"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Give the start as YYYY-MM-DD.")},
    )
    au = PlausibleDateField(
        label=_("End of the period"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Give the end as YYYY-MM-DD.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: datetime.date | None = data.get("du")
        end: datetime.date | None = data.get("au")
        if start and end and start > end:
            raise ValidationError(_("The start of the period comes after its end."))
        return data

    def period(self) -> Period:
        """The period asked for, its missing ends filled in (call after is_valid())."""
        end = self.cleaned_data.get("au") or timezone.localdate()
        start = self.cleaned_data.get("du") or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:  # only a start was given, after today
            end = start
        return Period(start, end)
