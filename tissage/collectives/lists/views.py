"""Pages of the discussion list on the web: the archive and its search, threads, posting
and replying (with attachments), permalinks, attachments, reports and moderation.

Who sees what (access.collective_rights): the archive is for those who `can_read`
(public collectives: everyone; members-only: active members and moderators); anyone
else gets a 404, anonymous visitors included. Posting needs `can_participate`
(anonymous → sign in, others → 403). Moderation needs `can_moderate` (anonymous → sign
in, others → 403, or 404 if they cannot read the archive).
"""

from __future__ import annotations

import email
import email.policy
import functools
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.models import User

from .. import access
from ..access import CollectiveRights
from ..models import Attachment, Collective, InboundMail, Message, Report, Thread
from . import queries, services
from . import reports as services_discussion
from .forms import ReplyForm, ReportForm, ThreadForm
from .mail import inbound

MODERATION_LIMIT = 100
PREVIEW_CHARS = 2000


# --- Helpers ------------------------------------------------------------------------


class _SignInFirst(Exception):
    """Raised for an anonymous visitor of a members-only archive: `_reader_page` turns it
    into the sign-in page, which leads back here (a member following a link from an
    email while signed out)."""


def _reader_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except _SignInFirst:
            return redirect_to_login(request.get_full_path())

    return wrapper


def _readable(request: HttpRequest, slug: str) -> tuple[Collective, CollectiveRights]:
    """The collective and the person's rights. Who may not read the archive: anonymous
    visitors are asked to sign in, others get 404."""
    collective, rights = _collective(request, slug)
    if not rights.can_read:
        if not request.user.is_authenticated:
            raise _SignInFirst
        raise Http404
    return collective, rights


def _collective(request: HttpRequest, slug: str) -> tuple[Collective, CollectiveRights]:
    collective = get_object_or_404(Collective.objects.select_related("organisation"), slug=slug)
    return collective, access.collective_rights(request.user, collective)


def _member_refusal(request: HttpRequest, rights: CollectiveRights) -> HttpResponse | None:
    """None for an active member; otherwise sign in first, or 403 when signed in."""
    if rights.can_participate:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _moderation_refusal(
    request: HttpRequest, rights: CollectiveRights, next_url: str
) -> HttpResponse | None:
    """None for a moderator; anonymous → sign in; others 404 if they cannot even read
    the archive, else 403."""
    if rights.can_moderate:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    if not rights.can_read:
        raise Http404
    raise PermissionDenied


def _moderator(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # checked by the rights before
    return request.user


def _message_url(
    collective: Collective, message: Message, user: User | object, rights: CollectiveRights
) -> str:
    page = queries.message_page_number(message, user, rights)  # type: ignore[arg-type]
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
@_reader_page
def threads(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = _readable(request, slug)
    query = " ".join(request.GET.get("q", "").split())[:200]
    found = queries.archive_threads(collective, query)
    page = Paginator(found, queries.THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "collectives/lists/threads.html",
        {
            "collective": collective,
            "rights": rights,
            "tab": "discussions",
            "page": page,
            "query": query,
            "pager_query": urlencode({"q": query}) if query else "",
        },
    )


@require_http_methods(["GET", "POST"])
@_reader_page
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = _readable(request, slug)
    if (refused := _member_refusal(request, rights)) is not None:
        return refused
    posted = request.method == "POST"
    form = ThreadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        message = services.thread_start(
            collective=collective,
            author=_moderator(request),
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


@dataclass(frozen=True)
class MessageRow:
    message: Message
    can_reply: bool
    can_report: bool


def _thread(collective: Collective, thread_id: int) -> Thread:
    thread = get_object_or_404(Thread, collective=collective, pk=thread_id)
    thread.collective = collective  # no query for its URL
    return thread


@require_GET
@_reader_page
def thread(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    collective, rights = _readable(request, slug)
    thread = _thread(collective, thread_id)
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
            "rows": rows,
            "form": ReplyForm(thread=thread) if rights.can_participate else None,
        },
    )


@require_http_methods(["GET", "POST"])
@_reader_page
def reply(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    collective, rights = _readable(request, slug)
    thread = _thread(collective, thread_id)
    if (
        not Message.objects.filter(thread=thread)
        .filter(queries.visible_messages(request.user, rights))
        .exists()
    ):
        raise Http404
    if (refused := _member_refusal(request, rights)) is not None:
        return refused
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES, thread=thread)
        if form.is_valid():
            message = services.message_reply(
                thread=thread,
                author=_moderator(request),
                body=form.cleaned_data["body"],
                parent=form.cleaned_data["parent"],
                attachments=form.cleaned_data["attachments"],
                membership=rights.membership,
            )
            _posted(request, message, _("Your reply is posted."))
            return redirect(_message_url(collective, message, request.user, rights))
    else:
        form = ReplyForm(initial={"parent": request.GET.get("parent")}, thread=thread)
    parent = None
    parent_id = form.data.get("parent") if form.is_bound else request.GET.get("parent")
    if parent_id and str(parent_id).isdecimal():
        parent = Message.objects.published().filter(thread=thread, pk=int(parent_id)).first()
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
@_reader_page
def message(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    """Permalink: to the page of the thread that shows the message, at its anchor."""
    collective, rights = _readable(request, slug)
    found = get_object_or_404(
        Message.objects.filter(collective=collective).filter(
            queries.visible_messages(request.user, rights)
        ),
        pk=message_id,
    )
    return redirect(_message_url(collective, found, request.user, rights))


@require_GET
@_reader_page
def attachment(
    request: HttpRequest, slug: str, attachment_id: int, filename: str
) -> HttpResponseBase:
    collective, rights = _readable(request, slug)
    found = get_object_or_404(
        Attachment.objects.filter(message__collective=collective).filter(
            queries.visible_messages(request.user, rights, prefix="message__")
        ),
        pk=attachment_id,
        filename=filename,
    )
    response = FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=not found.is_image,
        filename=found.filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if collective.archive_visibility != Collective.ArchiveVisibility.PUBLIC:
        response["Cache-Control"] = "private"
    return response


# --- Reports and moderation of one message ------------------------------------------


@require_http_methods(["GET", "POST"])
@_reader_page
def message_report(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    collective, rights = _readable(request, slug)
    found = get_object_or_404(
        Message.objects.published().filter(collective=collective).select_related("thread"),
        pk=message_id,
    )
    if (refused := _member_refusal(request, rights)) is not None:
        return refused
    if not access.can_report(rights, request.user, found):
        raise PermissionDenied
    user = _moderator(request)
    already = Report.objects.filter(message=found, reporter=user).exists()
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _report, created = services_discussion.report_create(
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
    collective, rights = _collective(request, slug)
    back = reverse("collectives:moderation", args=[slug])
    if (refused := _moderation_refusal(request, rights, back)) is not None:
        return refused
    found = get_object_or_404(Message.objects.filter(collective=collective), pk=message_id)
    moderator = _moderator(request)
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
def message_hide(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    return _moderate_message(request, slug, message_id, "hide")


@require_POST
def message_unhide(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    return _moderate_message(request, slug, message_id, "unhide")


@require_POST
def message_approve(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    return _moderate_message(request, slug, message_id, "approve")


# --- Moderation page ----------------------------------------------------------------


@dataclass(frozen=True)
class HeldMailRow:
    mail: InboundMail
    preview: str


def mail_preview(raw: bytes | memoryview) -> str:
    """The plain text of an email, for reading only: an HTML-only email is reduced to its
    text (never rendered), and an unreadable one says so."""
    try:
        parsed = email.message_from_bytes(bytes(raw), policy=email.policy.default)
        part = parsed.get_body(preferencelist=("plain", "html"))  # type: ignore[attr-defined]
        if part is None:
            return ""
        text = part.get_content()
        if not isinstance(text, str):
            return ""
        if part.get_content_type() == "text/html":
            text = html.unescape(strip_tags(text))
    except Exception:  # any broken email: the coordinator still sees the rest
        return _("(the text of this email cannot be read)")
    text = text.strip()
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS].rstrip() + "…"
    return text


@require_GET
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    collective, rights = _collective(request, slug)
    if (refused := _moderation_refusal(request, rights, request.get_full_path())) is not None:
        return refused
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
def held_mail(request: HttpRequest, slug: str, mail_id: int) -> HttpResponse:
    collective, rights = _collective(request, slug)
    back = reverse("collectives:moderation", args=[slug])
    if (refused := _moderation_refusal(request, rights, back)) is not None:
        return refused
    mail = get_object_or_404(InboundMail, collective=collective, pk=mail_id)
    action = request.POST.get("action")
    if action not in ("approve", "discard"):
        return HttpResponse(_("Choose to post or to discard the email."), status=400)
    if mail.status != InboundMail.Status.HELD:
        messages.info(request, _("This email was already dealt with."))
        return redirect(back)
    if action == "approve":
        try:
            inbound.held_mail_approve(mail=mail, moderator=_moderator(request))
        except ValueError:  # decided meanwhile, or unreadable: said, never a 500
            messages.error(
                request,
                _("This email cannot be posted: discard it, or ask the sender to write again."),
            )
        else:
            messages.success(request, _("The email is posted on the list."))
    else:
        inbound.held_mail_discard(mail=mail, moderator=_moderator(request))
        messages.success(request, _("The email is discarded."))
    return redirect(back)


@require_POST
def report_dismiss(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    collective, rights = _collective(request, slug)
    back = reverse("collectives:moderation", args=[slug])
    if (refused := _moderation_refusal(request, rights, back)) is not None:
        return refused
    report = get_object_or_404(Report, message__collective=collective, pk=report_id)
    services_discussion.report_dismiss(report=report)
    messages.success(request, _("The report is dismissed; the message stays."))
    return redirect(back)
