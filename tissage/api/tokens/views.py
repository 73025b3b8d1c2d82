"""The pages of one's personal API tokens, reached from the account page: the list with
the form to make one, the page that shows a new token's secret (once), and revoking."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import access, lookups, queries, services
from .forms import TokenForm


@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = lookups.get_token_holder(request)
    form = TokenForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                user=user,
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
            )
        except services.TokenRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            # Shown on this answer only, never stored: no redirect that would need to
            # keep it somewhere (never_cache keeps it out of caches too).
            return render(request, "api/tokens/created.html", {"token": token, "secret": secret})
    return render(
        request,
        "api/tokens/list.html",
        {
            "form": form,
            "may_create": access.may_hold_tokens(user),
            "lines": queries.token_lines(user),
        },
    )


@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = lookups.get_own_token(request, pk)
    if not token.is_active:
        messages.info(request, _("This token was revoked already."))
        return redirect("api_tokens:list")
    if request.method == "POST":
        services.token_revoke(token=token)
        messages.success(
            request,
            _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name},
        )
        return redirect("api_tokens:list")
    return render(request, "api/tokens/revoke.html", {"token": token})
