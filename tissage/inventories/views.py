from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from tissage.projects.access import can_view_project

from .forms import MapQueryForm
from .mapdata import map_features
from .models import Campaign, Contribution


def _get_campaign(request: HttpRequest, slug: str) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("project__organisation"), slug=slug
    )
    if not can_view_project(request.user, campaign.project):
        raise Http404
    return campaign


@require_GET
def map_data(request: HttpRequest, slug: str) -> JsonResponse:
    """GeoJSON of the campaign's published items in view: points, or clusters when many."""
    campaign = _get_campaign(request, slug)
    form = MapQueryForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    items = Contribution.objects.filter(campaign=campaign)
    if category := form.cleaned_data["category"]:
        items = items.filter(category__slug=category)
    if commune := form.cleaned_data["commune"]:
        items = items.filter(commune__insee_code=commune)
    data = map_features(items, form.cleaned_data["bbox"], form.cleaned_data["zoom"])
    response = JsonResponse(data, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=60"
    return response


# Pages being written (issue #3); they answer 404 until then.
def guest_confirm(request: HttpRequest, token: str) -> JsonResponse:
    raise Http404


def campaign_detail(request: HttpRequest, slug: str) -> JsonResponse:
    raise Http404


def contribute(request: HttpRequest, slug: str) -> JsonResponse:
    raise Http404


def item_list(request: HttpRequest, slug: str) -> JsonResponse:
    raise Http404


def item_detail(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    raise Http404


def item_answer(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    raise Http404
