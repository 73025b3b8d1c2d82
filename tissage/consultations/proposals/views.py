"""The proposals' pages: the list, the form (and its similar titles while typing), a
proposal's page and its photos, supporting, and a guest's confirmations."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.accounts.access import signed_in_user
from tissage.accounts.models import User
from tissage.core.access import signs_in_back_to
from tissage.core.emails import site_url
from tissage.core.files import private_file_response
from tissage.core.middleware import permits_for_self
from tissage.core.ratelimit import guest_form_limit
from tissage.territories.models import Commune

from .. import access, lookups
from ..models import Consultation, Proposal
from . import cards, queries, services
from .forms import (
    ASSISTED,
    GUEST,
    PaperSupportForm,
    ProposalFilterForm,
    ProposalForm,
    SimilarForm,
    SupportForm,
)

PAGE_SIZE = 20


@require_GET
def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, rights = lookups.get_consultation(request, slug)
    if not consultation.proposals_enabled:
        raise Http404
    filters = ProposalFilterForm(request.GET or None, consultation=consultation)
    choices = filters.choices()
    sort = choices.get("sort", queries.SORT_RANDOM)
    seed = queries.seed_read(request.COOKIES.get(queries.SEED_COOKIE))
    new_seed = seed is None
    seed = seed or queries.seed_new()
    proposals = queries.proposal_list(
        consultation,
        sort=sort,
        seed=seed,
        category=choices.get("category"),
        commune=choices.get("commune"),
    )
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    # One evaluation of the page's rows, shared by the cards and the template.
    page.object_list = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    sorts = []
    for value, label in filters.fields["ordre"].choices:  # type: ignore[attr-defined]
        other = query.copy()
        other["ordre"] = value
        sorts.append((label, "?" + other.urlencode(), value == sort))
    response = render(
        request,
        "consultations/proposals/list.html",
        {
            "consultation": consultation,
            "rights": rights,
            "filters": filters,
            "filter_fields": cards.filter_fields(filters),
            "page": page,
            "cards": cards.proposal_cards(page.object_list),
            "query": query.urlencode(),
            "sort": sort,
            "sorts": sorts,
        },
    )
    if new_seed:
        # The visitor's own shuffle, kept a day: paging shows each proposal once.
        response.set_cookie(
            queries.SEED_COOKIE,
            str(seed),
            max_age=queries.SEED_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_http_methods(["GET", "POST"])
@guest_form_limit("consultation-proposal")
@permits_for_self("geolocation")  # "use my position" on the map of the form
def propose(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, rights = lookups.get_consultation_to_take_part(request, slug)
    part = Proposal.Part.MAP if request.GET.get("partie") == "carte" else Proposal.Part.IDEAS
    if not (
        consultation.map_enabled if part == Proposal.Part.MAP else consultation.proposals_enabled
    ):
        raise Http404
    mode = access.proposal_mode(request.user, rights, on_behalf=request.GET.get("pour") == "autrui")
    initial = {}
    if part == Proposal.Part.MAP:
        # The map's "add a remark here" gives the point it was asked at.
        initial = {
            key: request.GET[name]
            for key, name in (("longitude", "lon"), ("latitude", "lat"))
            if request.GET.get(name)
        }
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        consultation=consultation,
        part=part,
        mode=mode,
        initial=initial,
    )
    if request.method == "POST" and (done := services.proposal_of_submission(form.key)):
        # The same form again (a double tap, a reload): the proposal the first made.
        return redirect(_after_submit(request, done, mode))
    if request.method == "POST" and form.is_valid():
        user = request.user if isinstance(request.user, User) else None
        if form.key is not None:
            services.kept_photos_remove(key=form.key, pks=form.removed_photos())
        try:
            proposal = services.proposal_submit(
                consultation=consultation,
                author=user if mode != ASSISTED else None,
                entered_by=user if mode == ASSISTED else None,
                base_url=site_url(request),
                **form.submission(),
            )
        except IntegrityError:
            # Sent twice at the same instant: the other sending made it.
            proposal = get_object_or_404(Proposal, submission_key=form.key)
        return redirect(_after_submit(request, proposal, mode))
    if request.method == "POST" and form.key is not None:
        # The form comes back: the photos that arrived wait for its next sending.
        services.kept_photos_remove(key=form.key, pks=form.removed_photos())
        services.photos_keep(key=form.key, photos=form.photos_arrived())
        form.kept = list(services.kept_photos(form.key))
        form.photos_room()
    return render(
        request,
        "consultations/proposals/propose.html",
        {
            "consultation": consultation,
            "rights": rights,
            "form": form,
            "mode": mode,
            "part": part,
            "similar": form.similar,
            "bbox": _extent(consultation),
            "map_tiles": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


def _extent(consultation: Consultation) -> str:
    """The box the form's map shows first: the project's communes."""
    box = Commune.objects.filter(pk__in=consultation.project.communes.values("pk")).bounds()
    return box.as_text() if box else ""


def _after_submit(request: HttpRequest, proposal: Proposal, mode: str) -> str:
    if mode == GUEST:
        messages.success(
            request,
            _(
                "Thank you! One last step: we sent you an email at %(email)s. Open the link "
                "in it to publish your proposal."
            )
            % {"email": proposal.author_email},
        )
        return proposal.consultation.get_absolute_url()
    if mode == ASSISTED:
        messages.success(request, _("The proposal is published. You can enter another one."))
        url = reverse("consultations:propose", args=[proposal.consultation.slug]) + "?pour=autrui"
        return url + ("&partie=carte" if proposal.part == Proposal.Part.MAP else "")
    messages.success(request, _("Thank you! Your proposal is published."))
    return proposal.get_absolute_url()


@require_GET
def similar(request: HttpRequest, slug: str) -> HttpResponse:
    """Published proposals with a title like the one being typed: an HTMX fragment under
    the title box (`?titre=`; the box itself sends `title`)."""
    consultation, _rights = lookups.get_consultation(request, slug)
    form = SimilarForm({"titre": request.GET.get("titre", request.GET.get("title", ""))})
    found = (
        queries.similar_proposals(consultation, form.cleaned_data["titre"])
        if form.is_valid()
        else []
    )
    return render(
        request,
        "consultations/proposals/propose.html#similar",
        {"consultation": consultation, "similar": found, "live": True},
    )


@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal, rights = lookups.get_proposal(request, pk)
    return _proposal_page(request, proposal, rights)


def _proposal_page(
    request: HttpRequest,
    proposal: Proposal,
    rights: access.ConsultationRights,
    *,
    support_form: SupportForm | None = None,
    paper_form: PaperSupportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "consultations/proposals/proposal.html",
        {
            "proposal": proposal,
            "consultation": proposal.consultation,
            "rights": rights,
            "can_support": access.can_support(proposal, rights),
            "support_form": support_form or SupportForm(guest=not request.user.is_authenticated),
            "paper_form": paper_form or PaperSupportForm(),
            **queries.proposal_page(proposal, request.user, rights),
        },
        status=status,
    )


@require_GET
def kept_photo(request: HttpRequest, key: uuid.UUID, pk: int) -> HttpResponseBase:
    """The thumbnail of a photo kept for a proposal form, for the page that holds the
    form (only it knows the key)."""
    photo = get_object_or_404(services.kept_photos(key), pk=pk)
    return private_file_response(
        photo.thumbnail,
        filename=f"photo-{photo.pk}-thumbnail.webp",
        content_type="image/webp",
        inline=True,
    )


@require_GET
def proposal_photo(request: HttpRequest, pk: int, size: str) -> HttpResponseBase:
    """A proposal's photo (always a private file): for whoever may see the proposal."""
    photo = lookups.get_visible_proposal_photo(request, pk)
    file = photo.image if size == "image" else photo.thumbnail
    suffix = (file.name or "").rsplit(".", 1)[-1]
    return private_file_response(
        file,
        filename=f"photo-{photo.pk}{'' if size == 'image' else '-thumbnail'}.{suffix}",
        content_type={"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
            suffix, "application/octet-stream"
        ),
        # A picture the pipeline re-encoded: safe to show in the page.
        inline=True,
    )


@require_POST
@guest_form_limit("consultation-support")
@signs_in_back_to("consultations:proposal", "pk")
def support(request: HttpRequest, pk: int) -> HttpResponse:
    """Support a proposal, or withdraw one's support (`action=retirer`); a guest gives
    their address and confirms it by the link emailed to them."""
    proposal, rights = lookups.get_proposal_to_support(request, pk)
    user = request.user if isinstance(request.user, User) else None
    form = SupportForm(request.POST, guest=user is None)
    if not form.is_valid():
        return _proposal_page(request, proposal, rights, support_form=form, status=400)
    try:
        if user is None:
            found = services.support_request(
                proposal=proposal, email=form.cleaned_data["email"], base_url=site_url(request)
            )
            if found.confirmed_at is not None:
                messages.info(request, _("Your support of this proposal is counted already."))
            else:
                messages.success(
                    request,
                    _(
                        "One last step: we sent you an email at %(email)s. Open the link in "
                        "it and your support counts."
                    )
                    % {"email": form.cleaned_data["email"]},
                )
        elif form.withdraws:
            if services.support_withdraw(proposal=proposal, user=user):
                messages.success(request, _("Your support is withdrawn."))
        elif services.support_give(proposal=proposal, user=user):
            messages.success(request, _("Thank you for your support!"))
        else:
            messages.info(request, _("You support this proposal already."))
    except services.SupportRefused as error:
        messages.error(request, str(error))
    return redirect(proposal.get_absolute_url() + "#support")


@require_POST
@signs_in_back_to("consultations:proposal", "pk")
def support_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Who runs the consultation records a support given on paper (assisted entry)."""
    proposal, rights = lookups.get_proposal_to_record_support(request, pk)
    form = PaperSupportForm(request.POST)
    if not form.is_valid():
        return _proposal_page(request, proposal, rights, paper_form=form, status=400)
    try:
        services.support_record(
            proposal=proposal, name=form.cleaned_data["name"], entered_by=signed_in_user(request)
        )
    except services.SupportRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The support of %(name)s is recorded. You can record another one.")
            % {"name": form.cleaned_data["name"]},
        )
    return redirect(proposal.get_absolute_url() + "#paper-support")


@require_http_methods(["GET", "POST"])
def proposal_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A guest's link: the page asks them to confirm with a button (a POST), so that mail
    scanners following links publish nothing."""
    proposal = lookups.get_guest_proposal(token)
    if request.method == "POST":
        if services.proposal_confirm_email(proposal=proposal):
            messages.success(request, _("Your address is confirmed: your proposal is published."))
        else:
            messages.info(request, _("This proposal was already confirmed."))
        return redirect(proposal.get_absolute_url())
    return render(
        request,
        "consultations/confirm.html",
        {"consultation": proposal.consultation, "proposal": proposal, "what": "proposal"},
    )


@require_http_methods(["GET", "POST"])
def support_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A guest's link for a support: confirmed with a button, as above."""
    found = lookups.get_guest_support(token)
    proposal = found.proposal
    if request.method == "POST":
        try:
            confirmed = services.support_confirm(support=found)
        except services.SupportRefused as error:
            messages.error(request, str(error))
        else:
            if confirmed:
                messages.success(request, _("Thank you: your support is counted."))
            else:
                messages.info(request, _("Your support of this proposal is counted already."))
        return redirect(proposal.get_absolute_url())
    return render(
        request,
        "consultations/confirm.html",
        {"consultation": proposal.consultation, "proposal": proposal, "what": "support"},
    )
