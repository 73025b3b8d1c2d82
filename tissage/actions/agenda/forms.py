"""The public filters of the agenda: project, commune, kind, dates."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tissage.actions.form_fields import PlausibleDateField
from tissage.actions.models import Action, ActionQuerySet
from tissage.core.forms import ListSelect
from tissage.projects.models import Project
from tissage.territories.models import Commune

# The filters' choices: (slug, title) of projects and (INSEE code, name) of communes.
Offered = tuple[list[tuple[str, str]], list[tuple[str, str]]]

# The filters `apply` reads, in the order `applied` writes them.
FILTERS = ("project", "commune", "kind", "start", "end")

DATE_ERROR = _("Enter a date such as 14/06/2027, or leave the box empty.")


class AgendaFilterForm(forms.Form):
    """Offers only the projects and communes that have actions to come, so that no
    choice leads to an empty page. A filter that does not make sense is ignored, with
    its message, and the others still apply."""

    project = forms.ChoiceField(
        widget=ListSelect,
        label=_("Project"),
        required=False,
        error_messages={
            "invalid_choice": _("This project has no action to come: choose one from the list.")
        },
    )
    commune = forms.ChoiceField(
        widget=ListSelect,
        label=_("Commune"),
        required=False,
        error_messages={
            "invalid_choice": _("This commune has no action to come: choose one from the list.")
        },
    )
    kind = forms.ChoiceField(
        widget=ListSelect,
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds"))]
        + [(value, capfirst(label)) for value, label in Action.Kind.choices],
        error_messages={"invalid_choice": _("Choose a kind from the list.")},
    )
    start = PlausibleDateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR, "out_of_range": DATE_ERROR},
    )
    end = PlausibleDateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR, "out_of_range": DATE_ERROR},
    )

    def __init__(self, *args: Any, choices: Offered, **kwargs: Any) -> None:
        """`choices`: the projects and the communes with actions to come (`offered`)."""
        super().__init__(*args, **kwargs)
        projects, communes = choices
        self.fields["project"].choices = [("", _("All projects")), *projects]  # type: ignore[attr-defined]
        self.fields["commune"].choices = [("", _("All communes")), *communes]  # type: ignore[attr-defined]

    @staticmethod
    def offered(upcoming: ActionQuerySet) -> Offered:
        """The (slug, title) of the projects and the (INSEE code, name) of the communes
        that have actions among `upcoming`, in order: two queries."""
        projects = list(
            Project.objects.filter(pk__in=upcoming.values("project_id"))
            .order_by("title")
            .values_list("slug", "title")
        )
        communes = list(
            Commune.objects.filter(pk__in=upcoming.values("commune"))
            .order_by("name", "insee_code")
            .values_list("insee_code", "name")
        )
        return projects, communes

    def applied(self) -> str:
        """The filters that apply (`apply`'s), written alike whatever order the query
        string gives them in and whatever else it holds: what the agenda keeps their count
        under, so that a link with a newsletter's tracking parameter, or any other,
        shares the count of the same filters rather than adds a copy to the cache."""
        if not self.is_bound:
            return ""
        self.is_valid()
        data = self.cleaned_data
        return "&".join(f"{name}={data[name]}" for name in FILTERS if data.get(name))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("This date is before the “from” date: change one of them."))
        return data

    def apply(self, actions: ActionQuerySet) -> ActionQuerySet:
        """The actions that pass the filters that are valid (see the class doc)."""
        if not self.is_bound:
            return actions
        self.is_valid()
        data = self.cleaned_data
        if data.get("project"):
            actions = actions.filter(project__slug=data["project"])
        if data.get("commune"):
            actions = actions.filter(commune__insee_code=data["commune"])
        if data.get("kind"):
            actions = actions.filter(kind=data["kind"])
        # Whole days on the local clock: an action counts if it happens on those days.
        if data.get("start"):
            actions = actions.filter(ends_at__gte=_midnight(data["start"]))
        if data.get("end"):
            day_after = data["end"] + datetime.timedelta(days=1)
            actions = actions.filter(starts_at__lt=_midnight(day_after))
        return actions


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
