"""Fixtures shared by the actions app's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tissage.core.tests.factories import ProjectFactory, ProjectMembershipFactory
from tissage.projects.models import ProjectMembership


@pytest.fixture(autouse=True)
def no_language_left_active():  # type: ignore[no-untyped-def]
    """Each test starts in the site's language (settings.LANGUAGE_CODE), whatever language
    the last request of the previous test left active in this thread."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[[Client], Client]:  # type: ignore[no-untyped-def]
    """`committed(client)`: the same test client, each request of which ends like a real
    one, with a commit: what waited for it (emails, their delivery) runs before the
    response comes back.

    Database tests run inside a transaction that never commits; each request runs inside
    pytest-django's `django_capture_on_commit_callbacks(execute=True)`. Writes made
    outside a request (test data) send nothing unless the test asks for it.
    """

    def wrap(client: Client) -> Client:
        send = client.request

        def request(**kwargs: Any) -> Any:
            with django_capture_on_commit_callbacks(execute=True):
                return send(**kwargs)

        client.request = request  # type: ignore[method-assign]
        return client

    return wrap


@pytest.fixture
def in_english(client, settings):  # type: ignore[no-untyped-def]
    """Pages asked for in English: the assertions read the msgids, whatever the state of
    the French catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def project():  # type: ignore[no-untyped-def]
    return ProjectFactory()


@pytest.fixture
def facilitator(project):  # type: ignore[no-untyped-def]
    return ProjectMembershipFactory(project=project, role=ProjectMembership.Role.FACILITATOR).user


@pytest.fixture
def facilitator_client(facilitator, committed, settings) -> Client:  # type: ignore[no-untyped-def]
    """The project facilitator's client, in English; emails leave at the end of each
    request (`committed`)."""
    client = committed(Client())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(facilitator)
    return client
