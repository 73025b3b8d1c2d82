"""Reports on list messages: a member tells the coordinators; a coordinator dismisses it
(hiding the message, in services.message_hide, resolves its reports too)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from tissage.accounts.models import User

from ..models import Message, Report


def already_reported(*, message: Message, reporter: User) -> bool:
    return Report.objects.filter(message=message, reporter=reporter).exists()


def report_create(*, message: Message, reporter: User, reason: str) -> tuple[Report, bool]:
    """Report a message once per member; returns (report, created). A second report by
    the same member changes nothing."""
    existing = Report.objects.filter(message=message, reporter=reporter).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = Report.objects.create(message=message, reporter=reporter, reason=reason)
    except IntegrityError:  # the same member, twice at the same moment
        return Report.objects.get(message=message, reporter=reporter), False
    return report, True


@transaction.atomic
def report_dismiss(*, report: Report) -> Report:
    """The message stays: the report is closed. (Report keeps no `resolved_by`.)"""
    if report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.save(update_fields=["resolved_at"])
    return report
