"""The facilitators' pages are asked for by the project's facilitator."""

import pytest
from django.test import Client


@pytest.fixture
def client(facilitator_client: Client) -> Client:
    return facilitator_client
