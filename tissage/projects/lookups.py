"""Finding the project a URL names, for the person asking. Every view starts here.

A project hidden from the person (a draft, outside its team) is a 404 whoever asks; a
visible project whose page needs a right the person lacks is 403 — pages for a role only
ask anonymous visitors to sign in first (`login_required` on the views). The rule is
written in docs/permissions.md ("Who gets which answer").
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from tissage.core.access import require, sign_in_first

from . import access
from .models import NewsPost, Project


def get_project(request: HttpRequest, slug: str) -> Project:
    """The project, when the person may see it; else 404."""
    project = get_object_or_404(Project.objects.select_related("organisation"), slug=slug)
    if not access.can_view_project(request.user, project):
        raise Http404
    return project


def get_public_project(slug: str) -> Project:
    """The project, when anyone may see it (its feeds: one document for every reader,
    who polls it without a session); else 404, a draft whoever asks."""
    project = get_object_or_404(Project.objects.select_related("organisation"), slug=slug)
    if not access.can_view_project(AnonymousUser(), project):
        raise Http404
    return project


def get_news_post(project: Project, pk: int) -> NewsPost:
    """A published post of the project (one dated later is not out yet: 404)."""
    post = get_object_or_404(project.news.published().select_related("author"), pk=pk)
    post.project = project  # already loaded: no query for its links
    return post


def followable_project(user: access.AnyUser, pk: int) -> Project:
    """The project to follow (`core.registry`, `followables`): whoever sees it may."""
    project = get_object_or_404(Project.objects.select_related("organisation"), pk=pk)
    if not access.can_view_project(user, project):
        raise Http404
    return project


def get_project_with_rights(
    request: HttpRequest, slug: str
) -> tuple[Project, access.ProjectRights]:
    """The project and what the person may do with it (its page), with what the page
    shows of its origin and its number of members (`member_count`): the initiative it
    grew from and the collective whose meetings it holds, joined to the same query."""
    project = get_object_or_404(
        Project.objects.select_related(
            "organisation", "initiative__collective", "collective"
        ).with_member_count(),
        slug=slug,
    )
    rights = access.project_rights(request.user, project)
    if not rights.can_view:
        raise Http404
    return project, rights


def get_edited_project(request: HttpRequest, slug: str) -> Project:
    """The project, for who may edit it (settings, news, team): a page for a role."""
    sign_in_first(request)
    project = get_project(request, slug)
    require(request, access.can_edit_project(request.user, project))
    return project
