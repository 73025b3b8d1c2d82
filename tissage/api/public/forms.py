"""The query strings of the public lists, read by Django forms: one set of messages
(translated, saying what to type), and the same fields describe the parameters in the
OpenAPI document (`query_parameters`).

A form's `help_text` is the parameter's description in the OpenAPI document, written in
English once for every reader of the schema (it is built once per process, in no
request's language); the error messages are translated for each request.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tissage.actions.form_fields import plausible_year
from tissage.api.errors import BadQuery
from tissage.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, CursorInvalid
from tissage.territories.forms import BoxField, InseeCodeField
from tissage.territories.geography import Box

MOMENT_MESSAGE = _(
    "Give a date such as 2027-06-14, or a date and time such as 2027-06-14T09:30:00+02:00."
)
SLUG_MESSAGE = _("Give the short name as in the page's address, e.g. plantons-des-haies.")
# Says MAX_LIMIT in words (tested): a lazy text cannot take it as a parameter here.
LIMIT_MESSAGE = _("limit is a whole number from 1 to 200.")
CURSOR_MESSAGE = _(
    "This cursor is not one this list gave: start again from the first page, then follow "
    "the “next” addresses."
)


class MomentField(forms.DateTimeField):
    """A date (midnight, Paris time) or a date and time in ISO 8601 (Paris time unless it
    says its offset), between 1900 and 2100."""

    default_error_messages = {"invalid": MOMENT_MESSAGE}
    default_validators = [plausible_year]

    def to_python(self, value: Any) -> datetime.datetime | None:
        if isinstance(value, str) and (value := value.strip()):
            try:
                parsed = datetime.datetime.fromisoformat(value)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            if not 1 <= parsed.year <= 9998:  # no overflow when moved to another zone
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            if timezone.is_naive(parsed):
                try:
                    parsed = timezone.make_aware(parsed)
                except ValueError:  # an hour skipped by daylight saving time
                    raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            return parsed
        return None


class ListQuery(forms.Form):
    """What every list takes: the page, its size, and rows changed since a moment."""

    cursor = forms.CharField(
        required=False,
        max_length=400,
        help_text="Where the page starts: the cursor of the previous page's `next` address. "
        "Opaque: hand it back as it came.",
        error_messages={"max_length": CURSOR_MESSAGE},
    )
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=f"Rows per page, 1 to {MAX_LIMIT} ({DEFAULT_LIMIT} by default).",
        error_messages={
            "invalid": LIMIT_MESSAGE,
            "min_value": LIMIT_MESSAGE,
            "max_value": LIMIT_MESSAGE,
        },
    )
    updated_since = MomentField(
        required=False,
        help_text="Only the rows changed at or after this moment (ISO 8601 date or date and "
        "time; Paris time unless an offset is given).",
    )

    def read(self) -> dict[str, Any]:
        """The cleaned values, or `BadQuery` with each parameter's problem."""
        if not self.is_valid():
            raise BadQuery(
                {
                    name: [str(error["message"]) for error in errors]
                    for name, errors in self.errors.get_json_data().items()
                }
            )
        data = dict(self.cleaned_data)
        data["limit"] = data.get("limit") or DEFAULT_LIMIT
        return data


def cursor_problem() -> BadQuery:
    return BadQuery({"cursor": [str(CURSOR_MESSAGE)]})


def commune_field() -> InseeCodeField:
    return InseeCodeField(required=False, help_text="INSEE code of a commune, e.g. 30189 (Nîmes).")


def slug_field(help_text: str) -> forms.SlugField:
    return forms.SlugField(
        required=False,
        max_length=100,
        help_text=help_text,
        error_messages={"invalid": SLUG_MESSAGE, "max_length": SLUG_MESSAGE},
    )


def bbox_field(help_text: str) -> BoxField:
    return BoxField(required=False, help_text=help_text)


class OrganisationQuery(ListQuery):
    commune = commune_field()


class ProjectQuery(ListQuery):
    organisation = slug_field("Short name of an organisation: its projects only.")
    commune = commune_field()


class ActionQuery(ListQuery):
    project = slug_field("Short name of a project: its actions only.")
    commune = commune_field()
    start_after = MomentField(
        required=False,
        help_text="Actions starting at or after this moment (a date means its midnight, "
        "Paris time).",
    )
    start_before = MomentField(required=False, help_text="Actions starting before this moment.")
    bbox = bbox_field(
        "Actions whose meeting point is in this box: west,south,east,north in degrees "
        "(WGS84), e.g. 4.30,43.80,4.40,43.87."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        after, before = data.get("start_after"), data.get("start_before")
        if after and before and before <= after:
            self.add_error(
                "start_before", _("start_before must come after start_after: change one of them.")
            )
        return data


class CampaignQuery(ListQuery):
    project = slug_field("Short name of a project: its inventory campaigns only.")
    commune = commune_field()


class ItemQuery(ListQuery):
    category = slug_field("Short name of a category of the campaign: its items only.")
    commune = commune_field()
    bbox = bbox_field(
        "Items whose public point is in this box: west,south,east,north in degrees "
        "(WGS84), e.g. 4.30,43.80,4.40,43.87. The public point of an item whose place is "
        "hidden is rounded to about 1 km."
    )


class InitiativeQuery(ListQuery):
    collective = slug_field("Short name of a collective: its initiatives only.")
    commune = commune_field()


class ConsultationQuery(ListQuery):
    project = slug_field("Short name of a project: its consultations only.")


def query_read(form_class: type[ListQuery], data: Any) -> dict[str, Any]:
    return form_class(data).read()


def box_of(data: dict[str, Any]) -> Box | None:
    box = data.get("bbox")
    return box if isinstance(box, Box) else None


def query_parameters(form_class: type[forms.Form]) -> dict[str, Any]:
    """The form's fields as OpenAPI query parameters (for `openapi_extra`)."""
    parameters = []
    for name, field in form_class.base_fields.items():
        schema: dict[str, Any] = {"type": "string"}
        if isinstance(field, forms.IntegerField):
            schema = {"type": "integer"}
            if field.min_value is not None:
                schema["minimum"] = field.min_value
            if field.max_value is not None:
                schema["maximum"] = field.max_value
        parameters.append(
            {
                "in": "query",
                "name": name,
                "required": False,
                "description": str(field.help_text),
                "schema": schema,
            }
        )
    return {"parameters": parameters}


__all__ = ["CursorInvalid"]
