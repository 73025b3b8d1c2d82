"""The campaign's page, and the pages where facilitators create a campaign and set it up
without code: its settings, categories and questions. Who may set it up: those who run
the project (`can_manage`).

Every page works without JavaScript: reordering is done with “up” and “down” buttons,
deleting asks for a confirmation on a page of its own.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.core.covers import cover_save
from tissage.projects.models import Project
from tissage.territories.commune_names import communes_text

from .. import lookups
from ..contributions.cards import item_cards
from ..contributions.feeds import feed_links
from ..map.progress import campaign_progress, progress_html
from ..models import Campaign, Contribution
from . import categories as category_services
from . import communes, services
from . import questions as question_services
from .forms import CampaignForm, CategoryForm, FieldForm, MoveForm

LATEST_COUNT = 6


@require_GET
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, rights = lookups.get_campaign(request, slug)
    items = Contribution.objects.filter(campaign=campaign)
    latest = list(items.published().for_cards().newest_published_first()[:LATEST_COUNT])
    waiting = items.to_moderate().count() if rights.can_moderate else None
    return render(
        request,
        "inventories/campaigns/campaign.html",
        {
            "campaign": campaign,
            "rights": rights,
            "latest": latest,
            "latest_cards": item_cards(campaign, latest),
            "waiting": waiting,
            "progress_html": progress_html(campaign_progress(campaign)),
            "feeds": feed_links(campaign),
        },
    )


def _show_refusal(form: forms.Form, refusal: services.SetupRefused) -> None:
    for field, problems in refusal.errors.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _form_page_context(
    form: CampaignForm,
    project: Project,
    campaign: Campaign | None,
    offered: communes.CommunesOffered,
) -> dict[str, object]:
    return {
        "form": form,
        "project": project,
        "campaign": campaign,
        # Listed under the form to copy names from, when they are few enough to list.
        "communes_offered": (
            offered.among.only("name", "insee_code").order_by("name", "insee_code")
            if offered.of_organisation
            else None
        ),
        "communes_offered_name": offered.name,
    }


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest, project_slug: str) -> HttpResponse:
    # There is no campaign yet: who may create one is who runs the project.
    project = lookups.get_project_for_new_campaign(request, project_slug)
    offered = communes.communes_offered(project.organisation)
    suggested = communes.communes_suggested(project, offered)
    form = CampaignForm(
        request.POST or None,
        among=offered.among,
        among_name=offered.name,
        creating=True,
        initial={"communes": communes_text(suggested), "starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                project=project,
                title=data["title"].strip(),
                template=data["template"],
                presentation=data["presentation"].strip(),
                method=data["method"].strip(),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                licence=data["licence"],
                requires_account=data["requires_account"],
                communes=data["communes"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("The campaign is created. Check its categories and its questions.")
            )
            return redirect("inventories:campaign_edit", slug=campaign.slug)
    return render(
        request,
        "inventories/campaigns/campaign_form.html",
        _form_page_context(form, project, None, offered),
    )


@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    offered = communes.communes_offered(campaign.project.organisation)
    current = list(campaign.communes.order_by("name", "insee_code"))
    form = CampaignForm(
        request.POST or None,
        request.FILES or None,
        among=offered.among,
        among_name=offered.name,
        creating=False,
        initial={
            "title": campaign.title,
            "presentation": campaign.presentation,
            "method": campaign.method,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "licence": campaign.licence,
            "requires_account": campaign.requires_account,
            "communes": communes_text(current),
            "cover": campaign.cover,
            "cover_alt": campaign.cover_alt,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.campaign_settings_update(
                campaign=campaign,
                title=data["title"],
                presentation=data["presentation"],
                method=data["method"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                licence=data["licence"],
                requires_account=data["requires_account"],
                communes=data["communes"],
            )
        except services.SetupRefused as refusal:
            campaign.refresh_from_db()
            _show_refusal(form, refusal)
        else:
            cover_save(campaign, data)
            messages.success(request, _("The settings are saved."))
            return redirect("inventories:campaign_edit", slug=campaign.slug)
    context = _form_page_context(form, campaign.project, campaign, offered)
    context["counts"] = {
        "categories": campaign.categories.count(),
        "fields": campaign.fields.count(),
    }
    return render(request, "inventories/campaigns/campaign_form.html", context)


# Categories --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest, slug: str) -> HttpResponse:
    """The list of categories, with the form to add one."""
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = category_services.category_add(campaign=campaign, **form.cleaned_data)
        except services.SetupRefused as refusal:
            _show_refusal(form, refusal)
        else:
            messages.success(request, _("“%(name)s” is added.") % {"name": category.name})
            return redirect("inventories:categories", slug=campaign.slug)
    return render(
        request,
        "inventories/campaigns/categories.html",
        {
            "campaign": campaign,
            "categories": campaign.categories.annotate(item_count=Count("items")).order_by(
                "position", "name"
            ),
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    category = lookups.get_category(campaign, pk)
    form = CategoryForm(
        request.POST or None,
        initial={
            "name": category.name,
            "description": category.description,
            "merimee_denomination": category.merimee_denomination,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            category_services.category_update(category=category, **form.cleaned_data)
        except services.SetupRefused as refusal:
            category.refresh_from_db()
            _show_refusal(form, refusal)
        else:
            messages.success(request, _("The category is saved."))
            return redirect("inventories:categories", slug=campaign.slug)
    return render(
        request,
        "inventories/campaigns/category_form.html",
        {"campaign": campaign, "category": category, "form": form},
    )


@require_POST
def category_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    category = lookups.get_category(campaign, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        category_services.category_move(category=category, offset=form.offset)
    return redirect("inventories:categories", slug=campaign.slug)


@require_http_methods(["GET", "POST"])
def category_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A page that asks for confirmation (GET), then deletes (POST)."""
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    category = lookups.get_category(campaign, pk)
    item_count = category.items.count()
    if request.method == "POST":
        try:
            category_services.category_delete(category=category)
        except services.SetupRefused as refusal:
            for problem in refusal.messages:
                messages.error(request, problem)
        else:
            messages.success(request, _("“%(name)s” is deleted.") % {"name": category.name})
        return redirect("inventories:categories", slug=campaign.slug)
    return render(
        request,
        "inventories/campaigns/category_delete.html",
        {"campaign": campaign, "category": category, "item_count": item_count},
    )


# Questions ---------------------------------------------------------------------------------


@require_GET
def fields(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's questions, with how many items answered each."""
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    questions = list(campaign.fields.order_by("position", "pk"))
    usage = question_services.field_usage(campaign, [question.key for question in questions])
    return render(
        request,
        "inventories/campaigns/fields.html",
        {
            "campaign": campaign,
            "rows": [(question, usage.get(question.key, 0)) for question in questions],
        },
    )


@require_http_methods(["GET", "POST"])
def field_create(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    form = FieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = question_services.field_add(campaign=campaign, **form.values())
        except services.SetupRefused as refusal:
            _show_refusal(form, refusal)
        else:
            messages.success(
                request, _("The question “%(label)s” is added.") % {"label": question.label}
            )
            return redirect("inventories:fields", slug=campaign.slug)
    return render(
        request,
        "inventories/campaigns/field_form.html",
        {"campaign": campaign, "question": None, "form": form, "answered": 0},
    )


@require_http_methods(["GET", "POST"])
def field_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    question = lookups.get_question(campaign, pk)
    answered = question_services.field_usage(campaign, [question.key])[question.key]
    form = FieldForm(
        request.POST or None,
        initial={
            "label": question.label,
            "kind": question.kind,
            "help_text": question.help_text,
            "required": question.required,
            "choices": "\n".join(question.choices),
            "key": question.key,
            "merimee_field": question.merimee_field,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            question_services.field_update(field=question, **form.values())
        except services.SetupRefused as refusal:
            question.refresh_from_db()
            _show_refusal(form, refusal)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("inventories:fields", slug=campaign.slug)
    return render(
        request,
        "inventories/campaigns/field_form.html",
        {"campaign": campaign, "question": question, "form": form, "answered": answered},
    )


@require_POST
def field_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    question = lookups.get_question(campaign, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        question_services.field_move(field=question, offset=form.offset)
    return redirect("inventories:fields", slug=campaign.slug)


@require_http_methods(["GET", "POST"])
def field_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A page that asks for confirmation (GET), then deletes (POST)."""
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    question = lookups.get_question(campaign, pk)
    if request.method == "POST":
        try:
            question_services.field_delete(field=question)
        except services.SetupRefused as refusal:
            for problem in refusal.messages:
                messages.error(request, problem)
        else:
            messages.success(
                request, _("The question “%(label)s” is deleted.") % {"label": question.label}
            )
        return redirect("inventories:fields", slug=campaign.slug)
    answered = question_services.field_usage(campaign, [question.key])[question.key]
    return render(
        request,
        "inventories/campaigns/field_delete.html",
        {"campaign": campaign, "question": question, "answered": answered},
    )
