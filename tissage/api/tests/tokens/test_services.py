"""Tokens: made hashed and shown once, found by their hash, revoked, forgotten."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tissage.api.models import ApiToken
from tissage.api.tokens import services
from tissage.api.tokens.services import TokenRefused, token_create, token_find, token_revoke
from tissage.core.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _every_text_in_the_database() -> str:
    """Every value of every column of every table, as text."""
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            texts += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(texts)


def test_the_secret_is_long_random_and_nowhere_in_the_database(project, staff):
    token, secret = token_create(user=staff, organisation=project.organisation, name="Agenda")

    assert secret.startswith("tsg_") and len(secret) >= 4 + 43
    assert secret not in _every_text_in_the_database()
    assert secret[4:] not in _every_text_in_the_database()
    assert token.secret_hash == services.secret_hash(secret) != secret
    assert token.prefix == secret[:10]
    assert token_create(user=staff, organisation=project.organisation, name="B")[1] != secret


def test_a_token_is_found_by_its_secret_only_while_active(project, staff):
    token, secret = token_create(user=staff, organisation=project.organisation, name="Agenda")

    assert token_find(secret) == token
    assert token_find(secret + "x") is None
    assert token_find(secret[4:]) is None  # without its prefix
    assert token_find("tsg_" + "a" * 200) is None
    assert token_revoke(token=token) is True
    assert token_find(secret) is None
    assert token_revoke(token=token) is False


def test_a_disabled_account_s_token_is_not_found(project, staff):
    _token, secret = token_create(user=staff, organisation=project.organisation, name="A")
    staff.is_active = False
    staff.save(update_fields=["is_active"])

    assert token_find(secret) is None


@pytest.mark.parametrize("role", ["participant", "other_staff"])
def test_only_the_organisation_s_staff_may_make_a_token_for_it(project, role):
    user = UserFactory()
    if role == "other_staff":
        from tissage.core.tests.factories import OrganisationMembershipFactory

        OrganisationMembershipFactory(organisation=OrganisationFactory(), user=user)

    with pytest.raises(TokenRefused, match=project.organisation.name):
        token_create(user=user, organisation=project.organisation, name="A")
    assert not ApiToken.objects.exists()


def test_a_superuser_may_make_a_token_for_any_organisation(project):
    from tissage.core.tests.factories import SuperuserFactory

    token, _secret = token_create(
        user=SuperuserFactory(), organisation=project.organisation, name="Admin"
    )
    assert token.organisation == project.organisation


def test_a_person_has_at_most_twenty_tokens_in_use(project, staff):
    for number in range(services.MAX_ACTIVE_TOKENS):
        token_create(user=staff, organisation=project.organisation, name=f"T{number}")
    with pytest.raises(TokenRefused, match=str(services.MAX_ACTIVE_TOKENS)):
        token_create(user=staff, organisation=project.organisation, name="One more")

    token_revoke(token=ApiToken.objects.filter(user=staff).first())
    token_create(user=staff, organisation=project.organisation, name="One more")
    assert ApiToken.objects.filter(user=staff).active().count() == services.MAX_ACTIVE_TOKENS


def test_the_last_use_is_written_at_most_once_a_minute(project, staff, django_assert_num_queries):
    token, _secret = token_create(user=staff, organisation=project.organisation, name="A")

    with django_assert_num_queries(1):
        services.token_used(token)
    first = token.last_used_at
    with django_assert_num_queries(0):
        services.token_used(token)
    assert token.last_used_at == first

    token.last_used_at = timezone.now() - datetime.timedelta(minutes=2)
    with django_assert_num_queries(1):
        services.token_used(token)
    assert ApiToken.objects.get().last_used_at > first


def test_revoked_tokens_are_forgotten_after_ninety_days(project, staff):
    old, _s = token_create(user=staff, organisation=project.organisation, name="Old")
    recent, _s = token_create(user=staff, organisation=project.organisation, name="Recent")
    token_create(user=staff, organisation=project.organisation, name="Active")
    ApiToken.objects.filter(pk=old.pk).update(
        revoked_at=timezone.now() - datetime.timedelta(days=91)
    )
    ApiToken.objects.filter(pk=recent.pk).update(
        revoked_at=timezone.now() - datetime.timedelta(days=89)
    )

    assert services.revoked_tokens_purge() == 1
    assert set(ApiToken.objects.values_list("name", flat=True)) == {"Recent", "Active"}
    assert services.revoked_tokens_purge() == 0
