"""Every refusal of the API, public or staff, is one JSON shape with a message a person
can act on, in the request's language (French unless `Accept-Language` asks for
English), never a 500:

    {"message": "…", "errors": [{"field": "…", "message": "…"}]}

`errors` lists the parameters or body fields to correct (empty otherwise). Statuses
follow docs/permissions.md's rule: 400 a query string or body that cannot be read,
401 no usable token (with `WWW-Authenticate: Bearer`), 403 seen but not allowed, 404
hidden or absent (an id out of range in a path too), 409 a change the object's state
refuses, 422 a body's values to correct, 429 too many writes (with `Retry-After`).

The handlers are installed on the NinjaAPI (`errors_install`); `middleware.ApiMiddleware`
gives the same JSON to what never reaches it (an address that matches no endpoint).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from tissage.core.access import SignInRequired


class FieldError(Schema):
    field: str = Field(description="The parameter or body field, e.g. `bbox`, `roles[0].places`.")
    message: str = Field(description="What is wrong with it and how to correct it.")


class ErrorOut(Schema):
    """What every refusal answers."""

    message: str = Field(description="What went wrong and what to do, in plain words.")
    errors: list[FieldError] = Field(
        default_factory=list,
        description="Each parameter or field to correct, with its problem.",
    )


class BadQuery(Exception):
    """A query string that does not make sense: answered 400 with each parameter's
    problem, in the words of the form that read it."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


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


def not_found_message() -> str:
    return _("Nothing here: this address names nothing you may see, or nothing at all.")


def error_response(
    status: int,
    message: str,
    errors: Sequence[tuple[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "message": message,
        "errors": [{"field": field, "message": text} for field, text in errors],
    }
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def bad_query_response(errors: Mapping[str, Sequence[str]]) -> HttpResponse:
    details = " ".join(f"{name}: {' '.join(problems)}" for name, problems in errors.items())
    message = _("The query is not valid. %(details)s") % {"details": details}
    return error_response(
        400, message, [(name, problem) for name, problems in errors.items() for problem in problems]
    )


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


def _api_error(request: HttpRequest, exc: Any) -> HttpResponse:
    return error_response(exc.status, exc.message, exc.errors, exc.headers)


def _validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
    sources = {str(error.get("loc", ("",))[0]) for error in exc.errors}
    # A path that names nothing (an id out of range) is a 404 like any unknown address.
    if "path" in sources:
        return error_response(404, not_found_message())
    if sources <= {"query"}:
        problems: dict[str, list[str]] = {}
        for error in exc.errors:
            problems.setdefault(_field_name(error.get("loc", ())), []).append(
                pydantic_message(error)
            )
        return bad_query_response(problems)
    errors = [(_field_name(error.get("loc", ())), pydantic_message(error)) for error in exc.errors]
    exc_out = ApiError.invalid(errors)
    return error_response(exc_out.status, exc_out.message, exc_out.errors)


def _not_found(request: HttpRequest, exc: Any) -> HttpResponse:
    return error_response(404, not_found_message())


def _bad_query(request: HttpRequest, exc: Any) -> HttpResponse:
    return bad_query_response(exc.errors)


def _http_error(request: HttpRequest, exc: Any) -> HttpResponse:
    """Ninja's own refusals (a body that is not JSON, no token), in the same shape."""
    if exc.status_code == 401:
        error = ApiError.unauthorized(given=False)
    elif exc.status_code == 400:
        error = ApiError(400, _("The body is not valid JSON: check its syntax."))
    else:
        error = ApiError(exc.status_code, _("This request cannot be answered."))
    return error_response(error.status, error.message, error.errors, error.headers)


def errors_install(api: NinjaAPI) -> None:
    # Ninja types a handler's exception as the instance or its class: `Any` here.
    api.add_exception_handler(ApiError, _api_error)
    api.add_exception_handler(BadQuery, _bad_query)
    api.add_exception_handler(ValidationError, _validation_error)
    api.add_exception_handler(Http404, _not_found)
    # A members-only archive asks a person on the site to sign in; a program reading the
    # public API is told what anyone is told of what they may not see.
    api.add_exception_handler(SignInRequired, _not_found)
    api.add_exception_handler(HttpError, _http_error)
