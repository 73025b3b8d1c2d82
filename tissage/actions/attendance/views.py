"""On the day and after an action: the check-in list (and its printed sign-in sheet),
impact counters, the report, and the staff exports. Each view starts with `lookups`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from tissage.accounts.access import signed_in_user
from tissage.actions import lookups
from tissage.actions.models import ActionReport, ImpactCounter
from tissage.core.access import require
from tissage.core.spreadsheets import CONTENT_TYPES, Sheet
from tissage.projects import lookups as project_lookups
from tissage.projects.access import project_rights

from . import exports, queries, services
from .forms import AttendanceForm, CounterForm, ImpactValuesForm, PeriodForm, ReportForm, WalkInForm

SHEET_EMPTY_ROWS = 12  # lines for people who come without registering


# Attendance -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    registrations = queries.check_in_list(action)
    posted = request.POST.get("form") if request.method == "POST" else None
    form = AttendanceForm(
        request.POST if posted == "attendance" else None, registrations=registrations
    )
    walk_in = WalkInForm(request.POST if posted == "walk_in" else None, prefix="walk_in")
    if posted == "attendance" and form.is_valid():
        count = services.attendance_set(action=action, marks=form.marks())
        messages.success(
            request,
            ngettext(
                "Attendance saved for %(count)d person.",
                "Attendance saved for %(count)d people.",
                count,
            )
            % {"count": count},
        )
        return redirect("actions:attendance", slug=action.slug)
    if posted == "walk_in" and walk_in.is_valid():
        try:
            person = services.walk_in_add(
                action=action,
                name=walk_in.cleaned_data["name"],
                email=walk_in.cleaned_data["email"] or "",
                hours=walk_in.cleaned_data["hours"],
                entered_by=signed_in_user(request),
            )
        except ValidationError as error:
            walk_in.add_error(None, error)
        else:
            messages.success(
                request, _("%(name)s is on the list, marked present.") % {"name": person.name}
            )
            return redirect("actions:attendance", slug=action.slug)
    present = sum(1 for r in registrations if r.attended)
    return render(
        request,
        "actions/attendance/attendance.html",
        {
            "action": action,
            "form": form,
            "walk_in": walk_in,
            "default_hours": queries.action_hours(action),
            "present": present,
            "people": sum(r.seats for r in registrations if r.attended),
        },
        status=400 if posted and request.method == "POST" else 200,
    )


@require_GET
def sign_in_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    registrations = queries.check_in_list(action)
    return render(
        request,
        "actions/attendance/sign_in_sheet.html",
        {
            "action": action,
            "registrations": registrations,
            "empty_rows": range(SHEET_EMPTY_ROWS),
        },
    )


# Impact ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def impact(request: HttpRequest, project_slug: str) -> HttpResponse:
    project = project_lookups.get_project(request, project_slug)
    rights = project_rights(request.user, project)
    # Everyone who sees the project sees the totals; its team also defines and fills them.
    require(request, rights.can_edit or request.method != "POST")
    can_manage = rights.can_edit
    counter_form = values_form = None
    if can_manage:
        posted = request.POST.get("form") if request.method == "POST" else None
        counters = list(ImpactCounter.objects.filter(project=project))
        actions = queries.impact_actions(project)
        values = queries.impact_values(project, actions)
        counter_form = CounterForm(request.POST if posted == "counter" else None, prefix="counter")
        values_form = ImpactValuesForm(
            request.POST if posted == "values" else None,
            actions=actions,
            counters=counters,
            values=values,
        )
        if posted == "counter" and counter_form.is_valid():
            counter = services.impact_counter_add(project=project, **counter_form.cleaned_data)
            messages.success(
                request,
                _("“%(name)s” is counted from now on: fill in its values below.")
                % {"name": counter.name},
            )
            return redirect("actions:impact", project_slug=project.slug)
        if posted == "values" and values_form.is_valid():
            services.impact_values_set(project=project, values=values_form.values())
            messages.success(request, _("The impact values are saved."))
            return redirect("actions:impact", project_slug=project.slug)
        if posted:
            messages.error(request, _("Nothing was saved: correct the boxes marked below."))
    return render(
        request,
        "actions/attendance/impact.html",
        {
            "project": project,
            "totals": queries.impact_totals(project),
            "can_manage": can_manage,
            "counter_form": counter_form,
            "values_form": values_form,
        },
        status=400 if request.method == "POST" else 200,
    )


# Report ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    existing = ActionReport.objects.filter(action=action).prefetch_related("photos").first()
    photos = list(existing.photos.all()) if existing else []
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        photos=photos,
        initial={"text": existing.text if existing else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = [services.NewPhoto(photo, data["credit"].strip()) for photo in data["photos"]]
            services.report_save(
                action=action,
                text=data["text"],
                author=signed_in_user(request),
                photos=new,
                remove=[p.pk for p in data.get("remove", [])],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report is saved and shown on the action page."))
            return redirect("actions:detail", slug=action.slug)
    return render(
        request,
        "actions/attendance/report_form.html",
        {"action": action, "form": form, "photos": photos},
        status=400 if request.method == "POST" else 200,
    )


# Exports --------------------------------------------------------------------------------


def _file(sheets: list[Sheet], fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(exports.WRITERS[fmt](sheets), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
def export_registrants(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    return _file(exports.registrants_sheets(action), fmt, f"{action.slug}-inscrits")


@require_GET
def export_hours(request: HttpRequest, project_slug: str, fmt: str) -> HttpResponse:
    project = project_lookups.get_edited_project(request, project_slug)
    period = PeriodForm(request.GET)
    if not period.is_valid():
        return render(
            request,
            "actions/attendance/export_problem.html",
            {"project": project, "form": period},
            status=400,
        )
    start, end = period.cleaned_data["du"], period.cleaned_data["au"]
    registrations = exports.hours_registrations(project, start, end)
    name = f"{project.slug}-heures"
    if start or end:
        name += f"-{start or 'debut'}-{end or 'fin'}"
    return _file(exports.hours_sheets(registrations), fmt, name)


@require_GET
def export_impact(request: HttpRequest, project_slug: str, fmt: str) -> HttpResponse:
    project = project_lookups.get_edited_project(request, project_slug)
    return _file(
        exports.impact_sheets(queries.impact_totals(project)), fmt, f"{project.slug}-impact"
    )
