"""The delivery settings page and the one-click unsubscribe of the notification emails."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tissage.accounts.access import signed_in_user
from tissage.accounts.models import User
from tissage.core.access import LinkProblem

from . import services, tokens
from .forms import DeliverySettingsForm
from .kinds import kind_label
from .models import DeliverySetting


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


@require_GET
def centre(request: HttpRequest) -> HttpResponse:
    """Placeholder of the notification centre (the follows branch makes the real page;
    keep theirs at merge): the digests link to it."""
    signed_in_user(request)
    return render(request, "engagement/centre_placeholder.html")
