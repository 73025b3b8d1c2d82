"""The consultation page, and the pages where who runs the project sets a consultation
up without code: creating and editing it, its categories. Every page works without
JavaScript; deleting a category asks for a confirmation on a page of its own."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import lookups
from ..models import Category
from . import queries, services
from .forms import CategoryForm, ConsultationForm


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


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, project_slug: str) -> HttpResponse:
    project = lookups.get_project_to_consult(request, project_slug)
    today = timezone.localdate()
    form = ConsultationForm(
        request.POST or None,
        initial={"opens_on": today, "parts": ["proposals"]},
    )
    if request.method == "POST" and form.is_valid():
        consultation = services.consultation_create(
            project=project,
            created_by=request.user,  # type: ignore[arg-type]
            **form.values(),
        )
        messages.success(
            request, _("The consultation is created. Add the categories people will choose from.")
        )
        return redirect("consultations:categories", slug=consultation.slug)
    return render(
        request,
        "consultations/consultation/form.html",
        {"form": form, "project": project, "consultation": None},
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, _rights = lookups.get_managed_consultation(request, slug)
    form = ConsultationForm(request.POST or None, initial=ConsultationForm.initial_of(consultation))
    if request.method == "POST" and form.is_valid():
        for name, value in form.values().items():
            setattr(consultation, name, value)
        consultation.save(update_fields=[*ConsultationForm.FIELDS, "updated_at"])
        messages.success(request, _("The consultation is saved."))
        return redirect(consultation)
    return render(
        request,
        "consultations/consultation/form.html",
        {"form": form, "project": consultation.project, "consultation": consultation},
    )


@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, _rights = lookups.get_managed_consultation(request, slug)
    form = CategoryForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        category = services.category_add(
            consultation=consultation,
            part=form.cleaned_data["part"],
            name=form.cleaned_data["name"],
        )
        messages.success(request, _("“%(name)s” is added.") % {"name": category.name})
        return redirect("consultations:categories", slug=consultation.slug)
    return render(
        request,
        "consultations/consultation/categories.html",
        {
            "consultation": consultation,
            "form": form,
            "parts": queries.categories_by_part(consultation),
        },
    )


@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation, _rights = lookups.get_managed_consultation(request, slug)
    category = get_object_or_404(consultation.categories, pk=pk)
    form = CategoryForm(
        request.POST or None,
        consultation=consultation,
        category=category,
        initial={"name": category.name},
    )
    if request.method == "POST" and form.is_valid():
        category.name = form.cleaned_data["name"]
        category.save(update_fields=["name"])
        messages.success(request, _("The category is renamed."))
        return redirect("consultations:categories", slug=consultation.slug)
    return render(
        request,
        "consultations/consultation/category_form.html",
        {"consultation": consultation, "category": category, "form": form},
    )


@require_http_methods(["GET", "POST"])
def category_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation, _rights = lookups.get_managed_consultation(request, slug)
    category: Category = get_object_or_404(consultation.categories, pk=pk)
    if request.method == "POST":
        # Its proposals stay, without a category (the foreign key sets it to null).
        category.delete()
        messages.success(request, _("The category is deleted."))
        return redirect("consultations:categories", slug=consultation.slug)
    return render(
        request,
        "consultations/consultation/category_delete.html",
        {
            "consultation": consultation,
            "category": category,
            "proposal_count": category.proposals.count(),
        },
    )
