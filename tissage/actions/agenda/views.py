"""The public agenda of actions, the iCalendar feeds people subscribe to, and the
printable A4 poster of an action with a QR code to its page."""

from __future__ import annotations

import segno
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tissage.actions import lookups
from tissage.actions.models import Action, ActionQuerySet
from tissage.actions.registration import queries as registration_queries
from tissage.core.emails import site_url
from tissage.core.feeds import FeedLink, conditional_answer
from tissage.projects import lookups as project_lookups
from tissage.territories.models import Commune

from . import queries
from .calendars import calendar_of
from .cards import cards_html
from .forms import AgendaFilterForm

PAGE_SIZE = 24


@require_GET
def agenda(request: HttpRequest) -> HttpResponse:
    upcoming = queries.upcoming_for(request.user)
    shared = queries.AgendaShared(request.user)
    choices = shared.get("choices", lambda: AgendaFilterForm.offered(upcoming))
    filters = AgendaFilterForm(request.GET or None, choices=choices)
    # A card shows the commune's name: its contour stays in the database.
    actions = (
        filters.apply(upcoming).select_related("project", "commune").defer("commune__geometry")
    )
    paginator = Paginator(actions, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    paginator.count = shared.get(f"count:{filters.applied()}", actions.count)  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    # One evaluation of the page's rows, shared by the counts and the cards.
    page.object_list = list(page.object_list)
    left = registration_queries.places_left_of(page.object_list)
    cards = [(action, left.get(action.pk, 0)) for action in page.object_list]
    return render(
        request,
        "actions/agenda/agenda.html",
        {
            "page": page,
            "cards": cards,
            "cards_html": cards_html(cards),
            "filters": filters,
            "query": query.urlencode(),
            "feeds": _feeds_for(filters),
            "embeds": _embeds_for(filters),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


def _feeds_for(filters: AgendaFilterForm) -> list[FeedLink]:
    """The whole platform's feed, and the feeds of the project and commune chosen."""
    feeds = [FeedLink(_("All the actions of the platform"), reverse("actions:feed"), "ical")]
    data = filters.cleaned_data if filters.is_bound else {}
    if project := data.get("project"):
        title = dict(filters.fields["project"].choices)[project]  # type: ignore[attr-defined]
        feeds.append(
            FeedLink(
                _("The actions of the project %(project)s") % {"project": title},
                reverse("actions:feed_project", kwargs={"slug": project}),
                "ical",
            )
        )
    if insee := data.get("commune"):
        name = dict(filters.fields["commune"].choices)[insee]  # type: ignore[attr-defined]
        feeds.append(
            FeedLink(
                _("The actions in %(commune)s") % {"commune": name},
                reverse("actions:feed_commune", kwargs={"insee": insee}),
                "ical",
            )
        )
    return feeds


def _embeds_for(filters: AgendaFilterForm) -> list[tuple[str, str]]:
    """The "Embed on a website" pages of the agenda of the project and commune chosen."""
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    embeds = []
    if project := data.get("project"):
        embeds.append(
            (
                _("The agenda of this project"),
                reverse("actions:embed_agenda_project", kwargs={"slug": project}),
            )
        )
    if insee := data.get("commune"):
        embeds.append(
            (
                _("The agenda of this commune"),
                reverse("actions:embed_agenda_commune", kwargs={"insee": insee}),
            )
        )
    return embeds


def _calendar_response(
    request: HttpRequest, actions: ActionQuerySet | list[Action], *, name: str, filename: str
) -> HttpResponse:
    body = calendar_of(actions, base_url=site_url(request), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename) or ""
    # Calendar apps poll feeds for hours on end: let them and proxies keep a copy a while
    # (a signed-in person's feed may hold their drafts: private then).
    visibility = "private" if request.user.is_authenticated else "public"
    response["Cache-Control"] = f"{visibility}, max-age=900"
    return response


def _calendar_feed(
    request: HttpRequest, actions: ActionQuerySet, *, name: str, filename: str
) -> HttpResponseBase:
    """A calendar feed, or 304 when the calendar app has this version already: its
    version is read first in one query (`queries.feed_version`), and the file is made
    only when that changed — once per version for every reader (`core.feeds`). A
    signed-in person's feed may hold drafts: private for caches then, and made for them.
    It holds a window of the actions (`queries.feed_window`)."""
    actions = queries.feed_window(actions)
    version = queries.feed_version(name=name)
    return conditional_answer(
        request,
        version,
        lambda: _calendar_response(request, actions, name=name, filename=filename),
        private=request.user.is_authenticated,
    )


@require_GET
def feed(request: HttpRequest) -> HttpResponseBase:
    name = _("Actions on %(platform)s") % {"platform": settings.PLATFORM_NAME}
    return _calendar_feed(
        request, queries.feed_actions_for(request.user), name=name, filename="actions.ics"
    )


@require_GET
def feed_project(request: HttpRequest, slug: str) -> HttpResponseBase:
    project = project_lookups.get_project(request, slug)
    return _calendar_feed(
        request,
        queries.feed_actions_for(request.user).filter(project=project),
        name=f"{project.title} · {settings.PLATFORM_NAME}",
        filename=f"actions-{project.slug}.ics",
    )


@require_GET
def feed_commune(request: HttpRequest, insee: str) -> HttpResponseBase:
    commune = get_object_or_404(Commune.objects.only("insee_code", "name"), insee_code=insee)
    return _calendar_feed(
        request,
        queries.feed_actions_for(request.user).filter(commune=commune),
        name=f"{commune.name} · {settings.PLATFORM_NAME}",
        filename=f"actions-{commune.insee_code}.ics",
    )


@require_GET
def ics(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_action(request, slug)
    return _calendar_response(request, [action], name=action.title, filename=f"{action.slug}.ics")


@require_GET
def poster(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_action(request, slug)
    url = site_url(request) + reverse("actions:detail", args=[action.slug])
    return render(
        request,
        "actions/agenda/poster.html",
        {"action": action, "url": url, "qr": mark_safe(qr_svg(url))},  # noqa: S308
    )


def qr_svg(url: str) -> str:
    """Inline SVG markup of the QR code: no size (the print stylesheet sets it), no style
    attribute (the Content-Security-Policy forbids inline styles). segno only emits
    numbers and fixed attributes, so the markup is safe to mark as such."""
    return str(
        segno.make(url, error="m").svg_inline(
            svgclass="poster-qr", lineclass="poster-qr-line", omitsize=True, border=2
        )
    )
