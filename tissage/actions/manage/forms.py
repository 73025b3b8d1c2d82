"""Forms of the facilitators' pages about the action itself: its settings (create and
edit) and cancelling it.

Longer than 500 lines on purpose: `ActionForm` alone is about 440 — some 25 fields, each
with the messages that tell a facilitator what to type, its groups, its roles table and
the checks across fields (dates, registration window, coordinates). Cut in pieces, one
form would be read in several files.

The forms read and check the input; writes that touch several rows are in `services.py`,
whose refusals the views show on these forms."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tissage.actions.form_fields import DateInput, DateTimeInput, TimeInput, plausible_year
from tissage.actions.models import Action, Role
from tissage.core.covers import CoverFields
from tissage.projects.models import Project
from tissage.territories.forms import LatitudeField, LongitudeField, point_from_fields
from tissage.territories.models import Commune

from .services import RoleEdit, RoleInput, Scope

ROLE_ROWS = 4  # blank rows offered for roles: no JavaScript needed to add one


DATE_ERRORS = {
    "required": _("Give the date of the action."),
    "invalid": _("Write the date as day/month/year, e.g. 15/03/2026."),
}
TIME_ERRORS = {"invalid": _("Write the time as hours:minutes, e.g. 09:30.")}
DATETIME_ERRORS = {"invalid": _("Write a date and a time, e.g. 15/03/2026 18:00.")}
NUMBER_ERRORS = {"invalid": _("Type a whole number.")}


def _aware(day: datetime.date, time: datetime.time) -> datetime.datetime | None:
    try:
        return timezone.make_aware(datetime.datetime.combine(day, time))
    except ValueError:  # an hour skipped by the change to summer time
        return None


def _same_minute(entered: datetime.datetime, saved: datetime.datetime) -> datetime.datetime:
    return saved if entered == saved.replace(second=0, microsecond=0) else entered


StrOrPromise = str | Promise
RoleRow = tuple[forms.BoundField, forms.BoundField, forms.BoundField]  # id, name, places


@dataclass(frozen=True)
class Group:
    """A group of the action form: its legend and fields, or the table of roles."""

    legend: StrOrPromise
    names: tuple[str, ...] = ()
    help_text: StrOrPromise = ""
    role_rows: bool = False


@dataclass(frozen=True)
class Fieldset:
    """A group of the form, ready for the template: its bound fields, or its role rows."""

    legend: str
    help_text: str
    fields: list[forms.BoundField]
    role_rows: list[RoleRow]


class ActionForm(CoverFields):
    """An action's settings; `action` given: editing it (with the series scope and its
    cover, which is this date's only)."""

    kind = forms.ChoiceField(
        label=capfirst(_("kind")),
        choices=Action.Kind.choices,
        initial=Action.Kind.WORKDAY,
        error_messages={"invalid_choice": _("Choose one of the kinds offered.")},
    )
    title = forms.CharField(
        label=capfirst(_("title")),
        max_length=200,
        error_messages={"required": _("Give the action a title.")},
    )
    description = forms.CharField(
        label=capfirst(_("description")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you will do together, and why. Markdown: **bold**, *italic*, lists."),
    )
    what_to_bring = forms.CharField(
        label=capfirst(_("what to bring")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    accessibility = forms.CharField(
        label=capfirst(_("accessibility")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Access for wheelchairs, toilets, shade, walking distance…"),
    )
    difficulty = forms.ChoiceField(
        label=capfirst(_("difficulty")),
        choices=Action.Difficulty.choices,
        initial=Action.Difficulty.EASY,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the levels offered.")},
    )
    children_welcome = forms.BooleanField(
        label=capfirst(_("children welcome")), required=False, initial=True
    )
    address = forms.CharField(label=capfirst(_("address")), max_length=300, required=False)
    meeting_point = forms.CharField(
        label=capfirst(_("meeting point")), max_length=300, required=False
    )
    commune = forms.ModelChoiceField(
        label=capfirst(_("commune")),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=_("— not specified —"),
        error_messages={"invalid_choice": _("Choose one of the communes offered.")},
    )
    longitude = LongitudeField(
        label=capfirst(_("longitude")),
        required=False,
        help_text=_("Optional, in decimal degrees, e.g. 5.0231."),
    )
    latitude = LatitudeField(
        label=capfirst(_("latitude")),
        required=False,
        help_text=_("Optional, in decimal degrees, e.g. 44.7551."),
    )
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages=DATE_ERRORS,
        validators=[plausible_year],
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        widget=TimeInput(),
        error_messages={**TIME_ERRORS, "required": _("Give the start time.")},
    )
    end_time = forms.TimeField(
        label=_("End time"),
        widget=TimeInput(),
        help_text=_("The same day."),
        error_messages={**TIME_ERRORS, "required": _("Give the end time.")},
    )
    registration_opens_at = forms.DateTimeField(
        label=capfirst(_("registration opens")),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Leave empty to open registration as soon as the action is published."),
        error_messages=DATETIME_ERRORS,
        validators=[plausible_year],
    )
    registration_closes_at = forms.DateTimeField(
        label=capfirst(_("registration closes")),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Leave empty to accept registrations until the action starts."),
        error_messages=DATETIME_ERRORS,
        validators=[plausible_year],
    )
    contact = forms.CharField(
        label=capfirst(_("contact")),
        max_length=200,
        required=False,
        help_text=_("A name, a phone number or an address to ask questions."),
    )
    capacity = forms.IntegerField(
        label=capfirst(_("overall capacity")),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_(
            "Places for the whole action, companions included. Leave empty: only the "
            "places of the roles count."
        ),
        error_messages={
            **NUMBER_ERRORS,
            "min_value": _("At least 1 place, or leave empty."),
            "max_value": _("At most 10,000 places."),
        },
    )
    waiting_list = forms.BooleanField(
        label=capfirst(_("waiting list when full")), required=False, initial=True
    )
    reminder_hours_before = forms.IntegerField(
        label=capfirst(_("reminder, hours before")),
        min_value=0,
        max_value=168,
        initial=24,
        help_text=_("0: no reminder."),
        error_messages={
            **NUMBER_ERRORS,
            "required": _("Give a number of hours, 0 for no reminder."),
            "min_value": _("Between 0 and 168 hours (a week)."),
            "max_value": _("Between 0 and 168 hours (a week)."),
        },
    )
    status = forms.ChoiceField(
        label=capfirst(_("status")),
        choices=[
            (Action.Status.DRAFT, _("Draft: only the team sees it")),
            (Action.Status.PUBLISHED, _("Published: everyone sees it and may register")),
        ],
        initial=Action.Status.DRAFT,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose draft or published.")},
    )
    default_places = forms.IntegerField(
        label=_("Places, if you list no role"),
        min_value=1,
        max_value=1000,
        initial=20,
        required=False,
        help_text=_("Without roles, everyone registers as “Participant”."),
        error_messages={
            **NUMBER_ERRORS,
            "min_value": _("At least 1 place."),
            "max_value": _("At most 1,000 places."),
        },
    )
    repeat_weeks = forms.IntegerField(
        label=_("Repeat every week, number of weeks (optional)"),
        required=False,
        min_value=2,
        max_value=52,
        help_text=_(
            "E.g. 6: the same action on the same day and time for six weeks. Leave empty "
            "for a single date."
        ),
        error_messages={
            **NUMBER_ERRORS,
            "min_value": _("Between 2 and 52 weeks, or leave empty."),
            "max_value": _("Between 2 and 52 weeks, or leave empty."),
        },
    )
    scope = forms.ChoiceField(
        label=_("Apply the changes to"),
        choices=Scope.choices,
        initial=Scope.THIS,
        widget=forms.RadioSelect,
        help_text=_(
            "The date, the times, the registration dates and the roles change only for "
            "this date; the other fields for the dates you choose."
        ),
        error_messages={"invalid_choice": _("Choose which dates of the series to change.")},
    )

    # Fields shown together, in this order, each group under its legend.
    GROUPS = (
        Group(
            _("The action"),
            ("kind", "title", "description", "what_to_bring", "difficulty", "cover", "cover_alt"),
        ),
        Group(_("Who may come"), ("children_welcome", "accessibility", "contact")),
        Group(_("When"), ("date", "start_time", "end_time", "repeat_weeks")),
        Group(_("Where"), ("address", "meeting_point", "commune", "longitude", "latitude")),
        Group(
            _("Roles and places"),
            help_text=_(
                "What people come to do, and how many places for each (companions "
                "included). Leave the unused rows empty; to remove a role, clear its name."
            ),
            role_rows=True,
        ),
        Group(
            _("Registration"),
            (
                "registration_opens_at",
                "registration_closes_at",
                "capacity",
                "waiting_list",
                "reminder_hours_before",
                "default_places",
            ),
        ),
        Group(_("Publication"), ("status", "scope")),
    )

    def __init__(
        self,
        *args: Any,
        project: Project,
        action: Action | None = None,
        role_rows: int = 0,
        **kwargs: Any,
    ) -> None:
        self.action = action
        roles = list(action.roles.all()) if action else []
        if action is not None:
            kwargs.setdefault("initial", _initial(action, roles))
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=project.communes.values("pk"))
            | Q(pk__in=project.organisation.communes.values("pk"))
        ).order_by("name")
        if action is not None:
            del self.fields["repeat_weeks"], self.fields["default_places"]
            if action.series_id is None:
                del self.fields["scope"]
            if action.status == Action.Status.CANCELLED:
                field = self.fields["status"]
                field.choices = [  # type: ignore[attr-defined]
                    *field.choices,  # type: ignore[attr-defined]
                    (Action.Status.CANCELLED, _("Cancelled")),
                ]
        else:
            # A new action shows its project's cover; its own is set when editing it.
            del self.fields["scope"], self.fields["cover"], self.fields["cover_alt"]
        # `role_rows`: as many rows as a caller sends at once (the API's list of roles).
        self.role_count = max(ROLE_ROWS, len(roles) + 2, role_rows)
        for row in range(self.role_count):
            self.fields[f"role_id_{row}"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
            self.fields[f"role_name_{row}"] = forms.CharField(
                label=_("Role %(number)s") % {"number": row + 1},
                max_length=120,
                required=False,
            )
            self.fields[f"role_places_{row}"] = forms.IntegerField(
                label=_("Places of role %(number)s") % {"number": row + 1},
                required=False,
                min_value=1,
                max_value=1000,
                error_messages={
                    **NUMBER_ERRORS,
                    "min_value": _("At least 1 place."),
                    "max_value": _("At most 1,000 places."),
                },
            )

    def fieldsets(self) -> list[Fieldset]:
        """The groups of `GROUPS` with their fields, in order, for the template to loop
        over; a group whose fields are all left out (when editing) is left out too."""
        fieldsets = [
            Fieldset(
                legend=str(group.legend),
                help_text=str(group.help_text),
                fields=[self[name] for name in group.names if name in self.fields],
                role_rows=self.role_rows() if group.role_rows else [],
            )
            for group in self.GROUPS
        ]
        return [fieldset for fieldset in fieldsets if fieldset.fields or fieldset.role_rows]

    def role_rows(self) -> list[RoleRow]:
        return [
            (self[f"role_id_{row}"], self[f"role_name_{row}"], self[f"role_places_{row}"])
            for row in range(self.role_count)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_roles(data)
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is None or start is None or end is None:
            return data
        starts_at, ends_at = _aware(day, start), _aware(day, end)
        if starts_at is None or ends_at is None:
            self.add_error("start_time", _("This time does not exist that day (summer time)."))
            return data
        if ends_at <= starts_at:
            self.add_error("end_time", _("The end must come after the start: check the times."))
            return data
        if self.action is not None:
            # The form shows minutes: a time left as it was keeps its seconds.
            starts_at = _same_minute(starts_at, self.action.starts_at)
            ends_at = _same_minute(ends_at, self.action.ends_at)
        unchanged = self.action is not None and starts_at == self.action.starts_at
        if not unchanged and starts_at <= timezone.now():
            self.add_error("date", _("This date is past: choose a date to come."))
            return data
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if closes and closes > starts_at:
            self.add_error(
                "registration_closes_at",
                _("Registration must close before the action starts: choose an earlier time."),
            )
        if opens and closes and opens >= closes:
            self.add_error(
                "registration_closes_at",
                _("Registration must close after it opens: check the two dates."),
            )
        if data.get("repeat_weeks") and (opens or closes):
            self.add_error(
                "repeat_weeks",
                _(
                    "For a repeated action, leave the registration dates empty: each date "
                    "accepts registrations until it starts."
                ),
            )
        point_from_fields(self)  # a half-given point is an error on the missing one
        return data

    def _clean_roles(self, data: dict[str, Any]) -> None:
        rows = []
        for row in range(self.role_count):
            pk = data.get(f"role_id_{row}")
            name = (data.get(f"role_name_{row}") or "").strip()
            places = data.get(f"role_places_{row}")
            if name and places is None and f"role_places_{row}" not in self.errors:
                self.add_error(f"role_places_{row}", _("Give the number of places of this role."))
            elif places is not None and not name:
                self.add_error(f"role_name_{row}", _("Give this role a name, or clear its places."))
            elif name or pk:
                rows.append(RoleEdit(pk=pk, name=name, places=places or 0))
        data["roles"] = rows
        if (
            self.action is None
            and not any(r.name for r in rows)
            and data.get("default_places") is None
            and "default_places" not in self.errors
        ):
            self.add_error("default_places", _("List at least one role, or give a number."))

    def new_roles(self) -> list[RoleInput]:
        """The roles of a new action: those of the table, or else one “Participant” role
        with the places asked."""
        data = self.cleaned_data
        roles = [RoleInput(row.name, row.places) for row in data["roles"] if row.name]
        return roles or [RoleInput(gettext("Participant"), data["default_places"])]

    def changes(self) -> dict[str, Any]:
        """The action's fields as entered, for `action_update`."""
        data = self.cleaned_data
        names = [
            "kind",
            "title",
            "description",
            "what_to_bring",
            "accessibility",
            "difficulty",
            "children_welcome",
            "address",
            "meeting_point",
            "commune",
            "longitude",
            "latitude",
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_closes_at",
            "contact",
            "capacity",
            "waiting_list",
            "reminder_hours_before",
            "status",
        ]
        return {name: data[name] for name in names}


def _initial(action: Action, roles: list[Role]) -> dict[str, Any]:
    starts, ends = timezone.localtime(action.starts_at), timezone.localtime(action.ends_at)
    initial: dict[str, Any] = {
        name: getattr(action, name)
        for name in [
            "kind",
            "title",
            "description",
            "what_to_bring",
            "accessibility",
            "difficulty",
            "children_welcome",
            "address",
            "meeting_point",
            "longitude",
            "latitude",
            "contact",
            "capacity",
            "waiting_list",
            "reminder_hours_before",
            "status",
            "cover",
            "cover_alt",
        ]
    }
    initial |= {
        "commune": action.commune_id,
        "date": starts.date(),
        "start_time": starts.time(),
        "end_time": ends.time(),
        "registration_opens_at": action.registration_opens_at
        and timezone.localtime(action.registration_opens_at),
        "registration_closes_at": action.registration_closes_at
        and timezone.localtime(action.registration_closes_at),
    }
    for row, role in enumerate(roles):
        initial |= {
            f"role_id_{row}": role.pk,
            f"role_name_{row}": role.name,
            f"role_places_{row}": role.places,
        }
    return initial


class CancelActionForm(forms.Form):
    note = forms.CharField(
        label=_("A word for the registrants (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the action is cancelled, and whether another date will come."),
    )
