"""A person's API tokens in their data download (never the secret), and gone with their
account."""

from __future__ import annotations

import pytest

from tissage.accounts.services import account_data, account_delete
from tissage.api.models import ApiToken
from tissage.api.tests.helpers import a_token

pytestmark = pytest.mark.django_db


def test_the_download_lists_the_tokens_without_their_secret(project, staff):
    secret = a_token(staff, project.organisation, name="Agenda")

    data = account_data(user=staff)

    [line] = data["api_tokens"]  # type: ignore[misc]
    assert line["name"] == "Agenda"
    assert line["organisation"] == project.organisation.name
    assert line["begins_with"] == secret[:10]
    assert secret not in str(data)
    assert ApiToken.objects.get().secret_hash not in str(data)


def test_deleting_the_account_deletes_its_tokens(project, staff):
    a_token(staff, project.organisation)

    account_delete(user=staff)

    assert not ApiToken.objects.exists()
