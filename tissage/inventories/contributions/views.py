"""The public side of contributions: the contribution form (and its live duplicate
warning), the item list and item page, a guest's confirmation and a contributor's answer."""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from tissage.accounts.models import User
from tissage.core.emails import site_url
from tissage.core.feeds import atom_answer
from tissage.core.files import private_file_response
from tissage.core.middleware import permits_for_self
from tissage.core.ratelimit import guest_form_limit

from .. import access, lookups
from ..map.cells import filtered_count
from ..map.data import communes_extent
from ..models import Contribution, StagedPhoto
from ..moderation.history import public_history
from . import feeds, services, staging
from .cards import item_cards
from .forms import AnswerForm, ContributionForm, ItemFilterForm, StagePhotosForm, nearby_place

PAGE_SIZE = 24
# The item page's link opens the map this close (a street): the item and its neighbours.
ITEM_MAP_ZOOM = 17


@require_http_methods(["GET", "POST"])
@guest_form_limit("inventory-contribution")
@permits_for_self("geolocation")  # "use my position" on the form
def contribute(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, rights = lookups.get_campaign_to_contribute(request, slug)
    mode = access.contribution_mode(
        request.user, rights, on_behalf=request.GET.get("pour") == "autrui"
    )
    form = ContributionForm(
        request.POST or None,
        request.FILES or None,
        campaign=campaign,
        mode=mode,
        user=request.user if isinstance(request.user, User) else None,
        sees_hidden_places=rights.can_moderate,
    )
    if (
        request.method == "POST"
        and form.key
        and (done := services.contribution_of_submission(form.key))
    ):
        # The same form again (a double tap, a reload, "back" then "send"): its item.
        return redirect(_after_submit(request, done))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.contribution_submit(
                campaign=campaign, base_url=site_url(request), **form.submission()
            )
        except services.ContributionRefused as error:
            form.add_error(None, str(error))
        except (IntegrityError, staging.StagedPhotoGone):
            # The same form, sent twice at the same instant: the other sending made the
            # item (and used the kept photos).
            found = services.contribution_of_submission(form.key) if form.key else None
            if found is not None:
                return redirect(_after_submit(request, found))
            form.add_error(
                "photos", _("A photo kept for this form is no longer there: add it again.")
            )
        else:
            return redirect(_after_submit(request, item))
    if request.method == "POST" and form.key is not None:
        # The form comes back for a correction: the photos that arrived stay with it.
        staging.staged_photos_remove(campaign=campaign, key=form.key, pks=form.removed_photos())
        form.photos_kept_add(
            staging.photos_stage(campaign=campaign, key=form.key, photos=form.photos_arrived())
        )
    extent = communes_extent(campaign)
    return render(
        request,
        "inventories/contributions/contribute.html",
        {
            "campaign": campaign,
            "rights": rights,
            "form": form,
            "mode": mode,
            "duplicates": form.duplicates,
            "map_tiles": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
            "bbox": extent.as_text() if extent else "",
        },
    )


@require_POST
@guest_form_limit("inventory-photos")
def photos_stage(request: HttpRequest, slug: str) -> HttpResponse:
    """With JavaScript, each photo is sent as soon as it is chosen (and a kept one taken
    off): the list of the form's kept photos comes back, with what was refused and why."""
    campaign, _rights = lookups.get_campaign_to_contribute(request, slug)
    form = StagePhotosForm(request.POST, request.FILES, campaign=campaign)
    if form.is_valid() and form.key is not None:
        staging.staged_photos_remove(
            campaign=campaign, key=form.key, pks=form.cleaned_data["remove_photos"]
        )
    if form.key is not None:
        staging.photos_stage(campaign=campaign, key=form.key, photos=form.photos_arrived())
    kept = list(StagedPhoto.objects.of_form(campaign, form.key)) if form.key else []
    return render(
        request,
        "inventories/contributions/_staged_photos.html",
        {"campaign": campaign, "kept": kept, "errors": form.photo_errors(), "form": form},
        status=200 if form.key is not None else 400,
    )


@require_GET
def staged_photo(request: HttpRequest, slug: str, key: uuid.UUID, pk: int) -> HttpResponseBase:
    """The thumbnail of a photo kept for a form, for the page that holds the form (only
    it knows the key)."""
    campaign, _rights = lookups.get_campaign_to_contribute(request, slug)
    found = get_object_or_404(StagedPhoto.objects.of_form(campaign, key), pk=pk)
    return private_file_response(
        found.thumbnail,
        filename=f"photo-{found.pk}-thumbnail.webp",
        content_type="image/webp",
        inline=True,
    )


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


@require_GET
def nearby(request: HttpRequest, slug: str) -> HttpResponse:
    """The duplicate warning, live while the form is filled in (an HTMX fragment)."""
    campaign, rights = lookups.get_campaign(request, slug)
    duplicates: list[tuple[Contribution, float]] = []
    if place := nearby_place(campaign, request.GET):
        category, lon, lat = place
        duplicates = services.possible_duplicates(
            campaign=campaign,
            category=category,
            lon=lon,
            lat=lat,
            moderator=rights.can_moderate,
            viewer=request.user if isinstance(request.user, User) else None,
        )
    return render(
        request,
        "inventories/contributions/contribute.html#nearby",
        {"campaign": campaign, "duplicates": duplicates, "live": True},
    )


@require_GET
def item_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The accessible alternative to the map: published items, same filters, paginated."""
    campaign, rights = lookups.get_campaign(request, slug)
    filters = ItemFilterForm(request.GET or None, campaign=campaign)
    items = (
        Contribution.objects.filtered(campaign, **filters.filters())
        .published()
        .for_cards()
        .newest_published_first()
    )
    paginator = Paginator(items, PAGE_SIZE)
    # Counted from the map's stored cells (a few rows), not by reading every item (20,000
    # of a century at 100,000 items: 3 ms on PostgreSQL), unless a period names no century.
    if (count := filtered_count(campaign, **filters.filters())) is not None:
        paginator.count = count  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = shown = list(page.object_list)
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
            "cards": item_cards(campaign, shown),
            "query": query.urlencode(),
            "feeds": feeds.feed_links(campaign),
        },
    )


@require_safe
def items_feed(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The campaign's newly published items as Atom, for whoever may see them without
    signing in."""
    campaign = lookups.get_public_campaign(slug)
    feed = feeds.ItemsFeed(campaign, base_url=site_url(request))
    return atom_answer(request, feed, feeds.items_feed_version(campaign))


@require_GET
def photo(request: HttpRequest, pk: int, size: str) -> HttpResponseBase:
    """A photo of an item that is not published (a published item's photos are public
    files, at their own address): for its moderators and its contributor."""
    found = lookups.get_visible_photo(request, pk)
    file = found.image if size == "image" else found.thumbnail
    suffix = PurePosixPath(file.name or "").suffix
    return private_file_response(
        file,
        filename=f"photo-{found.pk}{'' if size == 'image' else '-thumbnail'}{suffix}",
        content_type=mimetypes.guess_type(file.name or "")[0] or "application/octet-stream",
        # A picture the pipeline re-encoded: safe to show in the page.
        inline=True,
    )


@require_GET
def item_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign, rights = lookups.get_campaign(request, slug)
    if merged_into := lookups.merged_into(campaign, pk):
        # A duplicate's permalink leads to the item it was merged into.
        return redirect("inventories:item", slug=campaign.slug, pk=merged_into)
    item = lookups.get_item(request, campaign, rights, pk)
    values = [
        (question, question.display(item.values[question.key]))
        for question in campaign.fields.all()
        if item.values.get(question.key) not in (None, "", [])
    ]
    exact = access.sees_exact_place(request.user, item, rights)
    lon, lat = (item.longitude, item.latitude) if exact else item.public_point()
    # The map shows public points, and its address may be shared: centred on that one.
    public_lon, public_lat = item.public_point()
    map_url = reverse("inventories:map", kwargs={"slug": campaign.slug})
    map_url += f"#map={ITEM_MAP_ZOOM}/{public_lat:.5f}/{public_lon:.5f}"
    return render(
        request,
        "inventories/contributions/item.html",
        {
            "campaign": campaign,
            "rights": rights,
            "item": item,
            "photos": list(item.photos.all()),
            "values": values,
            "history": public_history(item),
            "point": (lon, lat),
            "map_url": map_url,
            "exact": exact or not item.obscure_location,
            "permalink": site_url(request) + item.get_absolute_url(),
            "can_answer": access.can_answer_item(request.user, item),
        },
    )


@require_GET
def guest_confirm(request: HttpRequest, token: str) -> HttpResponse:
    item = lookups.get_guest_item(token)
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


@require_http_methods(["GET", "POST"])
def item_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """“Needs more information”: the contributor answers and completes their item —
    signed in, or as a guest through the signed link of the email."""
    campaign, item, actor = lookups.get_item_to_answer(request, slug, pk)
    if item.status != Contribution.Status.NEEDS_INFO:
        messages.info(request, _("This contribution is not waiting for an answer any more."))
        return redirect("inventories:campaign", slug=campaign.slug)
    form = AnswerForm(request.POST or None, request.FILES or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_answer(
                item=item,
                message=form.cleaned_data["message"],
                changes=form.changes(),
                photos=form.new_photos(),
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
