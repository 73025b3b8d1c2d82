"""Forms of the pages after an action: check-in list, walk-ins, impact, report."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tissage.actions.form_fields import PlausibleDateField
from tissage.actions.models import Action, ImpactCounter, Registration, ReportPhoto
from tissage.core.forms import EmailAddressField, ModelChoicesField, PersonNameField
from tissage.core.photos import PhotosField

from .services import MAX_REPORT_PHOTOS, Mark

PRESENT, ABSENT, UNKNOWN = "present", "absent", ""
HOURS_ERRORS = {
    "invalid": _("Type a number of hours, for example 3 or 2.5."),
    "min_value": _("Hours cannot be negative."),
    "max_value": _("At most 999 hours."),
    "max_decimal_places": _("At most two decimals."),
    "max_digits": _("At most 999 hours."),
}


def _hours_field(**extra: Any) -> forms.DecimalField:
    return forms.DecimalField(
        min_value=Decimal(0),
        max_value=Decimal(999),
        max_digits=5,
        decimal_places=2,
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
        error_messages=HOURS_ERRORS,
        **extra,
    )


class AttendanceForm(forms.Form):
    """One present / absent choice and one hours box per registration, in one form that
    works without JavaScript; the fields are built from the registrations."""

    def __init__(self, *args: Any, registrations: Sequence[Registration], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        for registration in registrations:
            state = {True: PRESENT, False: ABSENT, None: UNKNOWN}[registration.attended]
            self.fields[f"a{registration.pk}"] = forms.ChoiceField(
                label=registration.name,
                choices=[(PRESENT, _("present")), (ABSENT, _("absent")), (UNKNOWN, _("not known"))],
                widget=forms.RadioSelect,
                required=False,
                initial=state,
            )
            self.fields[f"h{registration.pk}"] = _hours_field(
                label=_("Hours of %(name)s") % {"name": registration.name},
                initial=registration.hours,
            )

    def rows(self) -> list[tuple[Registration, forms.BoundField, forms.BoundField]]:
        return [(r, self[f"a{r.pk}"], self[f"h{r.pk}"]) for r in self.registrations]

    def marks(self) -> list[Mark]:
        data = self.cleaned_data
        marks = []
        for registration in self.registrations:
            choice = data.get(f"a{registration.pk}") or UNKNOWN
            attended = {PRESENT: True, ABSENT: False}.get(choice)
            marks.append(Mark(registration.pk, attended, data.get(f"h{registration.pk}")))
        return marks


class WalkInForm(forms.Form):
    name = PersonNameField(
        label=_("Name"), max_length=120, error_messages={"required": _("Give the person's name.")}
    )
    email = EmailAddressField(
        label=_("Email (optional)"),
        required=False,
        error_messages={"invalid": _("Check the email address: it looks incomplete.")},
    )
    hours = _hours_field(
        label=_("Hours (optional)"), help_text=_("Leave empty: the length of the action.")
    )


class CounterForm(forms.ModelForm):
    class Meta:
        model = ImpactCounter
        fields = ["name", "unit"]
        error_messages = {"name": {"required": _("Say what is counted, e.g. trees planted.")}}
        help_texts = {"unit": _("Optional, e.g. trees, metres, people.")}


class ImpactValuesForm(forms.Form):
    """A grid: one box per past action and counter. Empty boxes clear the value."""

    def __init__(
        self,
        *args: Any,
        actions: Sequence[Action],
        counters: Sequence[ImpactCounter],
        values: dict[tuple[int, int], Decimal],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.actions = actions
        self.counters = counters
        for action in actions:
            for counter in counters:
                self.fields[self._key(action.pk, counter.pk)] = forms.DecimalField(
                    label=f"{counter.name} — {action.title}, {action.starts_at:%d/%m/%Y}",
                    min_value=Decimal(0),
                    max_digits=12,
                    decimal_places=2,
                    required=False,
                    localize=True,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
                    initial=values.get((action.pk, counter.pk)),
                    error_messages={
                        "invalid": _("Type a number, for example 120 or 12.5."),
                        "min_value": _("A count cannot be negative."),
                        "max_digits": _("This number is too large."),
                        "max_decimal_places": _("At most two decimals."),
                        "max_whole_digits": _("This number is too large."),
                    },
                )

    @staticmethod
    def _key(action_id: int, counter_id: int) -> str:
        return f"v{action_id}_{counter_id}"

    def rows(self) -> list[tuple[Action, list[forms.BoundField]]]:
        return [
            (action, [self[self._key(action.pk, c.pk)] for c in self.counters])
            for action in self.actions
        ]

    def values(self) -> dict[tuple[int, int], Decimal | None]:
        return {
            (a.pk, c.pk): self.cleaned_data.get(self._key(a.pk, c.pk))
            for a in self.actions
            for c in self.counters
        }


class PhotoChoiceField(ModelChoicesField):
    def label_from_instance(self, obj: Any) -> str:
        return str(
            _("Photo %(number)d, by %(credit)s")
            % {"number": obj.position + 1, "credit": obj.credit}
        )


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("How did it go?"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20_000,
        help_text=_("Markdown: **bold**, *italics*, lists with “-”."),
        error_messages={"required": _("Write a few lines about the action.")},
    )
    photos = PhotosField(
        max_count=MAX_REPORT_PHOTOS,
        label=_("Photos (optional, at most 10 in all)"),
        required=False,
        help_text=_("Resized, and the place and date stored by the phone are removed."),
    )
    credit = forms.CharField(
        label=_("Author of the photos"),
        max_length=120,
        required=False,
        help_text=_("Credited with each new photo."),
    )
    remove = PhotoChoiceField(
        label=_("Photos to remove"),
        queryset=ReportPhoto.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, photos: Sequence[ReportPhoto] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        if photos:
            remove = self.fields["remove"]
            assert isinstance(remove, PhotoChoiceField)
            remove.queryset = ReportPhoto.objects.filter(pk__in=[p.pk for p in photos])
        else:
            del self.fields["remove"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("photos") and not (data.get("credit") or "").strip():
            self.add_error("credit", _("Say who took the photos: they are credited."))
        return data


class PeriodForm(forms.Form):
    """The period of the hours export, from the query string (?du=…&au=…)."""

    du = PlausibleDateField(
        required=False, error_messages={"invalid": _("Give the start as YYYY-MM-DD.")}
    )
    au = PlausibleDateField(
        required=False, error_messages={"invalid": _("Give the end as YYYY-MM-DD.")}
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: datetime.date | None = data.get("du")
        end: datetime.date | None = data.get("au")
        if start and end and start > end:
            raise ValidationError(_("The start of the period comes after its end."))
        return data
