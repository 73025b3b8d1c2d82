"""Reports for funders and elected officials: a printable A4 page, the same as a PDF, and
a spreadsheet (ODS), for an organisation or a project over a period."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tissage.core import pdf
from tissage.core.spreadsheets import ODS_MIMETYPE, ods_stream
from tissage.dashboard import figures as figures_module
from tissage.dashboard import lookups
from tissage.dashboard.figures import Figures, Period, Scope
from tissage.dashboard.forms import PeriodForm
from tissage.organisations.models import Organisation
from tissage.projects.models import Project

from .spreadsheet import report_sheets

ORGANISATION = "structures"
PROJECT = "projets"


@dataclass(frozen=True)
class Subject:
    """What a report is about, as its URL names it."""

    kind: str
    slug: str
    title: str
    organisation: Organisation
    project: Project | None
    scope: Scope


def report_subject(request: HttpRequest, kind: str, slug: str) -> Subject:
    """What the report's URL names, if the person may read it: the same people as its
    dashboard (`dashboard.access`, through `dashboard.lookups`)."""
    if kind == ORGANISATION:
        organisation = lookups.get_dashboard_organisation(request, slug)
        scope = lookups.organisation_scope(organisation)
        return Subject(kind, slug, organisation.name, organisation, None, scope)
    project = lookups.get_dashboard_project(request, slug)
    scope = lookups.project_scope(project)
    return Subject(kind, slug, project.title, project.organisation, project, scope)


def _period(request: HttpRequest) -> tuple[PeriodForm, Period | None]:
    form = PeriodForm(request.GET)
    return form, (form.period() if form.is_valid() else None)


def _bad_period(request: HttpRequest, subject: Subject, form: PeriodForm) -> HttpResponse:
    return render(
        request,
        "dashboard/reports/bad_period.html",
        {"subject": subject, "form": form},
        status=400,
    )


def _context(request: HttpRequest, subject: Subject, period: Period, form: PeriodForm) -> dict:
    figures: Figures = figures_module.figures_for(subject.scope, period)
    return {"subject": subject, "figures": figures, "period": period, "form": form}


def _file_name(subject: Subject, period: Period, extension: str) -> str:
    return f"rapport-{subject.slug}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.{extension}"


@require_GET
def report_page(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    subject = report_subject(request, kind, slug)
    form, period = _period(request)
    if period is None:
        return _bad_period(request, subject, form)
    return render(request, "dashboard/reports/page.html", _context(request, subject, period, form))


@require_GET
def report_pdf(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    subject = report_subject(request, kind, slug)
    form, period = _period(request)
    if period is None:
        return _bad_period(request, subject, form)
    context = _context(request, subject, period, form)
    html = render_to_string("dashboard/reports/page.html", context, request=request)
    try:
        content = pdf.pdf_from_html(html)
    except pdf.PdfUnavailable:
        return render(request, "dashboard/reports/pdf_unavailable.html", context, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(subject, period, "pdf")}"'
    return response


@require_GET
def report_ods(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    subject = report_subject(request, kind, slug)
    form, period = _period(request)
    if period is None:
        return _bad_period(request, subject, form)
    figures: Figures = figures_module.figures_for(subject.scope, period)
    sheets = report_sheets(figures, _("%(title)s: mobilisation report") % {"title": subject.title})
    # A few hundred rows at most: made whole and sent with their length.
    content = b"".join(ods_stream(sheets, language=translation.get_language()))
    response = HttpResponse(content, content_type=ODS_MIMETYPE)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(subject, period, "ods")}"'
    return response
