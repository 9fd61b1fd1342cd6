from __future__ import annotations

import pytest

from open311 import keys
from open311.models import ApiClient
from orders.models import Channel
from tests.orders.conftest import build_world


@pytest.fixture
def world(db):
    return build_world()


def make_client(area, *, name="hotline", verifies_phone=True, limit=1000) -> tuple[ApiClient, str]:
    client = ApiClient(
        name=name,
        area=area,
        channel=Channel.HOTLINE,
        verifies_phone=verifies_phone,
        rate_limit_per_minute=limit,
    )
    key = keys.issue(client)
    client.save()
    return client, key


@pytest.fixture
def api(world):
    return make_client(world.street)
