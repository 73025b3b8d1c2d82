from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import lookups
from . import queries


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, rights = lookups.get_consultation(request, slug)
    return render(
        request,
        "consultations/consultation/detail.html",
        {
            "consultation": consultation,
            "rights": rights,
            **queries.consultation_page(consultation, request.user, rights),
        },
    )
