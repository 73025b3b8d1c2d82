import sys
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render, resolve_url
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.static import serve

from tissage.core import health, widgets
from tissage.core import metrics as metrics_module
from tissage.core.style_guide import can_see_style_guide, style_guide_context

from .search import QUERY_MAX, search


def _legal_context() -> dict[str, str]:
    return {
        "legal_publisher": settings.LEGAL_PUBLISHER,
        "legal_contact": settings.LEGAL_CONTACT,
        "legal_host": settings.LEGAL_HOST,
    }


@require_GET
def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Public uploaded files (MEDIA_ROOT), for the demo and small installations; a
    reverse proxy in front serves /media/ itself. Private files live in another folder
    (core/files.py) and are never reached from here."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the benchmarks' baseline: the cheapest Django response."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """For load balancers and orchestrators: whether this process can serve pages now. It
    asks the database, the shared cache and the file storage; 503 names what failed (never
    why, which may hold an address or a password)."""
    failed = [name for name, check in health.READINESS_CHECKS if not health.passes(check)]
    if failed:
        response = HttpResponse(
            "not ready: " + ", ".join(failed), content_type="text/plain", status=503
        )
        response.headers["Retry-After"] = str(health.RETRY_AFTER_SECONDS)
        return response
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (core/metrics.py), for the token's holder or an allowed network;
    a 404 to anyone else, as if it did not exist."""
    if not (metrics_module.metrics_enabled() and metrics_module.can_read_metrics(request)):
        raise Http404
    text, content_type = metrics_module.metrics_text()
    return HttpResponse(text, content_type=content_type)


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html", _legal_context())


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Site search: every kind of result the visitor may see (core.search)."""
    results = search(request.GET.get("q", ""), request.user)
    return render(request, "core/search.html", {"results": results, "query_max": QUERY_MAX})


@require_GET
def legal(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal.html", _legal_context())


@require_GET
def style_guide(request: HttpRequest) -> HttpResponse:
    if not can_see_style_guide(request.user):
        raise Http404
    return render(request, "core/style_guide.html", style_guide_context())


def _error(
    request: HttpRequest,
    status: int,
    heading: str,
    explanation: str,
    *,
    sign_in_url: str = "",
) -> HttpResponse:
    return render(
        request,
        "errors/page.html",
        {"heading": heading, "explanation": explanation, "sign_in_url": sign_in_url},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        400,
        _("This request could not be understood"),
        _("The address or the form sent is not valid. Go back and try again."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        _("You cannot open this page"),
        _("This page is reserved. If you think you should see it, sign in or ask the team."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # What is hidden from a visitor (a draft, a members-only page) answers 404 so that its
    # existence does not leak (core.access); a team member who is not signed in yet is
    # offered to sign in and come back here.
    user = getattr(request, "user", None)
    sign_in_url = ""
    if request.method == "GET" and not (user and user.is_authenticated):
        next_query = urlencode({"next": request.get_full_path()})
        sign_in_url = f"{resolve_url(settings.LOGIN_URL)}?{next_query}"
    return _error(
        request,
        404,
        _("Page not found"),
        _(
            "This page does not exist or no longer exists. Check the address, or start again "
            "from the home page."
        ),
        sign_in_url=sign_in_url,
    )


def storage_unavailable(request: HttpRequest) -> HttpResponse:
    """What `StorageUnavailableMiddleware` answers when the file storage cannot be
    reached: nothing was saved, try again later."""
    response = _error(
        request,
        503,
        _("File storage is unreachable for the moment"),
        _(
            "File storage is unreachable for the moment: nothing was saved. Try again in a "
            "few minutes; the rest of the site still works."
        ),
    )
    response["Retry-After"] = "60"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors or the database: they may be what failed.
    if health.database_unreachable(sys.exc_info()[1]):
        # The database is down or restarting: say so, and when to come back. Nothing of
        # the request was written (its transaction never reached the database).
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response.headers["Retry-After"] = str(health.RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        _("This form has expired"),
        _("For your security, forms expire. Go back, reload the page and send it again."),
    )


@require_GET
def oembed(request: HttpRequest) -> JsonResponse:
    """oEmbed (https://oembed.com/) for the platform's public pages that the apps declare
    embeddable: a CMS given the address of an action, an inventory, an item or a project
    fetches this (the pages' `<link rel="alternate" type="application/json+oembed">`
    says where) and shows the widget. JSON only (501 for another format); 404 for an
    address that is not ours, not embeddable or not public; 400 for a bad query."""
    # Answered as to anyone: a draft seen by its team is not embeddable.
    request.user = AnonymousUser()
    form = widgets.OEmbedForm(request.GET)
    if not form.is_valid():
        errors = {name: [str(e) for e in problems] for name, problems in form.errors.items()}
        return _oembed_answer({"error": _("The query is not valid."), "errors": errors}, 400)
    data = form.cleaned_data
    if data["format"] not in {"", "json"}:
        return _oembed_answer({"error": _("Only the json format is available.")}, 501)
    try:
        embed = widgets.embed_for(request, data["url"])
    except widgets.NotEmbeddable:
        return _oembed_answer(
            {"error": _("This address is not a public page of the platform that can be embedded.")},
            404,
        )
    answer = widgets.oembed_for(
        request, embed, maxwidth=data["maxwidth"], maxheight=data["maxheight"]
    )
    return _oembed_answer(answer, 200)


def _oembed_answer(data: dict[str, object], status: int) -> JsonResponse:
    response = JsonResponse(data, status=status)
    # Public data, the same for everyone: any site's script may read it.
    response["Access-Control-Allow-Origin"] = "*"
    if status == 200:
        response["Cache-Control"] = f"public, max-age={widgets.WIDGET_MAX_AGE}"
    return response
