"""The wiki of a collective: pages, edits with conflict detection, history, diff, restore.

Reading follows `rights.can_read` (`lookups.get_readable_collective`), writing
`rights.can_participate`: the members (access.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.access import signed_in_user
from tissage.core.access import require

from .. import lookups
from ..access import CollectiveRights
from ..models import Collective, WikiRevision
from . import queries
from . import services as wiki
from .forms import EditForm, PageForm
from .markup import render_wiki

HISTORY_PER_PAGE = 50


def _context(collective: Collective, rights: CollectiveRights, **extra: object) -> dict:
    return {"collective": collective, "rights": rights, "tab": "wiki", **extra}


@require_GET
def wiki_index(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    pages = queries.index_pages(collective)
    return render(
        request,
        "collectives/wiki/index.html",
        _context(
            collective,
            rights,
            pages=pages,
            has_hub=any(page.is_hub for page in pages),
            hub_title=wiki.HUB_TITLE,
        ),
    )


@require_http_methods(["GET", "POST"])
def wiki_create(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    require(request, rights.can_participate)
    has_hub = queries.hub_page(collective) is not None
    if request.method == "POST":
        form = PageForm(request.POST)
        if form.is_valid():
            title = form.cleaned_data["title"]
            existing = queries.page_titled(collective, title)
            if existing is not None:
                form.add_error(
                    "title",
                    _("A page with this title already exists: “%(title)s”. Edit it instead.")
                    % {"title": existing.title},
                )
            else:
                page = wiki.page_create(
                    collective,
                    title,
                    form.cleaned_data["body"],
                    signed_in_user(request),
                    is_hub=not has_hub and request.POST.get("hub") == "1",
                )
                messages.success(request, _("The page is created."))
                return redirect(page)
    else:
        title = request.GET.get("titre", "").strip()[:150]
        existing = queries.page_titled(collective, title) if title else None
        if existing is not None:
            # Someone created it since the link was shown.
            return redirect(existing)
        form = PageForm(initial={"title": title})
    return render(
        request,
        "collectives/wiki/create.html",
        _context(
            collective,
            rights,
            form=form,
            hub=not has_hub and request.GET.get("hub", request.POST.get("hub")) == "1",
        ),
    )


@require_GET
def wiki_page(request: HttpRequest, slug: str, page_slug: str) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    page = lookups.get_wiki_page(collective, page_slug)
    revision = page.current
    assert revision is not None
    return render(
        request,
        "collectives/wiki/page.html",
        _context(
            collective,
            rights,
            page=page,
            revision=revision,
            html=render_wiki(collective, revision.body),
        ),
    )


@require_http_methods(["GET", "POST"])
def wiki_edit(request: HttpRequest, slug: str, page_slug: str) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    require(request, rights.can_participate)
    page = lookups.get_wiki_page(collective, page_slug)
    current = page.current
    assert current is not None
    conflict: WikiRevision | None = None
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                revision = wiki.page_save(
                    page,
                    data["base"],
                    data["title"],
                    data["body"],
                    data["comment"],
                    signed_in_user(request),
                )
            except wiki.EditConflict as error:
                conflict = error.current
                # Keep this person's text; the next save is based on the revision they
                # have now seen, so it goes through once they have merged.
                posted = request.POST.copy()
                posted["base"] = str(conflict.number)
                form = EditForm(posted)
                form.is_valid()
            else:
                if revision.number == data["base"]:
                    messages.info(request, _("Nothing changed: the page stays as it was."))
                else:
                    messages.success(request, _("Your changes are saved."))
                return redirect(page)
    else:
        form = EditForm(
            initial={"base": current.number, "title": current.title, "body": current.body}
        )
    extra: dict[str, object] = {}
    if conflict is not None:
        mine = form.data.get("body", "")
        extra = {
            "conflict": conflict,
            "conflict_html": render_wiki(collective, conflict.body),
            "conflict_diff": wiki.line_diff(conflict.body, mine),
            "conflict_title_differs": conflict.title != form.data.get("title", ""),
        }
    return render(
        request,
        "collectives/wiki/edit.html",
        _context(collective, rights, page=page, form=form, **extra),
    )


@require_GET
def wiki_history(request: HttpRequest, slug: str, page_slug: str) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    page = lookups.get_wiki_page(collective, page_slug)
    revisions: QuerySet[WikiRevision] = page.revisions.only(
        "number", "created_at", "author_name", "comment", "restores", "title", "page_id"
    ).order_by("-number")
    paginator = Paginator(revisions, HISTORY_PER_PAGE)
    # Revisions are numbered 1…n and never deleted: the current number saves a COUNT.
    paginator.count = page.revision_count  # type: ignore[misc]
    history = paginator.get_page(request.GET.get("page"))
    numbers = [r.number for r in history.object_list]
    return render(
        request,
        "collectives/wiki/history.html",
        _context(
            collective,
            rights,
            page=page,
            history=history,
            default_to=numbers[0] if numbers else None,
            default_from=numbers[1] if len(numbers) > 1 else None,
        ),
    )


def _number(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


@require_GET
def wiki_diff(request: HttpRequest, slug: str, page_slug: str) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    page = lookups.get_wiki_page(collective, page_slug)
    old_number, new_number = _number(request.GET.get("de")), _number(request.GET.get("a"))
    problem = ""
    old = new = None
    if old_number is None or new_number is None:
        problem = _("Choose two versions to compare in the history.")
    else:
        found = {r.number: r for r in page.revisions.filter(number__in={old_number, new_number})}
        old, new = found.get(old_number), found.get(new_number)
        if old is None or new is None:
            problem = _("This page has no such version. Choose two versions in the history.")
    if problem:
        return render(
            request,
            "collectives/wiki/diff.html",
            _context(collective, rights, page=page, problem=problem),
            status=404,
        )
    assert old is not None and new is not None
    return render(
        request,
        "collectives/wiki/diff.html",
        _context(
            collective,
            rights,
            page=page,
            old=old,
            new=new,
            lines=wiki.line_diff(old.body, new.body),
        ),
    )


@require_GET
def wiki_revision(request: HttpRequest, slug: str, page_slug: str, number: int) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    page = lookups.get_wiki_page(collective, page_slug)
    revision = lookups.get_wiki_revision(page, number)
    return render(
        request,
        "collectives/wiki/revision.html",
        _context(
            collective,
            rights,
            page=page,
            revision=revision,
            html=render_wiki(collective, revision.body),
        ),
    )


@require_POST
def wiki_restore(request: HttpRequest, slug: str, page_slug: str, number: int) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    require(request, rights.can_participate)
    page = lookups.get_wiki_page(collective, page_slug)
    assert page.current is not None
    if number == page.current.number:
        messages.info(request, _("This version is already the current one."))
        return redirect(page)
    try:
        wiki.page_restore(page, number, signed_in_user(request))
    except WikiRevision.DoesNotExist:
        raise Http404 from None
    messages.success(
        request, _("Version %(number)s is restored as a new version.") % {"number": number}
    )
    return redirect(page)
