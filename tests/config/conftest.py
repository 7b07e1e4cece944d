"""The organisation the access matrix and the canary test share (tests/config/access_world.py),
built once per module that asks for it."""

import pytest

from tests.config.access_world import world_in_transaction


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_in_transaction(django_db_blocker) as built:
        yield built
