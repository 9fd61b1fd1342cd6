"""Finding: every post opened every order in its subtree with the resident's full name and
phone (a party member saw the whole community's phones; a unit liaison every order of the
community). Now one function, ``orders.privacy.resident_view``, decides it — tested here
as a table: role × relation to the order × field, on the function and on the page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from grids.models import Post, PostRole
from orders import services
from orders.lifecycle import Tier
from orders.privacy import mask_name, resident_view

pytestmark = pytest.mark.django_db

NAME, PHONE = "王阿姨", "13800138000"
MASKED_NAME, MASKED_PHONE = "王**", "138****8000"


def _staff(world, role: str):
    """A user holding ``role`` in the world's community (at the level the role sits)."""
    area = {
        PostRole.COMMUNITY_DISPATCHER: world.community,
        PostRole.STREET_OFFICIAL: world.street,
        PostRole.GRID_LEADER: world.grid,
        PostRole.GRID_WORKER: world.grid,
        PostRole.PROPERTY_MANAGER: world.compound,
        PostRole.BUILDING_HEAD: world.compound,
        PostRole.MICROGRID_LEADER: world.microgrid,
        PostRole.UNIT_LIAISON: world.community,
        PostRole.PARTY_MEMBER: world.community,
    }[role]
    user = get_user_model().objects.create_user(username=f"t_{role}", password="pw")
    Post.objects.create(
        user=user,
        role=role,
        area=area,
        member_unit=world.unit if role == PostRole.UNIT_LIAISON else None,
    )
    return user


def _order_with_relation(world, user, role: str, relation: str):
    order = world.place(resident_name=NAME, resident_phone=PHONE)
    if relation == "in_scope":
        return order
    kwargs = {"tier": Tier.PROPERTY, "handler_user": user}
    if role == PostRole.UNIT_LIAISON:
        kwargs = {"tier": Tier.MEMBER_UNIT, "handler_unit": world.unit}
    elif role == PostRole.GRID_LEADER:
        kwargs = {"tier": Tier.GRID, "handler_user": user}
    services.order_dispatch(order_id=order.pk, actor=world.dispatcher, **kwargs)
    if relation == "held":
        services.order_return(order_id=order.pk, actor=user, reason="不归我们管")
    return order


OVERSEERS = [PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL]
HANDLERS = [PostRole.PROPERTY_MANAGER, PostRole.GRID_LEADER, PostRole.UNIT_LIAISON]
OTHERS = [
    PostRole.GRID_WORKER,
    PostRole.BUILDING_HEAD,
    PostRole.MICROGRID_LEADER,
    PostRole.PARTY_MEMBER,
]

# (role, relation, sees the full name and phone)
TABLE = (
    [(role, "in_scope", True) for role in OVERSEERS]
    + [(role, rel, True) for role in HANDLERS for rel in ("holds", "held")]
    + [(role, "in_scope", False) for role in HANDLERS + OTHERS]
)


@pytest.mark.parametrize(("role", "relation", "full"), TABLE)
@pytest.mark.parametrize("field", ["name", "phone"])
def test_need_to_know_table(world, role, relation, full, field) -> None:
    user = _staff(world, role)
    order = _order_with_relation(world, user, role, relation)

    view = resident_view(user=user, order=order)
    expected = {"name": NAME if full else MASKED_NAME, "phone": PHONE if full else MASKED_PHONE}

    assert getattr(view, field) == expected[field]
    assert view.full is full

    # The same on the staff page: the full value appears only when allowed.
    client = Client()
    client.force_login(user)
    response = client.get(f"/staff/orders/{order.pk}/")
    if response.status_code == 404:
        assert not full  # out of this post's sight entirely: nothing shown at all
        return
    html = response.content.decode()
    assert (PHONE in html) is full and (NAME in html) is full
    if not full:
        assert expected[field] in html


def test_a_superuser_sees_everything(world) -> None:
    from tests.factories import SuperuserFactory

    order = world.place(resident_name=NAME, resident_phone=PHONE)
    view = resident_view(user=SuperuserFactory(), order=order)
    assert (view.name, view.phone, view.full) == (NAME, PHONE, True)


def test_mask_name() -> None:
    assert mask_name("王阿姨") == "王**"
    assert mask_name("李") == "李*"
    assert mask_name("") == ""
