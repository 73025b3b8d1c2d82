"""The models of the actions app, one module per topic, all imported here so that Django
finds them and `from tissage.actions.models import Action` works."""

from .action import Action, ActionQuerySet, ActionSeries, Role
from .impact import ImpactCounter, ImpactValue
from .needs import Need, Pledge
from .registration import NO_ADDRESS_SUFFIX, Registration, RegistrationQuerySet
from .report import ActionReport, ReportPhoto
from .volunteers import VolunteerInvitation, VolunteerProfile, VolunteerProfileQuerySet

__all__ = [
    "NO_ADDRESS_SUFFIX",
    "Action",
    "ActionQuerySet",
    "ActionReport",
    "ActionSeries",
    "ImpactCounter",
    "ImpactValue",
    "Need",
    "Pledge",
    "Registration",
    "RegistrationQuerySet",
    "ReportPhoto",
    "Role",
    "VolunteerInvitation",
    "VolunteerProfile",
    "VolunteerProfileQuerySet",
]
