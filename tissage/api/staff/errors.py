"""The staff endpoints' errors: one JSON shape, a clear message in the request's language.

Every refusal is `{"message": "…", "errors": [{"field": "…", "message": "…"}]}` (`errors`
only for input to correct), with the status of docs/permissions.md's rule: 401 without a
usable token (and `WWW-Authenticate: Bearer`), 403 seen but not allowed, 404 hidden or
absent, 409 a change the object's state refuses, 422 input to correct, 429 too many
writes (and `Retry-After`). Views raise `ApiError`; `errors_install` turns it, the
validation errors of the schemas (pydantic's, English and technical) and Ninja's own
`HttpError`s into that shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError


class StaffFieldError(Schema):
    field: str
    message: str


class StaffError(Schema):
    message: str
    errors: list[StaffFieldError] = []


# The answers every staff endpoint may give besides its own (declared in the schema, so
# that clients and schemathesis know them).
REFUSALS: dict[int, type[Schema]] = {
    401: StaffError,
    403: StaffError,
    404: StaffError,
    422: StaffError,
}
WRITE_REFUSALS: dict[int, type[Schema]] = {**REFUSALS, 400: StaffError, 429: StaffError}


class ApiError(Exception):
    """A refusal with its status, message, field errors and headers."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: Sequence[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = list(errors)
        self.headers = dict(headers or {})

    @classmethod
    def unauthorized(cls, *, given: bool) -> ApiError:
        """No token (`given` False), or one that is unknown or revoked."""
        if given:
            return cls(
                401,
                _(
                    "This API token is not valid or was revoked: make a new one on your "
                    "account page."
                ),
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return cls(
            401,
            _(
                "Give a personal API token in the header “Authorization: Bearer …”: make one "
                "on your account page."
            ),
            headers={"WWW-Authenticate": "Bearer"},
        )

    @classmethod
    def forbidden(cls, message: str = "") -> ApiError:
        return cls(403, message or _("This token does not allow it."))

    @classmethod
    def not_found(cls) -> ApiError:
        return cls(404, _("Nothing here: the address names nothing this token may see."))

    @classmethod
    def invalid(cls, errors: Sequence[tuple[str, str]], message: str = "") -> ApiError:
        return cls(
            422, message or _("Some values need a correction: see each field."), errors=errors
        )

    @classmethod
    def from_django(
        cls, error: DjangoValidationError, fields: Mapping[str, str] | None = None
    ) -> ApiError:
        """A service's refusal: its messages, on the API's names of the form's fields
        (`fields`: form field → API field; messages without a field come first)."""
        fields = fields or {}
        if hasattr(error, "error_dict"):
            found = [
                (fields.get(name, name) if name != "__all__" else "", message)
                for name, messages in error.message_dict.items()
                for message in messages
            ]
        else:
            found = [("", message) for message in error.messages]
        general = [message for field, message in found if not field]
        return cls.invalid([(f, m) for f, m in found if f], " ".join(general))


def error_response(api: NinjaAPI, request: HttpRequest, error: ApiError) -> HttpResponse:
    body = {
        "message": error.message,
        "errors": [{"field": field, "message": message} for field, message in error.errors],
    }
    response = api.create_response(request, body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def _field_name(location: Iterable[Any]) -> str:
    """`("body", "payload", "roles", 0, "name")` → `roles[0].name`."""
    parts = list(location)
    if parts and parts[0] == "body":
        parts = parts[2:]  # the source, then the name of the view's argument
    elif parts:
        parts = parts[1:]  # the source: query or path
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def pydantic_message(error: Mapping[str, Any]) -> str:
    """A message a person can act on, in their language, for one of pydantic's errors."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("Give this value: it is required.")
    if kind == "extra_forbidden":
        return _("This field is not known: remove it.")
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _("Type a whole number.")
    if kind in {"float_type", "float_parsing", "finite_number"}:
        return _("Give a number, e.g. 5.0231.")
    if kind in {"bool_type", "bool_parsing"}:
        return _("Give true or false.")
    if kind in {"string_type", "string_unicode"}:
        return _("Give a text.")
    if kind.startswith("datetime") or kind == "timezone_aware":
        return _("Give a date and a time, e.g. 2026-03-15T09:30:00+01:00.")
    if kind.startswith("date"):
        return _("Give a date, e.g. 2026-03-15.")
    if kind in {"enum", "literal_error"}:
        return _("Choose one of: %(choices)s.") % {"choices": context.get("expected", "")}
    if kind in {"list_type", "tuple_type"}:
        return _("Give a list.")
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _("Give an object.")
    if kind == "string_too_long":
        return _("At most %(count)s characters.") % {"count": context.get("max_length")}
    if kind == "string_too_short":
        return _("At least %(count)s characters.") % {"count": context.get("min_length")}
    if kind == "too_long":
        return _("At most %(count)s items.") % {"count": context.get("max_length")}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("At least %(value)s.") % {"value": context.get("ge", context.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("At most %(value)s.") % {"value": context.get("le", context.get("lt"))}
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    return _("This value is not valid.")


def _validation_error(
    api: NinjaAPI, request: HttpRequest, exc: NinjaValidationError
) -> HttpResponse:
    errors = [(_field_name(error.get("loc", ())), pydantic_message(error)) for error in exc.errors]
    return error_response(api, request, ApiError.invalid(errors))


def _http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals (a body that is not JSON, no token), in the same shape."""
    if exc.status_code == 401:
        return error_response(api, request, ApiError.unauthorized(given=False))
    if exc.status_code == 400:
        error = ApiError(400, _("The body is not valid JSON: check its syntax."))
    else:
        error = ApiError(exc.status_code, _("This request cannot be answered."))
    return error_response(api, request, error)


def errors_install(api: NinjaAPI) -> None:
    api.add_exception_handler(ApiError, partial(_api_error, api))
    api.add_exception_handler(NinjaValidationError, partial(_validation_error, api))
    api.add_exception_handler(HttpError, partial(_http_error, api))


def _api_error(api: NinjaAPI, request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(api, request, exc)
