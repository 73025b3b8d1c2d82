from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tissage.core.access import LinkProblem, SignInRequired


class FrenchUnlessChosenMiddleware:
    """Pages are in French unless the person chose another language with the switch.

    The browser's Accept-Language is ignored on purpose: the platform's audience is
    French, and many phones are set to English without their owner knowing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
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
