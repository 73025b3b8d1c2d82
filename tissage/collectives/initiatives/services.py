"""Writes about initiatives: an idea a member proposes, a team that forms around it in
its own discussion, and, once active, a project of the organisation.

Every function here is atomic: an initiative never exists without its proposer and
its thread, and a project made from it always has the initiative's team.
"""

from __future__ import annotations

import html
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.core.markdown import render_markdown
from tissage.projects.models import Project, ProjectMembership
from tissage.projects.services import project_create
from tissage.territories.models import Commune

from ..lists import services
from ..models import Collective, CollectiveMembership, Initiative, InitiativeMember
from ..notifications import initiative_announce

SUMMARY_MAX = 280
_SPACES = re.compile(r"\s+")


def plain_summary(text: str, limit: int = SUMMARY_MAX) -> str:
    """The first `limit` characters of Markdown `text`, as plain text on one line."""
    plain = _SPACES.sub(" ", html.unescape(strip_tags(render_markdown(text)))).strip()
    if len(plain) <= limit:
        return plain
    return plain[: limit - 1].rstrip() + "…"


def _thread_body(initiative: Initiative, url: str) -> str:
    parts = [initiative.what.strip()]
    where = ", ".join(
        p for p in [initiative.where, initiative.commune.name if initiative.commune else ""] if p
    )
    if where:
        parts.append(_("**Where:** %(where)s") % {"where": where})
    if initiative.needs.strip():
        parts.append(
            _("**Who or what is needed:** %(needs)s") % {"needs": initiative.needs.strip()}
        )
    parts.append(_("To join it or follow it: [the initiative’s page](%(url)s)") % {"url": url})
    return "\n\n".join(parts)


@transaction.atomic
def initiative_propose(
    *,
    collective: Collective,
    proposer: User,
    title: str,
    what: str,
    where: str = "",
    commune: Commune | None = None,
    needs: str = "",
    membership: CollectiveMembership | None = None,
    initiative_url_base: str = "",
) -> Initiative:
    """Propose an initiative: the proposer is its first member, and its own discussion
    starts on the list (emailed to the members, so they learn of it by mail); the
    collective's followers are notified.

    `initiative_url_base` is the platform's address (`site_url`), for the link in the
    email."""
    initiative = Initiative(
        collective=collective,
        title=title.strip(),
        what=what,
        where=where.strip(),
        commune=commune,
        needs=needs,
        status=Initiative.Status.IDEA,
        proposed_by=proposer,
    )
    initiative.full_clean()
    initiative.save()
    InitiativeMember.objects.create(initiative=initiative, user=proposer)
    message = services.thread_start(
        collective=collective,
        author=proposer,
        subject=_("Initiative: %(title)s") % {"title": initiative.title},
        body=_thread_body(initiative, initiative_url_base + initiative.get_absolute_url()),
        membership=membership,
    )
    initiative.thread_id = message.thread_id
    initiative.save(update_fields=["thread"])
    initiative_announce(initiative=initiative, message=message)
    return initiative


def initiative_join(*, initiative: Initiative, user: User) -> InitiativeMember:
    """ "J’en suis": joining twice (a double click) keeps one row."""
    try:
        with transaction.atomic():
            member, _created = InitiativeMember.objects.get_or_create(
                initiative=initiative, user=user
            )
    except IntegrityError:
        member = InitiativeMember.objects.get(initiative=initiative, user=user)
    return member


def initiative_leave(*, initiative: Initiative, user: User) -> None:
    InitiativeMember.objects.filter(initiative=initiative, user=user).delete()


def initiative_set_status(*, initiative: Initiative, status: str) -> Initiative:
    """Any status may follow any other: initiatives pause, resume and sometimes restart."""
    if status not in Initiative.Status.values:
        raise ValidationError(_("Unknown status: %(status)s.") % {"status": status})
    if initiative.status != status:
        initiative.status = status
        initiative.save(update_fields=["status", "updated_at"])
    return initiative


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    title: str,
    what: str,
    where: str = "",
    commune: Commune | None = None,
    needs: str = "",
) -> Initiative:
    initiative.title = title.strip()
    initiative.what = what
    initiative.where = where.strip()
    initiative.commune = commune
    initiative.needs = needs
    initiative.full_clean()
    initiative.save(update_fields=["title", "what", "where", "commune", "needs", "updated_at"])
    return initiative


@transaction.atomic
def initiative_make_project(
    *,
    initiative: Initiative,
    coordinator: User,
    membership: CollectiveMembership | None = None,
    base_url: str = "",
) -> Project:
    """Turn an active initiative into a published project of the collective's
    organisation; its members become the project's team (who proposed it and the
    coordinator as facilitators). Calling it again returns the same project.

    The caller checks `access.can_make_project`; this only refuses an initiative that
    is not active, so a stale form cannot make a project of a paused idea."""
    locked = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("collective__organisation", "commune", "thread", "project")
        .get(pk=initiative.pk)
    )
    if locked.project is not None:
        initiative.project = locked.project
        return locked.project
    if locked.status != Initiative.Status.ACTIVE:
        raise ValidationError(_("Only an active initiative can become a project."))
    project = project_create(
        organisation=locked.collective.organisation,
        creator=coordinator,
        title=locked.title,
        summary=plain_summary(locked.what) or locked.title,
        description=locked.what,
        status=Project.Status.PUBLISHED,
        communes=[locked.commune] if locked.commune else [],
    )
    facilitators = {coordinator.pk, locked.proposed_by_id}
    ProjectMembership.objects.bulk_create(
        [
            ProjectMembership(
                project=project,
                user_id=user_id,
                role=(
                    ProjectMembership.Role.FACILITATOR
                    if user_id in facilitators
                    else ProjectMembership.Role.MEMBER
                ),
            )
            for user_id in locked.members.exclude(user_id=coordinator.pk).values_list(
                "user_id", flat=True
            )
        ]
    )
    locked.project = project
    locked.save(update_fields=["project", "updated_at"])
    if locked.thread is not None:
        services.message_reply(
            thread=locked.thread,
            author=coordinator,
            body=_("The initiative became a project: %(url)s")
            % {"url": base_url + project.get_absolute_url()},
            membership=membership,
        )
    initiative.project = project
    return project
