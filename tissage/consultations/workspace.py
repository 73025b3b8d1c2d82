"""The consultations' part of the staff workspace (`core.registry`, `workspace`): the
proposals waiting for an official answer, the reported comments waiting for a moderator,
then the questionnaires' free-text answers waiting to be read; one grouped query each."""

from __future__ import annotations

from tissage.accounts.models import User
from tissage.core.registry import WorkItem

from .answers.workspace import workspace as answers_workspace
from .comments.workspace import workspace as comments_workspace
from .questionnaires.workspace import workspace as questionnaires_workspace


def workspace(user: User) -> list[WorkItem]:
    return answers_workspace(user) + comments_workspace(user) + questionnaires_workspace(user)
