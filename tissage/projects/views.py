import json
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from tissage.accounts.access import signed_in_user
from tissage.core.access import signs_in_back_to
from tissage.core.emails import site_url
from tissage.core.feeds import FeedLink, atom_answer
from tissage.core.forms import TeamMemberAddForm, TeamMemberRoleForm
from tissage.core.models import SiteIdentity
from tissage.core.registry import home_parts
from tissage.organisations.lookups import get_staffed_organisation

from . import access, lookups, queries, services
from .cards import project_cards
from .feeds import NewsFeed, news_feed_version
from .forms import NewsPostForm, ProjectForm
from .models import Project, ProjectMembership

PAGE_SIZE = 24
HOME_PROJECTS = 6
# How long the home page's parts are kept: a new action shows there within a minute.
HOME_CACHE_SECONDS = 60


def _home_parts(request: HttpRequest) -> dict[str, Any]:
    """Each app's part of the home page (core.registry), rendered: its lists in its own
    template, its points for the map (read as data), its counters."""
    parts = home_parts()
    points = [asdict(point) for part in parts for point in part.points]
    return {
        "now": [render_to_string(part.template, part.context, request=request) for part in parts],
        "counters": [counter for part in parts for counter in part.counters],
        "points": json.dumps(points),
        "kinds": {point["kind"] for point in points},
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # The latest projects only, with a link to them all (/projets/): the home leads to
    # what one can do now; a full list would cost a count of every project.
    projects = list(Project.objects.published().for_listing()[:HOME_PROJECTS])
    # Who runs the projects shown: taken from the projects themselves, no extra query.
    organisations = list({p.organisation_id: p.organisation for p in projects}.values())
    # What one can do now, the map and the counters: the same for every visitor, kept a
    # minute in each language (in each process's memory, or in Redis for all when
    # REDIS_URL is set), as the busiest page.
    shown: dict[str, Any] = cache.get_or_set(
        f"home-parts:{get_language()}", lambda: _home_parts(request), HOME_CACHE_SECONDS
    ) or _home_parts(request)
    return render(
        request,
        "projects/home.html",
        {
            "identity": SiteIdentity.current(),
            **shown,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "projects": projects,
            "project_cards": project_cards(projects),
            "organisations": organisations,
        },
    )


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = access.projects_visible_to(request.user).for_listing()
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = shown = list(page.object_list)
    return render(request, "projects/list.html", {"page": page, "cards": project_cards(shown)})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    project, rights = lookups.get_project_with_rights(request, slug)
    team = (
        ProjectMembership.objects.filter(project=project, role=ProjectMembership.Role.FACILITATOR)
        .select_related("user")
        .order_by("joined_at")
    )
    upcoming_actions = list(project.actions.published().upcoming()[:5])
    campaigns = list(project.campaigns.order_by("-starts_on", "title"))
    # Consultations run within the project (the consultations app): drafts for its team.
    consultations = list(
        (
            project.consultations.all()
            if rights.can_edit
            else project.consultations.filter(published=True)
        ).order_by("-opens_on", "title")
    )
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "ways": queries.ways_to_take_part(project, upcoming_actions, campaigns, consultations),
            "team": team,
            "member_count": project.member_count,  # type: ignore[attr-defined]
            "news": project.news.published().select_related("author")[:5],
            "communes": project.communes.only("name", "insee_code", "department"),
            # Participatory inventories run within the project (the inventories app).
            "campaigns": campaigns,
            "consultations": consultations,
            # Actions and work-days of the project (the actions app).
            "upcoming_actions": upcoming_actions,
            "rights": rights,
            # Reverse one-to-ones: None when absent (already fetched by select_related).
            "from_initiative": getattr(project, "initiative", None),
            "meetings_of": getattr(project, "collective", None),
            "feeds": _feeds_of(project),
        },
    )


def _feeds_of(project: Project) -> list[FeedLink]:
    """Its news (Atom) and its actions (iCal, the actions app's feed): for anyone who
    sees the project, so none for a draft (its feeds are 404, whoever asks)."""
    if not access.can_view_project(AnonymousUser(), project):
        return []
    return [
        FeedLink(
            _("News of %(project)s") % {"project": project.title},
            reverse("projects:news_feed", args=[project.slug]),
            "atom",
        ),
        FeedLink(
            _("The actions of the project %(project)s") % {"project": project.title},
            reverse("actions:feed_project", kwargs={"slug": project.slug}),
            "ical",
        ),
    ]


def _after_membership_change(request: HttpRequest, project: Project, notice: str) -> HttpResponse:
    """With HTMX, answer with the refreshed call-to-action box; otherwise redirect."""
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "project": project,
            "ways": queries.ways_to_take_part(project),
            "rights": access.project_rights(request.user, project),
            "member_count": project.memberships.count(),
            "notice": notice,
        }
        return render(request, "projects/detail.html#cta", context)
    if notice:
        messages.success(request, notice)
    return redirect(project)


@require_POST
@signs_in_back_to("projects:detail", "slug")
def join(request: HttpRequest, slug: str) -> HttpResponse:
    project = lookups.get_project(request, slug)
    user = signed_in_user(request)
    notice = ""
    if access.can_join_project(user, project):
        services.project_join(project=project, user=user)
        notice = _("You joined the project. Welcome to the team!")
    return _after_membership_change(request, project, notice)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    project = lookups.get_project(request, slug)
    notice = ""
    if access.can_leave_project(request.user, project):
        services.project_leave(project=project, user=signed_in_user(request))
        notice = _("You left the project.")
    return _after_membership_change(request, project, notice)


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = get_staffed_organisation(request, organisation_slug)
    form = ProjectForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        project = services.project_create(
            organisation=organisation,
            creator=signed_in_user(request),
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            description=form.cleaned_data["description"],
            status=form.cleaned_data["status"],
            call_to_action=form.cleaned_data["call_to_action"],
            call_to_action_url=form.cleaned_data["call_to_action_url"],
            communes=form.cleaned_data["communes"],
        )
        if form.cleaned_data.get("cover"):
            project.cover = form.cleaned_data["cover"]
            project.cover_alt = form.cleaned_data["cover_alt"]
            project.save(update_fields=["cover", "cover_alt"])
        messages.success(request, _("The project is created."))
        return redirect(project)
    return render(
        request, "projects/form.html", {"form": form, "organisation": organisation, "project": None}
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = lookups.get_edited_project(request, slug)
    form = ProjectForm(
        request.POST or None,
        request.FILES or None,
        instance=project,
        organisation=project.organisation,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The project is saved."))
        return redirect(project)
    return render(
        request,
        "projects/form.html",
        {"form": form, "organisation": project.organisation, "project": project},
    )


@require_GET
def news_list(request: HttpRequest, slug: str) -> HttpResponse:
    project = lookups.get_project(request, slug)
    posts = project.news.published().select_related("author")
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/news_list.html",
        {"project": project, "page": page, "feeds": _feeds_of(project)[:1]},
    )


@require_GET
def news_post(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = lookups.get_project(request, slug)
    post = lookups.get_news_post(project, pk)
    return render(
        request,
        "projects/news_post.html",
        {"project": project, "post": post, "feeds": _feeds_of(project)[:1]},
    )


@require_safe
def news_feed(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The project's news as Atom, for whoever may see it without signing in."""
    project = lookups.get_public_project(slug)
    feed = NewsFeed(project, base_url=site_url(request))
    return atom_answer(request, feed, news_feed_version(project))


@require_http_methods(["GET", "POST"])
def news_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = lookups.get_edited_project(request, slug)
    form = NewsPostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.news_post_publish(
            project=project,
            author=signed_in_user(request),
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            image=form.cleaned_data["image"],
            image_alt=form.cleaned_data["image_alt"],
        )
        messages.success(request, _("The news is published."))
        return redirect(project)
    return render(request, "projects/news_form.html", {"form": form, "project": project})


@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, slug: str) -> HttpResponse:
    project = lookups.get_edited_project(request, slug)
    form = TeamMemberAddForm(
        request.POST or None,
        roles=ProjectMembership.Role,
        initial_role=ProjectMembership.Role.FACILITATOR,
    )
    if request.method == "POST" and form.is_valid():
        services.project_member_add(
            project=project,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            added_by=signed_in_user(request),
            base_url=site_url(request),
        )
        messages.success(request, _("The person is in the team; an email tells them."))
        return redirect("projects:team", project.slug)
    members = (
        ProjectMembership.objects.filter(project=project)
        .select_related("user")
        .order_by("role", "joined_at")
    )
    rows = [(m, reverse("projects:team_member", args=[project.slug, m.pk])) for m in members]
    return render(
        request,
        "projects/team.html",
        {
            "project": project,
            "members": members,
            "rows": rows,
            "form": form,
            "back_url": project.get_absolute_url(),
            "back_label": project.title,
        },
    )


@require_POST
def team_member(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    project = lookups.get_edited_project(request, slug)
    membership = get_object_or_404(ProjectMembership, pk=membership_id, project=project)
    if request.POST.get("action") == "remove":
        membership.delete()
        messages.success(request, _("The person has left the team."))
    else:
        form = TeamMemberRoleForm(request.POST, roles=ProjectMembership.Role)
        if form.is_valid():
            services.project_member_change_role(
                membership=membership, role=form.cleaned_data["role"]
            )
            messages.success(request, _("The role is changed."))
        else:
            messages.error(request, _("Choose a role in the list."))
    return redirect("projects:team", project.slug)
