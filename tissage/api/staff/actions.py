"""Creating and editing actions through the API, the web's way: the JSON becomes the data
of the facilitators' form (`actions.manage.forms.ActionForm`), which checks it with the
page's rules and words, then the page's services write it (`action_create`,
`action_update`). Nothing here decides what an action may be.

The API says a start and an end (`starts_at`, `ends_at`); the form, a date and two times
on the local clock: an action lasts within one day, as on the page."""

from __future__ import annotations

import datetime
import enum
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.access import signed_in_user
from tissage.actions.manage import services
from tissage.actions.manage.forms import ActionForm
from tissage.actions.models import Action
from tissage.core.emails import site_url
from tissage.projects.models import Project

from ..errors import ApiError
from .schemas import StaffActionCreate, StaffActionUpdate

# The form's fields that the API names otherwise.
API_NAMES = {
    "date": "starts_at",
    "start_time": "starts_at",
    "end_time": "ends_at",
    "default_places": "places",
}
# Given as null in an update, these would not mean "empty": leave them out to keep them.
NOT_NULL = {
    "title",
    "starts_at",
    "ends_at",
    "kind",
    "status",
    "description",
    "what_to_bring",
    "accessibility",
    "difficulty",
    "children_welcome",
    "address",
    "meeting_point",
    "contact",
    "waiting_list",
    "reminder_hours_before",
    "roles",
}
# What the form holds besides the action's fields.
_OWN = {"starts_at", "ends_at", "roles", "places", "scope"}


def _api_name(form_name: str) -> str:
    if form_name.startswith("role_"):
        _role, part, number = form_name.split("_")
        return f"roles[{number}].{'id' if part == 'id' else part}"
    return API_NAMES.get(form_name, form_name)


def _local(moment: datetime.datetime) -> datetime.datetime:
    """On the local clock; a moment without an offset is a local time already."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment)


class _Data:
    """The form's data being made, and the errors found on the way."""

    def __init__(self, initial: dict[str, Any]) -> None:
        self.values = initial
        self.errors: list[tuple[str, str]] = []

    def give(self, name: str, value: Any) -> None:
        self.values[name] = value.value if isinstance(value, enum.Enum) else value

    def when(self, given: dict[str, Any]) -> None:
        """`starts_at` and `ends_at` as the form's date, start time and end time."""
        for name in ("starts_at", "ends_at"):
            if given.get(name) is None:
                continue
            try:
                local = _local(given[name])
            except (OverflowError, ValueError):
                self.errors.append((name, _("Give a date between 1900 and 2100.")))
                continue
            if name == "starts_at":
                self.values["date"], self.values["start_time"] = local.date(), local.time()
            elif self.values.get("date") is None:
                continue  # no start: the form says so
            elif local.date() != self.values["date"]:
                self.errors.append(("ends_at", _("The end must be on the same day as the start.")))
            else:
                self.values["end_time"] = local.time()

    def roles(self, rows: list[dict[str, Any]]) -> None:
        """The rows of the roles' table, in the order given."""
        for key in [key for key in self.values if key.startswith("role_")]:
            del self.values[key]
        for number, row in enumerate(rows):
            self.values[f"role_id_{number}"] = row.get("id")
            self.values[f"role_name_{number}"] = row.get("name")
            self.values[f"role_places_{number}"] = row.get("places")


def _checked(data: _Data, *, project: Project, action: Action | None, role_rows: int) -> ActionForm:
    form = ActionForm(data.values, project=project, action=action, role_rows=role_rows)
    # The API names communes by their INSEE code, the page by its choices.
    form.fields["commune"].to_field_name = "insee_code"  # type: ignore[attr-defined]
    if not form.is_valid() or data.errors:
        errors = list(data.errors)
        seen = {name for name, _message in errors}
        for name, messages in form.errors.items():
            if name != "__all__" and _api_name(name) not in seen:
                errors += [(_api_name(name), str(message)) for message in messages]
        raise ApiError.invalid(errors, " ".join(str(e) for e in form.non_field_errors()))
    return form


def action_create_from(
    request: HttpRequest, project: Project, payload: StaffActionCreate
) -> Action:
    """A new action of the project, as the page would make it (one date)."""
    given = payload.model_dump()
    data = _Data({"default_places": given["places"]})
    for name, value in given.items():
        if name not in _OWN:
            data.give(name, value)
    data.when(given)
    data.roles(given["roles"])
    form = _checked(data, project=project, action=None, role_rows=len(given["roles"]))
    fields = form.changes()
    starts_at, ends_at, title = fields.pop("starts_at"), fields.pop("ends_at"), fields.pop("title")
    try:
        return services.action_create(
            project=project,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            roles=form.new_roles(),
            creator=signed_in_user(request),
            **fields,
        )
    except ValidationError as error:
        raise ApiError.from_django(error) from None


def action_update_from(
    request: HttpRequest, action: Action, payload: StaffActionUpdate
) -> list[Action]:
    """The fields given changed, as the page would change them; the actions changed."""
    given = payload.model_dump(exclude_unset=True)
    nulls = sorted(name for name in NOT_NULL if name in given and given[name] is None)
    if nulls:
        raise ApiError.invalid(
            [
                (name, _("Leave this field out to keep its value: it cannot be null."))
                for name in nulls
            ]
        )
    unchanged = ActionForm(project=action.project, action=action)
    data = _Data(
        {name: unchanged[name].value() for name in unchanged.fields if name != "cover"}
        | {"commune": action.commune.insee_code if action.commune else None}
    )
    for name, value in given.items():
        if name not in _OWN:
            data.give(name, value)
    data.give("scope", given.get("scope") or services.Scope.THIS)
    data.when(given)
    rows = given.get("roles")
    if rows is not None:
        data.roles(rows)
    form = _checked(data, project=action.project, action=action, role_rows=len(rows or ()))
    try:
        return services.action_update(
            action=action,
            changes=form.changes(),
            scope=form.cleaned_data.get("scope") or services.Scope.THIS,
            editor=signed_in_user(request),
            base_url=site_url(request),
            roles=form.cleaned_data["roles"],
        )
    except ValidationError as error:
        raise ApiError.from_django(error, API_NAMES) from None
