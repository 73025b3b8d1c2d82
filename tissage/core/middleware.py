from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
