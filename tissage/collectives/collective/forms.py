"""Forms of the collective itself: its settings (also when creating it) and a new meeting."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tissage.core.covers import CoverFields
from tissage.core.forms import ModelChoicesField
from tissage.organisations.models import Organisation
from tissage.territories.models import Commune

from ..models import Collective


class CollectiveForm(CoverFields, forms.ModelForm):
    """A collective's settings; the short name (slug) only when creating it, since it is
    also the list's email address; its cover only once it exists (saved by
    `core.covers.cover_save`)."""

    class Meta:
        model = Collective
        fields = [
            "name",
            "slug",
            "description",
            "communes",
            "admission",
            "archive_visibility",
            "hold_first_posts",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "communes": forms.CheckboxSelectMultiple,
            "admission": forms.RadioSelect,
            "archive_visibility": forms.RadioSelect,
        }
        field_classes = {"communes": ModelChoicesField}
        error_messages = {
            "name": {"required": _("Give the collective a name.")},
            "slug": {"invalid": _("Use lowercase letters, digits and hyphens only.")},
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communes = self.fields["communes"]
        assert isinstance(communes, forms.ModelMultipleChoiceField)
        communes.queryset = (
            Commune.objects.filter(pk__in=organisation.communes.values("pk"))
            .only("id", "name", "department")
            .order_by("name")
        )
        communes.help_text = _("Among the communes covered by the organisation.")
        self.fields["description"].help_text = _(
            "What the collective is about, for people who discover it. Markdown: **bold**, "
            "*italic*, lists."
        )
        if self.instance.pk:
            del self.fields["slug"]
            self.initial.setdefault("cover", self.instance.cover)
            self.initial.setdefault("cover_alt", self.instance.cover_alt)
        else:
            del self.fields["cover"], self.fields["cover_alt"]
            slug = self.fields["slug"]
            slug.required = False
            slug.help_text = _(
                "Optional: made from the name when left empty. Also the list’s email "
                "address, which cannot change later."
            )

    def validate_unique(self) -> None:
        # The slug is checked by the service (reserved words, already used), whose
        # message the view shows on the field.
        pass


DATE_ERRORS = {
    "required": _("Give the date of the meeting."),
    "invalid": _("Write the date as day/month/year, e.g. 15/03/2027."),
}
TIME_ERRORS = {"invalid": _("Write the time as hours:minutes, e.g. 18:30.")}


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=capfirst(_("title")),
        max_length=200,
        error_messages={"required": _("Give the meeting a title.")},
    )
    date = forms.DateField(
        label=_("Date"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_ERRORS,
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={**TIME_ERRORS, "required": _("Give the start time.")},
    )
    end_time = forms.TimeField(
        label=_("End time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("The same day."),
        error_messages={**TIME_ERRORS, "required": _("Give the end time.")},
    )
    address = forms.CharField(
        label=_("Place"),
        max_length=300,
        help_text=_("The address, or the name of the place: “salle des fêtes, Saint-Martin”."),
        error_messages={"required": _("Say where the meeting takes place.")},
    )
    commune = forms.ModelChoiceField(
        label=capfirst(_("commune")),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=_("— not specified —"),
        error_messages={"invalid_choice": _("Choose one of the communes offered.")},
    )
    places = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=10000,
        initial=30,
        help_text=_("How many people the room holds."),
        error_messages={
            "required": _("Give the number of places."),
            "invalid": _("Type a whole number."),
            "min_value": _("At least 1 place."),
            "max_value": _("At most 10,000 places."),
        },
    )

    def __init__(self, *args: Any, collective: Collective, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        commune = self.fields["commune"]
        assert isinstance(commune, forms.ModelChoiceField)
        commune.queryset = (
            Commune.objects.filter(
                Q(pk__in=collective.communes.values("pk"))
                | Q(pk__in=collective.organisation.communes.values("pk"))
            )
            .only("id", "name", "department")
            .order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is None or start is None or end is None:
            return data
        if end <= start:
            self.add_error("end_time", _("The meeting must end after it starts."))
            return data
        try:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, start))
            ends_at = timezone.make_aware(datetime.datetime.combine(day, end))
        except ValueError:  # an hour skipped by the change to summer time
            self.add_error("start_time", _("This time does not exist that day: choose another."))
            return data
        if starts_at <= timezone.now():
            self.add_error("date", _("The meeting must be in the future."))
            return data
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data
