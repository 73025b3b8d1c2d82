"""Form fields and widgets shared by the sub-packages' forms: dates between 1900 and 2100,
the browser's own date and time pickers, and a role chosen among roles already read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from tissage.actions.models import Role

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


class _RolesRead(ModelChoiceIterator):
    """The choices of a `RoleField`: the roles it was given, without a query."""

    field: RoleField

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for role in self.field.roles:
            yield self.choice(role)

    def __len__(self) -> int:
        return len(self.field.roles) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.roles)


class RoleField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One of an action's roles, chosen among the rows the view read already (`roles`):
    listing and checking the choice cost no query (a ModelChoiceField queries for each)."""

    iterator = _RolesRead

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Role.objects.none(), **kwargs)
        self.roles: list[Role] = []

    def to_python(self, value: Any) -> Role | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Role):
            value = value.pk
        for role in self.roles:
            if str(role.pk) == str(value).strip():
                return role
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": str(value)[:20]},
        )
