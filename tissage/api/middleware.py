"""CORS for reading the API, and JSON for the errors no endpoint answers.

Reads are open to every origin (`Access-Control-Allow-Origin: *`), never with
credentials: a page on a commune's website may fetch the agenda, and the browser sends
no cookie with such a request, so nobody's session ever reaches the API that way (and the
public endpoints ignore sessions anyway). Only GET and its preflight get CORS headers:
a write from another origin is never allowed by the browser, with or without a token.
django-cors-headers would put the same headers on every method of a matching address;
these few lines say exactly what is open.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from .errors import error_response, not_found_message

PREFIX = "/api/v1/"
READ_METHODS = ("GET",)
# What a cross-origin page may send, and read back, for cheap polling and paging.
ALLOWED_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "ETag, Last-Modified, Link"
PREFLIGHT_MAX_AGE = "86400"


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        if _is_read_preflight(request):
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
            response["Access-Control-Allow-Origin"] = "*"
            return response
        response = self.get_response(request)
        if response.status_code == 404 and not response.get("Content-Type", "").startswith(
            "application/"
        ):
            # An address that matches no endpoint: Django's HTML page would do for people,
            # not for programs.
            response = error_response(404, not_found_message())
            patch_vary_headers(response, ("Accept-Language",))
        if request.method in READ_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response


def _is_read_preflight(request: HttpRequest) -> bool:
    return (
        request.method == "OPTIONS"
        and request.META.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", "").upper() in READ_METHODS
    )
