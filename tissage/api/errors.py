"""Every 4xx of the API is JSON with a `message` a person can act on, in the request's
language (French unless `Accept-Language` asks for English), never a 500.

The handlers are installed on the NinjaAPI (`errors_install`); `middleware.ApiMiddleware`
gives the same JSON to what never reaches it (an address that matches no endpoint).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from tissage.core.access import SignInRequired


class ErrorOut(Schema):
    """What every error answers."""

    message: str = Field(description="What went wrong and what to do, in plain words.")
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="For a bad query: each parameter in error and what is wrong with it.",
    )


class BadQuery(Exception):
    """A query string that does not make sense: answered 400 with each parameter's
    problem, in the words of the form that read it."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def not_found_message() -> str:
    return _("Nothing here: this address names nothing you may see, or nothing at all.")


def error_response(
    status: int, message: str, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"message": message, "errors": errors or {}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def bad_query_response(errors: dict[str, list[str]]) -> HttpResponse:
    details = " ".join(f"{name}: {' '.join(problems)}" for name, problems in errors.items())
    message = _("The query is not valid. %(details)s") % {"details": details}
    return error_response(400, message, errors)


def _validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
    # A path that names nothing (an id out of range) is a 404 like any unknown address;
    # parameters and bodies say which part is wrong.
    if any(error.get("loc", ("",))[0] == "path" for error in exc.errors):
        return error_response(404, not_found_message())
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        name = ".".join(str(part) for part in error.get("loc", ())[1:]) or "body"
        errors.setdefault(name, []).append(_("This value is not valid."))
    return bad_query_response(errors)


def _not_found(request: HttpRequest, exc: Any) -> HttpResponse:
    return error_response(404, not_found_message())


def _bad_query(request: HttpRequest, exc: Any) -> HttpResponse:
    return bad_query_response(exc.errors)


def _http_error(request: HttpRequest, exc: Any) -> HttpResponse:
    return error_response(exc.status_code, exc.message)


def errors_install(api: NinjaAPI) -> None:
    # Ninja types a handler's exception as the instance or its class: `Any` here.
    api.add_exception_handler(BadQuery, _bad_query)
    api.add_exception_handler(ValidationError, _validation_error)
    api.add_exception_handler(Http404, _not_found)
    # A members-only archive asks a person on the site to sign in; a program reading the
    # public API is told what anyone is told of what they may not see.
    api.add_exception_handler(SignInRequired, _not_found)
    api.add_exception_handler(HttpError, _http_error)
