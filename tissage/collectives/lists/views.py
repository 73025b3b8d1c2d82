"""Pages of the discussion list on the web: the archive and its search, threads, posting
and replying (with attachments), permalinks, attachments, reports and moderation.

Who sees what (access.collective_rights, through `lookups`): the archive is for those who
`can_read` (public collectives: everyone; members-only: active members and moderators);
a members-only archive sends an anonymous visitor to sign in and is a 404 for others.
Posting needs `can_participate`, moderation `can_moderate` (anonymous → sign in, others
→ 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.access import signed_in_user
from tissage.core.access import require, signs_in_back_to
from tissage.core.files import private_file_response
from tissage.core.search import QUERY_MAX, WORDS_MAX

from .. import access, lookups
from ..access import AnyUser, CollectiveRights
from ..models import Collective, InboundMail, Message
from . import queries, reports, services
from .cards import MessageRow, message_cards, thread_rows
from .forms import ReplyForm, ReportForm, ThreadForm
from .mail import inbound
from .mail.reading import mail_preview

MODERATION_LIMIT = 100


# --- Helpers ------------------------------------------------------------------------


def _message_url(
    collective: Collective, message: Message, user: AnyUser, rights: CollectiveRights
) -> str:
    page = queries.message_page_number(message, user, rights)
    url = reverse("collectives:thread", args=[collective.slug, message.thread_id])
    return f"{url}?page={page}#m{message.pk}"


def _next_or(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _posted(request: HttpRequest, message: Message, published: str) -> None:
    if message.status == Message.Status.HELD:
        messages.info(request, _("Your message is waiting for approval by a coordinator."))
    else:
        messages.success(request, published)


# --- Archive ------------------------------------------------------------------------


@require_GET
def threads(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    search = queries.archive_search(collective, request.GET.get("q", ""))
    page = queries.archive_page(search, request.GET.get("page"))
    page.object_list = shown = list(page.object_list)
    return render(
        request,
        "collectives/lists/threads.html",
        {
            "collective": collective,
            "rights": rights,
            "tab": "discussions",
            "page": page,
            "rows": thread_rows(collective, shown),
            "search": search,
            "query": search.query,
            "query_max": QUERY_MAX,
            "words_max": WORDS_MAX,
            "search_latest": queries.SEARCH_LATEST,
            "pager_query": urlencode({"q": search.query}) if search.query else "",
        },
    )


@require_http_methods(["GET", "POST"])
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    require(request, rights.can_participate)
    posted = request.method == "POST"
    form = ThreadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        message = services.thread_start(
            collective=collective,
            author=signed_in_user(request),
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            attachments=form.cleaned_data["attachments"],
            membership=rights.membership,
        )
        _posted(request, message, _("Your discussion is started."))
        return redirect("collectives:thread", collective.slug, message.thread_id)
    return render(
        request,
        "collectives/lists/thread_form.html",
        {"collective": collective, "rights": rights, "tab": "discussions", "form": form},
    )


# --- A thread -----------------------------------------------------------------------


@require_GET
def thread(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    thread = lookups.get_thread(collective, thread_id)
    shown = queries.thread_messages(thread, request.user, rights)
    page = Paginator(shown, queries.MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    if page.paginator.count == 0:
        raise Http404
    rows = [
        MessageRow(
            message=message,
            can_reply=rights.can_participate and message.status == Message.Status.PUBLISHED,
            can_report=message.status == Message.Status.PUBLISHED
            and access.can_report(rights, request.user, message),
        )
        for message in page.object_list
    ]
    return render(
        request,
        "collectives/lists/thread.html",
        {
            "collective": collective,
            "rights": rights,
            "tab": "discussions",
            "thread": thread,
            "page": page,
            "cards": message_cards(
                request, collective, thread, rows, can_moderate=rights.can_moderate
            ),
            "form": ReplyForm(thread=thread) if rights.can_participate else None,
        },
    )


@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    thread = lookups.get_visible_thread(request, collective, rights, thread_id)
    require(request, rights.can_participate)
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES, thread=thread)
        if form.is_valid():
            message = services.message_reply(
                thread=thread,
                author=signed_in_user(request),
                body=form.cleaned_data["body"],
                parent=form.cleaned_data["parent"],
                attachments=form.cleaned_data["attachments"],
                membership=rights.membership,
            )
            _posted(request, message, _("Your reply is posted."))
            return redirect(_message_url(collective, message, request.user, rights))
    else:
        form = ReplyForm(initial={"parent": request.GET.get("parent")}, thread=thread)
    parent_id = form.data.get("parent") if form.is_bound else request.GET.get("parent")
    parent = queries.reply_parent(thread, parent_id)
    return render(
        request,
        "collectives/lists/reply.html",
        {
            "collective": collective,
            "rights": rights,
            "tab": "discussions",
            "thread": thread,
            "parent": parent,
            "form": form,
        },
    )


@require_GET
def message(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    """Permalink: to the page of the thread that shows the message, at its anchor."""
    collective, rights = lookups.get_readable_collective(request, slug)
    found = lookups.get_visible_message(request, collective, rights, message_id)
    return redirect(_message_url(collective, found, request.user, rights))


@require_GET
def attachment(
    request: HttpRequest, slug: str, attachment_id: int, filename: str
) -> HttpResponseBase:
    collective, rights = lookups.get_readable_collective(request, slug)
    found = lookups.get_visible_attachment(request, collective, rights, attachment_id, filename)
    public = collective.archive_visibility == Collective.ArchiveVisibility.PUBLIC
    return private_file_response(
        found.file,
        filename=found.filename,
        content_type=found.content_type,
        # Pictures were re-encoded by the photo pipeline: shown in the page. Anything
        # else (PDF) is downloaded, never opened as a page of this site.
        inline=found.is_image,
        cache="public, max-age=300" if public else "private, max-age=0, must-revalidate",
    )


# --- Reports and moderation of one message ------------------------------------------


@require_http_methods(["GET", "POST"])
def message_report(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    found = lookups.get_published_message(collective, message_id)
    require(request, rights.can_participate)
    require(request, access.can_report(rights, request.user, found))
    user = signed_in_user(request)
    already = reports.already_reported(message=found, reporter=user)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _report, created = reports.report_create(
            message=found, reporter=user, reason=form.cleaned_data["reason"]
        )
        if created:
            messages.success(request, _("Thank you: the coordinators will look at this message."))
        else:
            messages.info(
                request,
                _("You have already reported this message: the coordinators will look at it."),
            )
        return redirect(_message_url(collective, found, user, rights))
    return render(
        request,
        "collectives/lists/report.html",
        {
            "collective": collective,
            "rights": rights,
            "tab": "discussions",
            "reported": found,
            "already": already,
            "form": form,
        },
    )


def _moderate_message(
    request: HttpRequest, slug: str, message_id: int, action: str
) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    require(request, rights.can_moderate)
    found = lookups.get_message(collective, message_id)
    moderator = signed_in_user(request)
    if action == "hide":
        services.message_hide(message=found, moderator=moderator)
        messages.success(request, _("The message is hidden."))
    elif action == "unhide":
        services.message_unhide(message=found, moderator=moderator)
        messages.success(request, _("The message is shown again."))
    else:
        services.message_approve(message=found, moderator=moderator)
        messages.success(request, _("The message is approved and published."))
    return redirect(_next_or(request, _message_url(collective, found, moderator, rights)))


@require_POST
@signs_in_back_to("collectives:moderation", "slug")
def message_hide(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    return _moderate_message(request, slug, message_id, "hide")


@require_POST
@signs_in_back_to("collectives:moderation", "slug")
def message_unhide(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    return _moderate_message(request, slug, message_id, "unhide")


@require_POST
@signs_in_back_to("collectives:moderation", "slug")
def message_approve(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    return _moderate_message(request, slug, message_id, "approve")


# --- Moderation page ----------------------------------------------------------------


@dataclass(frozen=True)
class HeldMailRow:
    mail: InboundMail
    preview: str


@require_GET
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    require(request, rights.can_moderate)
    held = list(queries.held_messages(collective)[:MODERATION_LIMIT])
    mails = [
        HeldMailRow(mail=mail, preview=mail_preview(mail.raw_head))  # type: ignore[attr-defined]
        for mail in queries.held_mails(collective)[:MODERATION_LIMIT]
    ]
    reports = list(queries.open_reports(collective)[:MODERATION_LIMIT])
    return render(
        request,
        "collectives/lists/moderation.html",
        {
            "collective": collective,
            "rights": rights,
            "tab": "moderation",
            "held": held,
            "mails": mails,
            "reports": reports,
            "limit": MODERATION_LIMIT,
        },
    )


@require_POST
@signs_in_back_to("collectives:moderation", "slug")
def held_mail(request: HttpRequest, slug: str, mail_id: int) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    require(request, rights.can_moderate)
    back = reverse("collectives:moderation", args=[slug])
    mail = lookups.get_held_mail(collective, mail_id)
    action = request.POST.get("action")
    if action not in ("approve", "discard"):
        return HttpResponse(_("Choose to post or to discard the email."), status=400)
    if mail.status != InboundMail.Status.HELD:
        messages.info(request, _("This email was already dealt with."))
        return redirect(back)
    if action == "approve":
        try:
            inbound.held_mail_approve(mail=mail, moderator=signed_in_user(request))
        except ValueError:  # decided meanwhile, or unreadable: said, never a 500
            messages.error(
                request,
                _("This email cannot be posted: discard it, or ask the sender to write again."),
            )
        else:
            messages.success(request, _("The email is posted on the list."))
    else:
        inbound.held_mail_discard(mail=mail, moderator=signed_in_user(request))
        messages.success(request, _("The email is discarded."))
    return redirect(back)


@require_POST
@signs_in_back_to("collectives:moderation", "slug")
def report_dismiss(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    collective, rights = lookups.get_readable_collective(request, slug)
    require(request, rights.can_moderate)
    back = reverse("collectives:moderation", args=[slug])
    report = lookups.get_report(collective, report_id)
    reports.report_dismiss(report=report)
    messages.success(request, _("The report is dismissed; the message stays."))
    return redirect(back)
