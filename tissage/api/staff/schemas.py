"""What the staff endpoints take and give, as pydantic schemas (the OpenAPI document's).

The schemas check the JSON's shape and types; what a value must be to be right (a title,
a date to come, places taken) is the web forms' to say (`actions.manage.forms`,
`inventories.moderation.forms`), so that the API refuses what the pages refuse, with the
same words."""

from __future__ import annotations

import datetime
import enum
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from tissage.actions.models import Action, Registration
from tissage.inventories.models import Contribution


def _choices(name: str, choices: type[enum.Enum]) -> type[enum.Enum]:
    """The model's choices as an enum of their own name in the OpenAPI document: the
    models' classes are all called `Status` or `Kind`, which the document cannot tell
    apart."""
    return enum.Enum(name, {member.name: member.value for member in choices}, type=str)  # type: ignore[return-value]


ActionKind = _choices("ActionKind", Action.Kind)
ActionDifficulty = _choices("ActionDifficulty", Action.Difficulty)
RegistrationStatus = _choices("RegistrationStatus", Registration.Status)
ContributionStatus = _choices("ContributionStatus", Contribution.Status)


class Input(Schema):
    # A field the API does not know is an error, not silently dropped: a typo in a
    # script ("adress") must not look like it worked.
    model_config = ConfigDict(extra="forbid")


# --- The token ---------------------------------------------------------------------------


class StaffOrganisationOut(Schema):
    slug: str
    name: str


class StaffTokenOut(Schema):
    name: str
    prefix: str = Field(description="The token's first characters, as the account page shows.")
    organisation: StaffOrganisationOut
    owner: str = Field(description="The display name of the person the token belongs to.")


# --- Actions -----------------------------------------------------------------------------


class StaffRoleIn(Input):
    name: str = Field(description="What people come to do, e.g. “Planter”.")
    places: int = Field(description="Places of the role, companions included.")


class StaffRoleEdit(Input):
    id: int | None = Field(None, description="The role's id; none for a new role.")
    name: str = Field(description="Its name; an empty name removes the role.")
    places: int | None = None


Number = float | None


class StaffActionFields(Input):
    """The fields an action has, in both directions."""

    description: str = ""
    what_to_bring: str = ""
    accessibility: str = ""
    difficulty: ActionDifficulty = ActionDifficulty.EASY  # type: ignore[valid-type,attr-defined]
    children_welcome: bool = True
    address: str = ""
    meeting_point: str = ""
    commune: str | None = Field(
        None, description="INSEE code of one of the project's or organisation's communes."
    )
    longitude: Number = Field(None, allow_inf_nan=False)
    latitude: Number = Field(None, allow_inf_nan=False)
    registration_opens_at: datetime.datetime | None = None
    registration_closes_at: datetime.datetime | None = None
    contact: str = ""
    capacity: int | None = Field(
        None, description="Places for the whole action, companions included; none: the roles'."
    )
    waiting_list: bool = True
    reminder_hours_before: int = 24


class StaffActionCreate(StaffActionFields):
    title: str
    starts_at: datetime.datetime = Field(
        description="Start; without an offset, the time in France (Europe/Paris)."
    )
    ends_at: datetime.datetime = Field(description="End, the same day as the start.")
    kind: ActionKind = ActionKind.WORKDAY  # type: ignore[valid-type,attr-defined]
    status: Literal["draft", "published"] = "draft"
    roles: list[StaffRoleIn] = Field(default_factory=list, max_length=50)
    places: int | None = Field(
        20, description="Without roles: the places of the one role “Participant”."
    )


class StaffActionUpdate(Input):
    """Only the fields given change; the others keep their value."""

    title: str | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    kind: ActionKind | None = None  # type: ignore[valid-type]
    status: Literal["draft", "published"] | None = None
    description: str | None = None
    what_to_bring: str | None = None
    accessibility: str | None = None
    difficulty: ActionDifficulty | None = None  # type: ignore[valid-type]
    children_welcome: bool | None = None
    address: str | None = None
    meeting_point: str | None = None
    commune: str | None = None
    longitude: Number = Field(None, allow_inf_nan=False)
    latitude: Number = Field(None, allow_inf_nan=False)
    registration_opens_at: datetime.datetime | None = None
    registration_closes_at: datetime.datetime | None = None
    contact: str | None = None
    capacity: int | None = None
    waiting_list: bool | None = None
    reminder_hours_before: int | None = None
    roles: list[StaffRoleEdit] | None = Field(
        None,
        max_length=50,
        description="Roles to change or add (a role left out stays as it is).",
    )
    scope: Literal["this", "following", "all"] = Field(
        "this", description="For a date of a series: which dates change."
    )


class StaffRoleOut(Schema):
    id: int
    name: str
    places: int


class StaffActionOut(Schema):
    id: int
    slug: str
    title: str
    kind: str
    status: str
    project: str = Field(description="The project's slug.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    address: str
    meeting_point: str
    commune: str | None = Field(description="INSEE code.")
    longitude: float | None
    latitude: float | None
    registration_opens_at: datetime.datetime | None
    registration_closes_at: datetime.datetime | None
    capacity: int | None
    waiting_list: bool
    roles: list[StaffRoleOut]
    url: str = Field(description="The action's page.")


class StaffActionChanged(StaffActionOut):
    dates_changed: int = Field(description="How many dates changed (a series may have several).")


# --- Registrants -------------------------------------------------------------------------


class StaffRegistrantOut(Schema):
    """A line of the registrants' export (the same as the CSV's)."""

    name: str
    email: str = Field(description="Empty for someone registered without an address.")
    phone: str
    role: str
    status: RegistrationStatus  # type: ignore[valid-type]
    companions: int
    registered_at: datetime.datetime
    walk_in: bool
    attended: bool | None
    hours: float


# --- Moderation --------------------------------------------------------------------------


class StaffCommuneOut(Schema):
    insee_code: str
    name: str


class StaffContributionOut(Schema):
    id: int
    title: str
    description: str
    status: ContributionStatus  # type: ignore[valid-type]
    category: str
    commune: StaffCommuneOut | None
    address: str
    longitude: float = Field(description="The exact point, even when hidden from the public.")
    latitude: float
    location_approximate: bool
    obscure_location: bool
    contributor: str
    contributor_email: str
    photos: int
    created_at: datetime.datetime
    url: str = Field(description="The item's moderation page.")


class StaffContributionPage(Schema):
    results: list[StaffContributionOut]
    next: str | None = Field(description="The next page's address; none on the last.")


Decision = Literal["validated", "needs_info", "rejected", "archived", "submitted"]


class StaffDecisionIn(Input):
    status: Decision = Field(
        description="validated (accept), rejected, needs_info, archived, or submitted "
        "(back to the queue): among those the item's status allows."
    )
    message: str = Field(
        "", description="To the contributor, by email; required to reject or ask for more."
    )


class StaffDecisionOut(Schema):
    id: int
    status: ContributionStatus  # type: ignore[valid-type]
    previous_status: ContributionStatus  # type: ignore[valid-type]
