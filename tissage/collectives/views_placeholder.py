"""Temporary: answers 404 for pages not written yet (removed at integration)."""

from django.http import Http404, HttpRequest, HttpResponse


def not_yet(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
