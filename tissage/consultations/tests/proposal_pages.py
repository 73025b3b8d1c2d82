"""Stand-ins for the proposals part's pages while it is not merged in this branch.

The map and the comments link to the proposal form (`consultations:propose`) and the
proposal page (`consultations:proposal`, which shows the comments' thread); both belong
to the proposals part. `proposal_pages()` adds a minimal page under each name that does
not exist yet, for the length of a test, so that these tests pass before and after the
merge; once the real pages exist, it adds nothing and the tests use them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import NoReverseMatch, clear_url_caches, path, reverse

from tissage.consultations.models import Proposal
from tissage.consultations.proposals import urls as proposal_urls

PROPOSAL_PAGE = """{% extends "base.html" %}{% block content %}
<h1>{{ proposal.title }}</h1>{% include "consultations/comments/_thread.html" %}
{% endblock %}"""


def _proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    page = engines["django"].from_string(PROPOSAL_PAGE)
    return HttpResponse(page.render({"proposal": proposal}, request))


def _propose(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse("<!DOCTYPE html><title>Proposer</title><h1>Proposer</h1>")


def _missing(name: str, **kwargs: object) -> bool:
    try:
        reverse(f"consultations:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return True
    return False


@contextmanager
def proposal_pages() -> Iterator[None]:
    added = []
    if _missing("proposal", pk=1):
        added.append(path("propositions/<int:pk>/", _proposal, name="proposal"))
    if _missing("propose", slug="x"):
        added.append(path("<consultation_slug:slug>/proposer/", _propose, name="propose"))
    proposal_urls.urlpatterns.extend(added)
    clear_url_caches()
    try:
        yield
    finally:
        for pattern in added:
            proposal_urls.urlpatterns.remove(pattern)
        clear_url_caches()
