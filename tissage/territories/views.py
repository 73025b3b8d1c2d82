"""Finding a commune: suggestions while its name is typed, and, without JavaScript, the
communes of a department to read its exact spelling from."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .forms import DepartmentForm
from .models import Commune

SUGGESTIONS = 10
# Longer than any name with its code (`CommuneField`): what is beyond is not a commune.
MAX_TEXT_LENGTH = 210


@require_GET
@cache_control(max_age=3600)
def suggestions(request: HttpRequest) -> HttpResponse:
    """The options of a commune box's datalist (an HTMX fragment; `forms.CommuneInput`):
    the communes whose name or code begins with the text typed, at most ten. The text is
    `q`, or the parameter `field` names: HTMX sends the box under the form field's name.
    Too short, or matching nothing, is an empty list, never an error."""
    text = request.GET.get(request.GET.get("field") or "q", "")[:MAX_TEXT_LENGTH]
    communes = Commune.objects.beginning_with(text)[:SUGGESTIONS]
    return render(request, "territories/suggestions.html", {"communes": communes})


@require_GET
def communes(request: HttpRequest) -> HttpResponse:
    """The communes of a department (`?departement=30`), by first letter: where a person
    without suggestions finds the spelling the commune boxes read. With one department
    on the platform, its communes are shown straight away."""
    departments = Commune.objects.departments()
    data = request.GET
    if not data and len(departments) == 1:
        data = {"departement": departments[0][0]}  # type: ignore[assignment]
    form = DepartmentForm(data or None, departments=departments)
    letters: list[tuple[str, list[Commune]]] = []
    title = _("Communes by department")
    if form.is_valid():
        department = form.cleaned_data["departement"]
        title = _("Communes of department %(department)s") % {"department": department}
        listed = (
            Commune.objects.filter(department=department)
            .only("name", "insee_code", "search_name")
            .order_by("search_name", "insee_code")
        )
        letters = [
            (letter.upper(), list(group))
            for letter, group in groupby(listed, key=lambda commune: commune.search_name[:1])
        ]
    return render(
        request, "territories/communes.html", {"form": form, "letters": letters, "title": title}
    )
