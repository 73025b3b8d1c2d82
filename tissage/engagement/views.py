"""The follow button, the notification centre, the page of what a person follows, the
delivery settings and the one-click unsubscribe of the notification emails.

Every action is a form (POST) that redirects: nothing here needs JavaScript. With HTMX,
the follow button is swapped in place instead."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.access import signed_in_user
from tissage.accounts.models import User
from tissage.core.access import LinkProblem, signs_in_back_to
from tissage.core.registry import followables

from . import queries, services, tokens
from .forms import DeliverySettingsForm, FollowForm
from .kinds import kind_label
from .models import DeliverySetting, Follow, Notification


def _safe(request: HttpRequest, candidate: str | None, default: str) -> str:
    """`candidate` if it is a page of this site, else `default`."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@require_POST
def follow(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Follow, or stop following, a project, a campaign, a collective or a commune
    (`core.registry`, `followables`: each app fetches the thing and decides who may see
    it). An anonymous visitor signs in and comes back to the page of the button."""
    back = _safe(request, request.POST.get("next"), reverse("projects:home"))
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    lookup = followables().get(kind)
    if lookup is None:
        raise Http404
    target = lookup(request.user, pk)
    form = FollowForm(request.POST)
    wanted = form.cleaned_data["follow"] if form.is_valid() else None
    if wanted is None:
        wanted = not services.is_following(user=request.user, target=target)
    services.follow_set(user=request.user, target=target, following=wanted)
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "target": target,
            "kind": kind,
            "following": wanted,
            "follow_next": back,
            "name": str(target) if request.POST.get("named") else "",
        }
        return render(request, "engagement/follow_button.html", context)
    if wanted:
        notice = _("You now follow “%(name)s”: its news will reach you.")
    else:
        notice = _("You no longer follow “%(name)s”.")
    messages.success(request, notice % {"name": target})
    return redirect(back)


@login_required
@require_GET
def follows(request: HttpRequest) -> HttpResponse:
    """ "Ce que je suis": the things the person follows, each with its button."""
    page, followed = queries.follows_page(signed_in_user(request), request.GET.get("page"))
    return render(request, "engagement/follows.html", {"page": page, "followed": followed})


@signs_in_back_to("engagement:follows")
@require_POST
def follow_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop following, from the follows page: by the follow itself, so that a thing the
    person may no longer see can still be left."""
    follow = get_object_or_404(Follow.objects.active(), pk=pk, user=signed_in_user(request))
    target = follow.target
    follow.active = False
    follow.save(update_fields=["active"])
    if target is not None:
        messages.success(request, _("You no longer follow “%(name)s”.") % {"name": target})
    return redirect("engagement:follows")


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The notification centre: the person's notifications, newest first."""
    page, lines = queries.notifications_page(signed_in_user(request), request.GET.get("page"))
    return render(request, "engagement/list.html", {"page": page, "lines": lines})


def _own_notification(request: HttpRequest, pk: int) -> Notification:
    """One of the person's notifications; anyone else's is a 404."""
    return get_object_or_404(
        Notification.objects.select_related("event"), pk=pk, user=signed_in_user(request)
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notification: it is read, and the person goes to the page it is about."""
    notification = _own_notification(request, pk)
    Notification.objects.filter(pk=notification.pk).mark_read()
    return redirect(_safe(request, notification.event.url, reverse("engagement:list")))


def _back_to_list(request: HttpRequest) -> HttpResponse:
    return redirect(_safe(request, request.POST.get("next"), reverse("engagement:list")))


@signs_in_back_to("engagement:list")
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _own_notification(request, pk)
    Notification.objects.filter(pk=notification.pk).mark_read()
    return _back_to_list(request)


@signs_in_back_to("engagement:list")
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    marked = Notification.objects.filter(user=signed_in_user(request)).mark_read()
    if marked:
        messages.success(request, _("All your notifications are marked as read."))
    return _back_to_list(request)


@require_http_methods(["GET", "POST"])
def delivery_settings(request: HttpRequest) -> HttpResponse:
    """For each kind: on the site only, an email at once, a daily or a weekly digest."""
    user = signed_in_user(request)
    form = DeliverySettingsForm(
        request.POST or None, initial=DeliverySetting.objects.for_user(user)
    )
    if request.method == "POST" and form.is_valid():
        services.deliveries_choose(user=user, choices=form.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return redirect("engagement:settings")
    return render(request, "engagement/settings.html", {"form": form})


# Mail clients POST "List-Unsubscribe=One-Click" without cookie or CSRF token; the
# signed token in the address is what protects this POST.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and changes nothing (link scanners follow links); POST puts the
    kind named by the token (every kind, for a digest's link) on the site only."""
    try:
        user_id, kind = tokens.unsubscribe_read(token)
    except signing.BadSignature:
        raise LinkProblem(
            _(
                "This unsubscribe link is incomplete or was changed. Copy the whole link "
                "from the email, or sign in and choose which emails you receive in your "
                "notification settings."
            )
        ) from None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise LinkProblem(
            _("This account no longer exists: no notification email will be sent to it.")
        )
    every_kind = kind == tokens.ALL_KINDS
    context = {"every_kind": every_kind, "kind_label": None if every_kind else kind_label(kind)}
    if request.method == "POST":
        services.emails_stop(user=user, kind=None if every_kind else kind)
        return render(request, "engagement/unsubscribe_done.html", context)
    return render(request, "engagement/unsubscribe.html", context)
