"""The staff endpoints (`/api/v1/staff/…`), with a personal API token: thin functions —
the lookup (web rules, then the token's scope), the web form or service, the answer.

Who may call which is docs/permissions.md's "API" table; the errors' shape is
`errors.py`'s."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Router, Status

from tissage.accounts.access import signed_in_user
from tissage.actions.attendance import exports
from tissage.actions.attendance.queries import hours_of
from tissage.actions.models import Action
from tissage.core.emails import site_url
from tissage.core.spreadsheets import CONTENT_TYPES
from tissage.inventories.access import sees_contributor_email
from tissage.inventories.contributions.services import ContributionRefused
from tissage.inventories.moderation import history, queries
from tissage.inventories.moderation import services as moderation
from tissage.inventories.moderation.forms import DecisionForm

from ..errors import ApiError, ErrorOut
from ..tokens.auth import TokenAuth, request_token
from . import actions, lookups
from .errors import REFUSALS, WRITE_REFUSALS
from .schemas import (
    ContributionStatus,
    StaffActionChanged,
    StaffActionCreate,
    StaffActionOut,
    StaffActionUpdate,
    StaffCommuneOut,
    StaffContributionOut,
    StaffContributionPage,
    StaffDecisionIn,
    StaffDecisionOut,
    StaffOrganisationOut,
    StaffRegistrantOut,
    StaffRoleOut,
    StaffTokenOut,
)

router = Router(auth=TokenAuth(), tags=["Staff (personal token)"])

QUEUE_PAGE_SIZE = 50
# Ids beyond a 32-bit integer name nothing: refused before the database is asked.
ID_MAX = 2**31 - 1


def staff_install(api: NinjaAPI) -> None:
    """Mount the staff endpoints on the API."""
    api.add_router("/staff/", router)


# --- The token ---------------------------------------------------------------------------


@router.get("/token", response={200: StaffTokenOut, **REFUSALS}, summary="The token in use")
def token(request: HttpRequest) -> StaffTokenOut:
    """The token of the request: its name, organisation and owner. To check a token."""
    found = request_token(request)
    return StaffTokenOut(
        name=found.name,
        prefix=found.prefix,
        organisation=StaffOrganisationOut(
            slug=found.organisation.slug, name=found.organisation.name
        ),
        owner=found.user.public_name,
    )


# --- Actions -----------------------------------------------------------------------------


def _action_out(request: HttpRequest, action: Action) -> StaffActionOut:
    return StaffActionOut(
        id=action.pk,
        slug=action.slug,
        title=action.title,
        kind=action.kind,
        status=action.status,
        project=action.project.slug,
        starts_at=timezone.localtime(action.starts_at),
        ends_at=timezone.localtime(action.ends_at),
        address=action.address,
        meeting_point=action.meeting_point,
        commune=action.commune.insee_code if action.commune else None,
        longitude=action.longitude,
        latitude=action.latitude,
        registration_opens_at=action.registration_opens_at
        and timezone.localtime(action.registration_opens_at),
        registration_closes_at=action.registration_closes_at
        and timezone.localtime(action.registration_closes_at),
        capacity=action.capacity,
        waiting_list=action.waiting_list,
        roles=[StaffRoleOut(id=r.pk, name=r.name, places=r.places) for r in action.roles.all()],
        url=request.build_absolute_uri(reverse("actions:detail", args=[action.slug])),
    )


@router.post(
    "/projects/{project_slug}/actions",
    response={201: StaffActionOut, **WRITE_REFUSALS},
    summary="Create an action in a project",
)
def action_create(request: HttpRequest, project_slug: str, payload: StaffActionCreate) -> Status:
    """One date, checked as the facilitators' form checks it; published or a draft."""
    project = lookups.get_edited_project(request, project_slug)
    action = actions.action_create_from(request, project, payload)
    return Status(201, _action_out(request, action))


@router.patch(
    "/actions/{slug}",
    response={200: StaffActionChanged, **WRITE_REFUSALS},
    summary="Change an action",
)
def action_update(
    request: HttpRequest, slug: str, payload: StaffActionUpdate
) -> StaffActionChanged:
    """Only the fields given change. Registrants are told of a new date, time or place;
    more places let the waiting list in; publishing a draft announces it."""
    action, _rights = lookups.get_managed_action(request, slug)
    changed = actions.action_update_from(request, action, payload)
    action.refresh_from_db()
    return StaffActionChanged(
        **_action_out(request, action).model_dump(), dates_changed=len(changed)
    )


@router.get(
    "/actions/{slug}/registrants",
    response={200: list[StaffRegistrantOut], **REFUSALS},
    summary="An action's registrants",
)
def registrants(request: HttpRequest, slug: str) -> list[StaffRegistrantOut]:
    """The lines of the registrants' export (cancelled registrations left out), with their
    contacts: the facilitators' page's content."""
    action, _rights = lookups.get_managed_action(request, slug)
    return [
        StaffRegistrantOut(
            name=r.name,
            email=r.email if r.has_email else "",
            phone=r.phone,
            role=r.role.name,
            status=r.status,
            companions=r.companions,
            registered_at=r.created_at,
            walk_in=r.walk_in,
            attended=r.attended,
            hours=float(hours_of(r)),
        )
        for r in exports.registrants_of(action)
    ]


@router.get(
    "/actions/{slug}/registrants.csv",
    response=REFUSALS,
    summary="An action's registrants, as CSV",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The web export's file (in French, UTF-8 with a BOM).",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def registrants_csv(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_managed_action(request, slug)
    content = exports.WRITERS["csv"](exports.registrants_sheets(action))
    response = HttpResponse(content, content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{action.slug}-inscrits.csv"'
    return response


# --- Moderation --------------------------------------------------------------------------


@router.get(
    "/campaigns/{slug}/contributions",
    response={200: StaffContributionPage, **REFUSALS},
    summary="A campaign's moderation queue",
)
def contributions(
    request: HttpRequest,
    slug: str,
    status: Annotated[
        ContributionStatus | None,  # type: ignore[valid-type]
        Query(description="Items of this status; none: those waiting for a decision."),
    ] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> StaffContributionPage:
    """Items waiting for a decision (submitted or needing more information), oldest
    first, 50 a page, with their exact place and their contributor's address."""
    campaign, rights = lookups.get_moderated_campaign(request, slug)
    start = (page - 1) * QUEUE_PAGE_SIZE
    items = list(
        queries.queue_items(campaign, status=getattr(status, "value", ""))[
            start : start + QUEUE_PAGE_SIZE + 1
        ]
    )
    more = len(items) > QUEUE_PAGE_SIZE
    sees_email = sees_contributor_email(rights)
    query = {"page": page + 1} | ({"status": getattr(status, "value", "")} if status else {})
    return StaffContributionPage(
        results=[
            StaffContributionOut(
                id=item.pk,
                title=item.title,
                description=item.description,
                status=item.status,
                category=item.category.name,
                commune=StaffCommuneOut(insee_code=item.commune.insee_code, name=item.commune.name)
                if item.commune
                else None,
                address=item.address,
                longitude=item.longitude,
                latitude=item.latitude,
                location_approximate=item.location_approximate,
                obscure_location=item.obscure_location,
                contributor=history.contributor_label(item),
                contributor_email=history.contributor_email(item) if sees_email else "",
                photos=len(item.photos.all()),
                created_at=item.created_at,
                url=request.build_absolute_uri(
                    reverse("inventories:moderate", args=[campaign.slug, item.pk])
                ),
            )
            for item in items[:QUEUE_PAGE_SIZE]
        ],
        next=request.build_absolute_uri(f"{request.path}?{urlencode(query)}") if more else None,
    )


@router.post(
    "/campaigns/{slug}/contributions/{pk}/decision",
    response={200: StaffDecisionOut, 409: ErrorOut, **WRITE_REFUSALS},
    summary="Decide on a contribution",
)
def decide(
    request: HttpRequest,
    slug: str,
    pk: Annotated[int, Path(ge=1, le=ID_MAX)],
    payload: StaffDecisionIn,
) -> StaffDecisionOut:
    """Accept (validated), reject or ask for more information, with a message to the
    contributor (required to reject or ask), as on the item's moderation page: the
    contributor is told by email."""
    _campaign, _rights, item = lookups.get_moderated_item(request, slug, pk)
    if item.merged_into_id is not None:
        raise ApiError(
            409,
            _("This item was merged into no. %(pk)s: moderate that one instead.")
            % {"pk": item.merged_into_id},
        )
    form = DecisionForm({"status": payload.status, "message": payload.message}, item=item)
    if not form.is_valid():
        raise ApiError.invalid(
            [(name, str(message)) for name, messages in form.errors.items() for message in messages]
        )
    try:
        event = moderation.contribution_decide(
            item=item,
            moderator=signed_in_user(request),
            status=form.cleaned_data["status"],
            message=form.cleaned_data["message"],
            base_url=site_url(request),
        )
    except ContributionRefused as refusal:
        raise ApiError(409, str(refusal)) from None
    return StaffDecisionOut(id=item.pk, status=event.to_status, previous_status=event.from_status)
