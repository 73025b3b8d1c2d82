from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tissage.core.access import LinkProblem, SignInRequired
from tissage.core.files import StorageUnavailable
from tissage.core.views import storage_unavailable

View = Callable[..., HttpResponse]


class FrenchUnlessChosenMiddleware:
    """Pages are in French unless the person chose another language with the switch.

    The browser's Accept-Language is ignored on purpose: the platform's audience is
    French, and many phones are set to English without their owner knowing. The API
    (`/api/`) keeps it: its clients are programs, whose authors ask for a language when
    they want one (`Accept-Language: en`); without it, French.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SignInRequiredMiddleware:
    """Answers `core.access.SignInRequired` with the sign-in page (back here after) and
    `core.access.LinkProblem` with the page of link problems."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, SignInRequired):
            return redirect_to_login(request.get_full_path())
        if isinstance(exception, LinkProblem):
            return render(
                request, "core/link_problem.html", {"message": str(exception)}, status=400
            )
        return None


class StorageUnavailableMiddleware:
    """Answers `core.files.StorageUnavailable` (the object store cannot be reached) with a
    503 page in plain words instead of an error: the view's transaction is already rolled
    back, so no row names a file that was not stored; pages without files still work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, StorageUnavailable):
            return storage_unavailable(request)
        return None


# Browser features no page uses are switched off for every page and whatever it embeds;
# a page that needs one for itself says so with `permits_for_self` (the contribution form:
# "use my position"). Taking a photo goes through the file input, which needs no camera
# permission.
PERMISSIONS_POLICY_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)


def permissions_policy(allowed_for_self: Iterable[str] = ()) -> str:
    """The Permissions-Policy header: every feature off, but `allowed_for_self` for this
    site's own pages."""
    allowed = set(allowed_for_self)
    return ", ".join(
        f"{feature}=(self)" if feature in allowed else f"{feature}=()"
        for feature in PERMISSIONS_POLICY_FEATURES
    )


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


def permits_for_self(*features: str) -> Callable[[View], View]:
    """View decorator: the page may use these browser features (e.g. "geolocation")."""
    unknown = set(features) - set(PERMISSIONS_POLICY_FEATURES)
    assert not unknown, f"unknown features: {unknown}"
    header = permissions_policy(features)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response.headers["Permissions-Policy"] = header
            return response

        return cast(View, wrapped)

    return decorate
