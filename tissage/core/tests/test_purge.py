"""`tissage purge`: one scheduled command forgets what is kept no longer, for every app."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tissage.accounts.models import PasswordFailure, SignInCode, SignInCodeFailure
from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail
from tissage.core.registry import purges
from tissage.core.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _email(to: str, *, days_ago: int | None, status=OutgoingEmail.Status.SENT) -> OutgoingEmail:
    sent_at = None if days_ago is None else timezone.now() - timedelta(days=days_ago)
    return OutgoingEmail.objects.create(
        to=to, subject="s", body_text="b", status=status, sent_at=sent_at
    )


def _code(email: str, *, hours_ago: int) -> SignInCode:
    created = timezone.now() - timedelta(hours=hours_ago)
    return SignInCode.objects.create(
        email=email,
        code_hash="c" * 64,
        token_hash=f"{email}{hours_ago}".ljust(64, "t"),
        requester="r",
        created_at=created,
        expires_at=created + timedelta(minutes=15),
    )


def _purge() -> str:
    out = io.StringIO()
    call_command("purge", stdout=out)
    return out.getvalue()


def test_purge_forgets_old_rows_keeps_recent_ones_and_is_idempotent():
    old_email = _email("old@example.org", days_ago=31)
    recent_email = _email("recent@example.org", days_ago=29)
    failed_email = _email("failed@example.org", days_ago=None, status=OutgoingEmail.Status.FAILED)
    old_code, new_code = _code("a@example.org", hours_ago=25), _code("b@example.org", hours_ago=1)
    old_failure = PasswordFailure.objects.create(
        email="a@example.org", requester="r", created_at=timezone.now() - timedelta(hours=25)
    )
    new_failure = PasswordFailure.objects.create(email="b@example.org", requester="r")
    old_wrong_code = SignInCodeFailure.objects.create(
        email="a@example.org",
        browser="b",
        requester="r",
        created_at=timezone.now() - timedelta(hours=25),
    )
    new_wrong_code = SignInCodeFailure.objects.create(
        email="b@example.org", browser="b", requester="r"
    )

    assert _purge().splitlines()[0] == "4 row(s) removed."

    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {
        recent_email.pk,
        failed_email.pk,
    }
    assert list(SignInCode.objects.values_list("pk", flat=True)) == [new_code.pk]
    assert list(PasswordFailure.objects.values_list("pk", flat=True)) == [new_failure.pk]
    assert list(SignInCodeFailure.objects.values_list("pk", flat=True)) == [new_wrong_code.pk]
    assert not SignInCodeFailure.objects.filter(pk=old_wrong_code.pk).exists()
    assert not OutgoingEmail.objects.filter(pk=old_email.pk).exists()
    assert not SignInCode.objects.filter(pk=old_code.pk).exists()
    assert not PasswordFailure.objects.filter(pk=old_failure.pk).exists()
    # Run again (cron twice, two machines): nothing more to do.
    assert _purge().splitlines()[0] == "0 row(s) removed."


def test_sending_an_email_purges_nothing():
    """Maintenance is out of the hot path: sending is sending, nothing else."""
    old = _email("old@example.org", days_ago=31)
    email_send(
        to="new@example.org",
        template="emails/accounts/sign_in",
        context={"minutes": 15},
        secrets={"code": "123456", "link": "http://x/"},
        reason="test",
    )
    assert OutgoingEmail.objects.filter(pk=old.pk).exists()


def test_every_app_declares_its_purges_on_its_config():
    names = [path.rsplit(".", 1)[1] for path, _function in purges()]
    assert names == [
        "sent_emails_purge",
        "finished_tasks_purge",
        "form_counts_purge",
        "task_requests_purge",
        "sign_in_codes_purge",
        "password_failures_purge",
        "notifications_purge",
        "unconfirmed_contributions_purge",
        "staged_photos_purge",
        "photo_files_place",
        "unconfirmed_proposals_purge",
        "unconfirmed_supports_purge",
        "kept_photos_purge",
        "unconfirmed_responses_purge",
        "revoked_tokens_purge",
    ]


def test_purge_says_what_each_app_removed_when_asked():
    _email("old@example.org", days_ago=40)
    out = io.StringIO()
    call_command("purge", verbosity=2, stdout=out)
    assert "tissage.core.emails.sent_emails_purge: 1\n" in out.getvalue()


def test_purge_refreshes_sqlites_statistics_so_its_planner_sees_the_indexes():
    """SQLite chooses indexes from the statistics ANALYZE writes (`sqlite_stat1`); an
    installation had none. PostgreSQL's autovacuum keeps its own: nothing is done there."""
    ProjectFactory()  # a table with a row, for ANALYZE to describe
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    output = _purge()

    if connection.vendor == "sqlite":
        assert "Database statistics refreshed." in output
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'projects_project'")
            assert cursor.fetchone()[0] >= 1
    else:
        assert "statistics" not in output
