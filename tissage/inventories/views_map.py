from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .forms import MapQueryForm
from .lookups import get_campaign
from .mapdata import map_features
from .models import Contribution


@require_GET
def map_data(request: HttpRequest, slug: str) -> JsonResponse:
    """GeoJSON of the campaign's published items in view: points, or clusters when many."""
    campaign, _rights = get_campaign(request, slug)
    form = MapQueryForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    items = Contribution.objects.filtered(
        campaign,
        category=form.cleaned_data["category"],
        commune=form.cleaned_data["commune"],
    )
    data = map_features(items, form.cleaned_data["bbox"], form.cleaned_data["zoom"])
    response = JsonResponse(data, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=60"
    return response
