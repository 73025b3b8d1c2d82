"""Finding the scope a dashboard URL names and checking access in one call. A dashboard is
a page for a role: anonymous visitors sign in first, then it is 403 without the right; a
project hidden from the person (a draft outside its team) is 404 as everywhere."""

from __future__ import annotations

from django.http import HttpRequest

from tissage.core.access import require, sign_in_first
from tissage.organisations.lookups import get_organisation
from tissage.organisations.models import Organisation
from tissage.projects.lookups import get_project
from tissage.projects.models import Project

from . import access
from .figures import Scope


def get_platform_scope(request: HttpRequest) -> Scope:
    sign_in_first(request)
    require(request, access.can_see_platform_dashboard(request.user))
    return Scope(name="")


def get_dashboard_organisation(request: HttpRequest, slug: str) -> Organisation:
    """The organisation whose dashboard (and reports) the URL names, if the person may
    read them."""
    sign_in_first(request)
    organisation = get_organisation(slug)
    require(request, access.can_see_organisation_dashboard(request.user, organisation))
    return organisation


def get_dashboard_project(request: HttpRequest, slug: str) -> Project:
    """The project whose dashboard (and reports) the URL names, if the person may read
    them; a project hidden from them is a 404."""
    sign_in_first(request)
    project = get_project(request, slug)
    require(request, access.can_see_project_dashboard(request.user, project))
    return project


def organisation_scope(organisation: Organisation) -> Scope:
    return Scope(organisation_id=organisation.pk, name=organisation.name, slug=organisation.slug)


def project_scope(project: Project) -> Scope:
    return Scope(
        organisation_id=project.organisation_id,
        project_id=project.pk,
        name=project.title,
        slug=project.slug,
    )


def get_organisation_scope(request: HttpRequest, slug: str) -> Scope:
    return organisation_scope(get_dashboard_organisation(request, slug))


def get_project_scope(request: HttpRequest, slug: str) -> Scope:
    return project_scope(get_dashboard_project(request, slug))
