"""The public side of contributions: the contribution form (and its live duplicate
warning), the item list and item page, a guest's confirmation and a contributor's answer."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tissage.core.emails import site_url

from .. import access, tokens
from ..lookups import get_campaign, get_item
from ..models import Campaign, Contribution, ContributionEvent
from ..photos import photo_prepare
from . import services
from .forms import AnswerForm, ContributionForm, ItemFilterForm

PAGE_SIZE = 24


def _contribution_mode(request: HttpRequest, rights: access.CampaignRights) -> str:
    if rights.can_moderate and request.GET.get("pour") == "autrui":
        return "assisted"
    return "member" if request.user.is_authenticated else "guest"


def _photos(form: ContributionForm | AnswerForm, credit: str) -> list[services.PhotoInput]:
    return [
        services.PhotoInput(photo=photo_prepare(upload), credit=credit)
        for upload in form.cleaned_data["photos"]
    ]


@require_http_methods(["GET", "POST"])
def contribute(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, rights = get_campaign(request, slug)
    if rights.must_sign_in:
        return redirect_to_login(request.get_full_path())
    if not rights.can_contribute:
        raise PermissionDenied(_("This campaign does not take contributions at the moment."))
    mode = _contribution_mode(request, rights)
    name = request.user.public_name if request.user.is_authenticated else ""
    form = ContributionForm(
        request.POST or None, request.FILES or None, campaign=campaign, mode=mode, name=name
    )
    duplicates: list[tuple[Contribution, float]] = []
    if request.method == "POST" and form.is_valid():
        lon, lat, approximate = form.point()
        category = form.cleaned_data["category"]
        duplicates = services.possible_duplicates(
            campaign=campaign,
            category=category,
            lon=lon,
            lat=lat,
            include_obscured=rights.can_moderate,
        )
        if duplicates and not approximate and not form.cleaned_data["duplicate_ok"]:
            form.add_error(
                "duplicate_ok",
                _("Check the items nearby first; tick the box if yours is another one."),
            )
        else:
            item = _submit(request, form, campaign, mode, lon, lat, approximate)
            if item is not None:
                return redirect(_after_submit(request, item))
    return render(
        request,
        "inventories/contributions/contribute.html",
        {
            "campaign": campaign,
            "rights": rights,
            "form": form,
            "mode": mode,
            "duplicates": duplicates,
            "map_tiles": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
            "bbox": _campaign_bbox(campaign),
        },
    )


def _submit(
    request: HttpRequest,
    form: ContributionForm,
    campaign: Campaign,
    mode: str,
    lon: float,
    lat: float,
    approximate: bool,
) -> Contribution | None:
    data = form.cleaned_data
    user = request.user if request.user.is_authenticated else None
    who = {
        "guest": {
            "guest_name": data.get("guest_name", ""),
            "guest_email": data.get("guest_email", ""),
        },
        "member": {"contributor": user},
        "assisted": {
            "entered_by": user,
            "guest_name": data.get("on_behalf_name", ""),
            "guest_email": data.get("on_behalf_email", ""),
        },
    }[mode]
    credit = data["photo_credit"] or (
        data.get("guest_name") or data.get("on_behalf_name") or (user.public_name if user else "")
    )
    try:
        return services.contribution_submit(
            campaign=campaign,
            category=data["category"],
            title=data["title"],
            description=data["description"],
            values=form.values(),
            lon=lon,
            lat=lat,
            location_approximate=approximate,
            address=data["address"],
            obscure_location=data["obscure_location"],
            show_contributor=data["show_contributor"],
            photos=_photos(form, credit),
            base_url=site_url(request),
            **who,
        )
    except services.ContributionRefused as error:
        form.add_error(None, str(error))
        return None


def _after_submit(request: HttpRequest, item: Contribution) -> str:
    if item.status == Contribution.Status.AWAITING_EMAIL:
        messages.success(
            request,
            _(
                "Thank you! One last step: we sent you an email at %(email)s. Open the link "
                "in it to confirm your contribution."
            )
            % {"email": item.contributor_email},
        )
        return reverse("inventories:campaign", kwargs={"slug": item.campaign.slug})
    if item.entered_by_id:
        messages.success(request, _("The item is recorded. You can enter another one."))
        return reverse("inventories:contribute", kwargs={"slug": item.campaign.slug}) + (
            "?pour=autrui"
        )
    messages.success(
        request,
        _("Thank you! Your contribution is sent; the team will check it before it is published."),
    )
    return reverse("inventories:item", kwargs={"slug": item.campaign.slug, "pk": item.pk})


def _campaign_bbox(campaign: Campaign) -> str:
    boxes = list(campaign.communes.values_list("min_lon", "min_lat", "max_lon", "max_lat"))
    if not boxes:
        return ""
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return f"{west:.5f},{south:.5f},{east:.5f},{north:.5f}"


@require_GET
def nearby(request: HttpRequest, slug: str) -> HttpResponse:
    """The duplicate warning, live while the form is filled in (an HTMX fragment)."""
    campaign, rights = get_campaign(request, slug)
    duplicates: list[tuple[Contribution, float]] = []
    try:
        lon = float(request.GET.get("longitude", "").replace(",", "."))
        lat = float(request.GET.get("latitude", "").replace(",", "."))
        category = campaign.categories.get(pk=int(request.GET.get("category", "")))
    except (ValueError, TypeError, campaign.categories.model.DoesNotExist):
        pass
    else:
        if -180 <= lon <= 180 and -90 <= lat <= 90:
            duplicates = services.possible_duplicates(
                campaign=campaign,
                category=category,
                lon=lon,
                lat=lat,
                include_obscured=rights.can_moderate,
            )
    return render(
        request,
        "inventories/contributions/contribute.html#nearby",
        {"campaign": campaign, "duplicates": duplicates, "live": True},
    )


@require_GET
def item_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The accessible alternative to the map: published items, same filters, paginated."""
    campaign, rights = get_campaign(request, slug)
    filters = ItemFilterForm(request.GET or None, campaign=campaign)
    items = (
        Contribution.objects.filtered(campaign, **filters.filters())
        .published()
        .for_cards()
        .order_by("-validated_at", "-pk")
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inventories/contributions/item_list.html",
        {
            "campaign": campaign,
            "rights": rights,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
        },
    )


def _public_history(item: Contribution) -> list[ContributionEvent]:
    """The provenance the public sees: no messages, no refusals, no email steps."""
    shown = {
        ContributionEvent.Kind.SUBMITTED,
        ContributionEvent.Kind.IMPORTED,
        ContributionEvent.Kind.EDITED,
        ContributionEvent.Kind.ANSWERED,
        ContributionEvent.Kind.MERGED,
    }
    return [
        event
        for event in item.events.all()
        if event.kind in shown
        or (event.kind == ContributionEvent.Kind.DECIDED and event.to_status == "validated")
    ]


@require_GET
def item_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign, rights = get_campaign(request, slug)
    merged_into = (
        Contribution.objects.filter(campaign=campaign, pk=pk, merged_into__isnull=False)
        .values_list("merged_into", flat=True)
        .first()
    )
    if merged_into:
        # A duplicate's permalink leads to the item it was merged into.
        return redirect("inventories:item", slug=campaign.slug, pk=merged_into)
    item = get_item(request, campaign, rights, pk)
    values = [
        (question, question.display(item.values[question.key]))
        for question in campaign.fields.all()
        if item.values.get(question.key) not in (None, "", [])
    ]
    exact = rights.can_moderate or access.is_contributor(request.user, item)
    lon, lat = (item.longitude, item.latitude) if exact else item.public_point()
    return render(
        request,
        "inventories/contributions/item.html",
        {
            "campaign": campaign,
            "rights": rights,
            "item": item,
            "photos": list(item.photos.all()),
            "values": values,
            "history": _public_history(item),
            "point": (lon, lat),
            "exact": exact or not item.obscure_location,
            "permalink": site_url(request) + item.get_absolute_url(),
            "can_answer": access.can_answer_item(request.user, item),
        },
    )


@require_GET
def guest_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk, email = tokens.read(token, tokens.GUEST_CONFIRM_SALT, tokens.CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        return _link_problem(request, _("This link has expired (it was valid 7 days)."))
    except signing.BadSignature:
        return _link_problem(request, _("This link is not valid. Copy the whole link."))
    item = Contribution.objects.select_related("campaign").filter(pk=pk).first()
    if item is None or item.contributor_email != email:
        return _link_problem(request, _("This contribution no longer exists."))
    if services.contribution_confirm_email(item=item):
        messages.success(
            request,
            _(
                "Your email address is confirmed: your contribution is sent to the team, "
                "who will check it before it is published. You will receive an email."
            ),
        )
    else:
        messages.info(request, _("This contribution was already confirmed."))
    return redirect("inventories:campaign", slug=item.campaign.slug)


def _link_problem(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "inventories/link_problem.html", {"message": message}, status=400)


@require_http_methods(["GET", "POST"])
def item_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """“Needs more information”: the contributor answers and completes their item —
    signed in, or as a guest through the signed link of the email."""
    campaign = get_object_or_404(Campaign.objects.select_related("project"), slug=slug)
    item = get_object_or_404(
        Contribution.objects.select_related("campaign"), campaign=campaign, pk=pk
    )
    token = request.GET.get("jeton", "")
    actor = request.user if request.user.is_authenticated else None
    if token:
        try:
            token_pk, email = tokens.read(token, tokens.GUEST_ANSWER_SALT, tokens.ANSWER_MAX_AGE)
        except signing.BadSignature:
            return _link_problem(request, _("This link is not valid or has expired."))
        if token_pk != item.pk or email != item.contributor_email:
            return _link_problem(request, _("This link is not valid or has expired."))
        actor = None
    elif not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    elif not access.is_contributor(request.user, item):
        raise Http404
    if item.status != Contribution.Status.NEEDS_INFO:
        messages.info(request, _("This contribution is not waiting for an answer any more."))
        return redirect("inventories:campaign", slug=campaign.slug)
    form = AnswerForm(request.POST or None, request.FILES or None, item=item)
    if request.method == "POST" and form.is_valid():
        credit = form.cleaned_data["photo_credit"] or item.public_contributor
        try:
            services.contribution_answer(
                item=item,
                message=form.cleaned_data["message"],
                changes=form.changes(),
                photos=_photos(form, credit),
                actor=actor,
            )
        except services.ContributionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you! Your answer is sent to the team."))
            return redirect("inventories:campaign", slug=campaign.slug)
    question = item.events.filter(to_status=Contribution.Status.NEEDS_INFO).last()
    return render(
        request,
        "inventories/contributions/answer.html",
        {"campaign": campaign, "item": item, "form": form, "question": question},
    )
