"""The list's one-click unsubscribe page (RFC 8058): no sign-in, the signed token in the
link says whose membership it is."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tissage.collectives import tokens
from tissage.collectives.membership.services import delivery_set
from tissage.collectives.models import CollectiveMembership
from tissage.core.access import LinkProblem


# Mail clients POST "List-Unsubscribe=One-Click" without cookie or CSRF token; the
# secret, signed token in the address is what protects this POST.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link scanners follow links), POST stops the emails."""
    try:
        membership_id, user_id = tokens.unsubscribe_read(token)
    except signing.BadSignature:
        raise LinkProblem(
            _(
                "This unsubscribe link is incomplete or was changed. Copy the whole link from "
                "the email, or sign in and choose how you receive the messages on the "
                "collective’s page."
            )
        ) from None
    membership = (
        CollectiveMembership.objects.select_related("collective")
        .filter(pk=membership_id, user_id=user_id)
        .first()
    )
    if membership is None:
        return render(request, "collectives/lists/mail/unsubscribe_gone.html")
    collective = membership.collective
    context = {
        "collective": collective,
        "membership": membership,
        "delivery_url": reverse("collectives:delivery", args=[collective.slug]),
    }
    if request.method == "POST":
        # The membership stays: they still read and post on the website.
        delivery_set(membership=membership, delivery=CollectiveMembership.Delivery.WEB)
        return render(request, "collectives/lists/mail/unsubscribe_done.html", context)
    return render(request, "collectives/lists/mail/unsubscribe.html", context)
