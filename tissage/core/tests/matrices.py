"""Expected answers of a page for every role, shared by the permission tests.

A matrix lists, for each role of `factories.ROLES`, what the page answers: ok (200, or
the redirect after a successful POST), login (sent to sign in), forbidden (403) or
not_found (404, so that what is hidden does not leak).
"""

from __future__ import annotations

from tissage.core.tests.factories import ROLES

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "forbidden", "not_found"


def matrix(**expected: str) -> list[tuple[str, str]]:
    assert set(expected) == set(ROLES), "every role needs an expectation"
    return [(role, expected[role]) for role in ROLES]


EVERYONE = matrix(**dict.fromkeys(ROLES, OK))
# Whoever sees a draft project: its members and the organisation's staff.
DRAFT_SEEN_BY_TEAM = matrix(
    anonymous=NOT_FOUND,
    participant=NOT_FOUND,
    project_member=OK,
    project_facilitator=OK,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)
# Who runs a project: its facilitators and the organisation's staff.
STAFF = matrix(
    anonymous=LOGIN,
    participant=FORBIDDEN,
    project_member=FORBIDDEN,
    project_facilitator=OK,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)
# The same for a draft project: a page for a role asks anonymous visitors to sign in
# first (the same answer whether the project exists or not), then hides the draft from
# whoever may not see it (core.access, docs/permissions.md).
STAFF_DRAFT = matrix(
    anonymous=LOGIN,
    participant=NOT_FOUND,
    project_member=FORBIDDEN,
    project_facilitator=OK,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)

# What only who runs the project sees (a draft consultation, a hidden proposal, an
# unpublished questionnaire): hidden from everyone else, members included.
SEEN_BY_STAFF = matrix(
    anonymous=NOT_FOUND,
    participant=NOT_FOUND,
    project_member=NOT_FOUND,
    project_facilitator=OK,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)
# A page for a role on such a thing: anonymous visitors sign in first, then it is hidden
# from whoever does not run the project (a draft consultation's settings and answers).
STAFF_HIDDEN = matrix(
    anonymous=LOGIN,
    participant=NOT_FOUND,
    project_member=NOT_FOUND,
    project_facilitator=OK,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)


def assert_answer(response, expected: str, *, ok_status: int = 200) -> None:  # type: ignore[no-untyped-def]
    """The answer a matrix expects: ok (`ok_status`), login (sent to sign in with `next`),
    forbidden (403) or not_found (404)."""
    if expected == OK:
        assert response.status_code == ok_status
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=")
    elif expected == FORBIDDEN:
        assert response.status_code == 403
    elif expected == NOT_FOUND:
        assert response.status_code == 404
    else:
        raise AssertionError(f"unknown expectation {expected!r}")
