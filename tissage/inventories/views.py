from django.http import Http404, HttpRequest, JsonResponse


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
