"""The communes a campaign covers: those it may cover and those suggested. Reading them as
facilitators type them (names or INSEE codes) is `territories.forms.CommunesField`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tissage.organisations.models import Organisation
from tissage.projects.models import Project
from tissage.territories.models import Commune


@dataclass(frozen=True)
class CommunesOffered:
    """The communes a campaign may cover: the organisation's when it has set them, else
    every commune the platform knows."""

    among: QuerySet[Commune]
    name: str
    of_organisation: bool


def communes_offered(organisation: Organisation) -> CommunesOffered:
    own = Commune.objects.filter(pk__in=organisation.communes.values("pk"))
    if own.exists():
        name = _("the communes of %(organisation)s") % {"organisation": organisation.name}
        return CommunesOffered(own, name, True)
    return CommunesOffered(Commune.objects.all(), _("the communes known to the platform"), False)


def communes_suggested(project: Project, offered: CommunesOffered) -> list[Commune]:
    """What a new campaign of the project starts with: the project's communes, else the
    organisation's."""
    suggested = list(project.communes.order_by("name", "insee_code"))
    if not suggested and offered.of_organisation:
        suggested = list(offered.among.order_by("name", "insee_code"))
    return suggested
