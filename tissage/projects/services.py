"""Writes about projects that touch several rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse

from tissage.accounts.models import User
from tissage.core.emails import team_member_welcome
from tissage.core.slugs import unique_slug
from tissage.engagement.kinds import Kind
from tissage.engagement.services import follow_auto, notify
from tissage.organisations.models import Organisation
from tissage.territories.models import Commune

from .models import NewsPost, Project, ProjectMembership


@transaction.atomic
def project_create(
    *,
    organisation: Organisation,
    creator: User | None,
    title: str,
    summary: str,
    description: str = "",
    status: str = Project.Status.DRAFT,
    call_to_action: str = "",
    call_to_action_url: str = "",
    communes: Iterable[Commune] = (),
    slug: str | None = None,
) -> Project:
    """Create a project; its creator becomes its first facilitator."""
    project = Project(
        organisation=organisation,
        title=title,
        slug=slug or unique_slug(Project, title, fallback="projet"),
        summary=summary,
        description=description,
        status=status,
        call_to_action=call_to_action,
        call_to_action_url=call_to_action_url,
    )
    project.full_clean()
    project.save()
    project.communes.set(communes)
    if creator is not None:
        ProjectMembership.objects.create(
            project=project, user=creator, role=ProjectMembership.Role.FACILITATOR
        )
    return project


def project_join(*, project: Project, user: User) -> ProjectMembership:
    """Join as a member; joining twice (a double click) keeps one membership. Joining
    follows the project (its news and actions reach the person), unless they once chose
    to stop following it."""
    try:
        with transaction.atomic():
            membership, _created = ProjectMembership.objects.get_or_create(
                project=project, user=user, defaults={"role": ProjectMembership.Role.MEMBER}
            )
    except IntegrityError:
        membership = ProjectMembership.objects.get(project=project, user=user)
    follow_auto(user=user, target=project)
    return membership


def project_leave(*, project: Project, user: User) -> None:
    ProjectMembership.objects.filter(
        project=project, user=user, role=ProjectMembership.Role.MEMBER
    ).delete()


@transaction.atomic
def project_member_add(
    *, project: Project, email: str, role: str, added_by: User, base_url: str
) -> ProjectMembership:
    """Add someone to the project's team by email (creating their account if needed)."""
    user = User.objects.for_email(email, language=added_by.language)
    membership, _created = ProjectMembership.objects.update_or_create(
        project=project, user=user, defaults={"role": role}
    )
    team_member_welcome(
        user=user,
        team=project.title,
        team_url=base_url + project.get_absolute_url(),
        role=membership.get_role_display(),
        added_by=added_by,
        base_url=base_url,
    )
    return membership


def project_member_change_role(*, membership: ProjectMembership, role: str) -> None:
    membership.role = role
    membership.save(update_fields=["role"])


@transaction.atomic
def news_post_publish(
    *,
    project: Project,
    author: User | None,
    title: str,
    body: str,
    image: File | None = None,
    image_alt: str = "",
) -> NewsPost:
    """Publish a news post; the project's followers hear of it (unless the project is a
    draft, which only its team sees)."""
    post = NewsPost(
        project=project,
        author=author,
        title=title,
        body=body,
        image=image or "",
        image_alt=image_alt,
    )
    post.full_clean()
    post.save()
    if project.status != Project.Status.DRAFT:
        notify(
            kind=Kind.NEWS_POST,
            url=reverse("projects:news", args=[project.slug]),
            params={"title": post.title, "project": project.title},
            targets=[project],
            actor=author,
        )
    return post
