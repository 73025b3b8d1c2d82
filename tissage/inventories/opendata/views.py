"""Open data pages: the data page, the exports, the staff export and the import."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from tissage.accounts.access import signed_in_user
from tissage.core import spreadsheets
from tissage.core.emails import site_url

from .. import lookups
from ..map.cells import published_count
from ..models import InventoryImport
from . import exports, photos_zip, writers
from .forms import ImportMappingForm, ImportUploadForm, mapping_initial
from .imports import check, read, run

PROBLEMS_PER_PAGE = 50

CONTENT_TYPES = {**spreadsheets.CONTENT_TYPES, "geojson": "application/geo+json"}


def _as_download(
    response: HttpResponse | StreamingHttpResponse, filename: str, dataset: exports.Dataset
) -> HttpResponse | StreamingHttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if dataset.licence_url:
        response["Link"] = f'<{dataset.licence_url}>; rel="license"'
    # Public data, read by other sites' maps: any page may fetch it. Browsers send no
    # cookie with such requests, so a draft campaign's data does not leak this way.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def data_page(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, rights = lookups.get_campaign(request, slug)
    base = site_url(request)
    dataset = exports.dataset_describe(campaign, base)
    return render(
        request,
        "inventories/opendata/page.html",
        {
            "campaign": campaign,
            "rights": rights,
            "dataset": dataset,
            "links": exports.download_links(campaign, base),
            # Summed from the stored map cells, not counted from the items: the same
            # figure (a merged duplicate is archived), whatever the campaign's size.
            "count": published_count(campaign),
        },
    )


@require_GET
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The validated items in one of the open formats, at a stable address."""
    campaign, _rights = lookups.get_campaign(request, slug)
    base = site_url(request)
    dataset = exports.dataset_describe(campaign, base)
    table = exports.public_table(campaign, base)
    filename = f"{campaign.slug}.{fmt}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(
            spreadsheets.csv_stream(exports.items_sheet(table), language=settings.LANGUAGE_CODE),
            content_type=CONTENT_TYPES[fmt],
        )
    elif fmt == "geojson":
        response = StreamingHttpResponse(
            writers.geojson_stream(table, dataset), content_type=CONTENT_TYPES[fmt]
        )
    else:
        # Written to a temporary file (not memory), sent, then deleted when closed.
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        write = spreadsheets.ods_write if fmt == "ods" else spreadsheets.xlsx_write
        write(exports.spreadsheet_sheets(table, dataset), spool, language=settings.LANGUAGE_CODE)
        spool.seek(0)
        response = FileResponse(spool, content_type=CONTENT_TYPES[fmt])
    return _as_download(response, filename, dataset)


@require_GET
def export_merimee(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    campaign, _rights = lookups.get_heritage_campaign(request, slug)
    base = site_url(request)
    dataset = exports.dataset_describe(campaign, base)
    table = exports.merimee_table(campaign, base)
    response = StreamingHttpResponse(
        spreadsheets.csv_stream(exports.items_sheet(table), language=settings.LANGUAGE_CODE),
        content_type=CONTENT_TYPES["csv"],
    )
    return _as_download(response, f"{campaign.slug}-merimee.csv", dataset)  # type: ignore[return-value]


@require_GET
def export_photos(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    campaign, _rights = lookups.get_campaign(request, slug)
    base = site_url(request)
    dataset = exports.dataset_describe(campaign, base)
    response = StreamingHttpResponse(
        photos_zip.photos_zip_stream(campaign, dataset, base), content_type="application/zip"
    )
    return _as_download(response, f"{campaign.slug}-photos.zip", dataset)  # type: ignore[return-value]


@require_GET
def export_staff(request: HttpRequest, slug: str) -> HttpResponse | StreamingHttpResponse:
    """Every item of every status, with contributors' emails: moderators only."""
    campaign, _rights = lookups.get_moderated_campaign(request, slug)
    base = site_url(request)
    table = exports.staff_table(campaign, base)
    response = StreamingHttpResponse(
        spreadsheets.csv_stream(exports.items_sheet(table), language=settings.LANGUAGE_CODE),
        content_type=CONTENT_TYPES["csv"],
    )
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-equipe.csv"'
    # Personal data: kept by no cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imp = run.import_create(
                campaign=campaign,
                user=signed_in_user(request),
                content=upload.read(),
                name=upload.name or "import",
            )
        except read.ImportRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            messages.success(
                request,
                _("The file is read. Check where each column goes, then import."),
            )
            return redirect("inventories:import_review", slug=campaign.slug, pk=imp.pk)
    previous = campaign.imports.select_related("created_by")[:20]
    return render(
        request,
        "inventories/opendata/import_upload.html",
        {"campaign": campaign, "form": form, "previous": previous},
    )


@require_http_methods(["GET", "POST"])
def import_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The mapping, the dry-run report, and the button that imports."""
    campaign, _rights = lookups.get_managed_campaign(request, slug)
    imp = lookups.get_import(campaign, pk)
    here = reverse("inventories:import_review", kwargs={"slug": campaign.slug, "pk": imp.pk})
    report = imp.report
    columns = report.get("columns", [])
    form_arguments = {
        "campaign": campaign,
        "columns": columns,
        "source_format": imp.format,
        "initial": mapping_initial(imp.mapping, columns, report.get("options", {})),
    }
    form = ImportMappingForm(**form_arguments)
    if request.method == "POST":
        if imp.status == InventoryImport.Status.IMPORTED:
            messages.info(request, _("This file has been imported already."))
            return redirect(here)
        if request.POST.get("action") == "import":
            try:
                count = run.import_run(imp=imp, user=signed_in_user(request))
            except read.ImportRefused as refusal:
                messages.error(request, str(refusal))
                return redirect(here)
            messages.success(
                request,
                ngettext("%(count)s item imported.", "%(count)s items imported.", count)
                % {"count": count},
            )
            return redirect("inventories:data", slug=campaign.slug)
        form = ImportMappingForm(request.POST, **form_arguments)
        if form.is_valid():
            try:
                run.import_recheck(imp=imp, mapping=form.mapping(), options=form.options())
            except read.ImportRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("The file was checked again with your choices."))
            return redirect(here)
    page = Paginator(report.get("rows", []), PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            **row,
            "messages": [check.problem_text(code, params) for code, params in row["problems"]],
        }
        for row in page.object_list
    ]
    return render(
        request,
        "inventories/opendata/import_review.html",
        {
            "campaign": campaign,
            "imp": imp,
            "report": report,
            "form": form,
            "page": page,
            "rows": rows,
        },
    )
