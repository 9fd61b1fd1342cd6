import pytest

from tests.orders.conftest import build_world
from tests.parties.helpers import verified_member


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def member(world):
    return verified_member(world)
