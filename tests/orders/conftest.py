"""A small street for order tests: two communities, each with a grid, a compound and a
micro-grid, and one user for every post that takes part in the ladder."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from grids.models import Area, AreaLevel, MemberUnit, Post, PostRole
from grids.services import area_create
from orders import services
from orders.catalogue import ensure_catalogue
from orders.models import Category, Channel, Nature, Order, Urgency


@dataclass
class World:
    street: Area
    community: Area
    grid: Area
    compound: Area
    microgrid: Area
    other_community: Area
    other_microgrid: Area
    dispatcher: User
    property_manager: User
    grid_leader: User
    unit: MemberUnit
    unit_liaison: User
    street_official: User
    other_dispatcher: User
    other_property_manager: User
    category: Category

    def place(self, **overrides) -> Order:
        fields = dict(
            category=self.category,
            area=self.microgrid,
            description="3栋楼道灯坏了一个星期",
            resident_phone="13800138000",
            resident_name="王阿姨",
            nature=Nature.HELP,
            urgency=Urgency.NORMAL,
            channel=Channel.QR,
        )
        fields.update(overrides)
        return services.order_place(**fields)


def _user(username: str, role: str, area: Area, unit: MemberUnit | None = None) -> User:
    user = User.objects.create_user(username=username, password="pw", first_name=username)
    Post.objects.create(user=user, role=role, area=area, member_unit=unit)
    return user


def build_world() -> World:
    ensure_catalogue()
    street = area_create(code="LX", name="罗星街道", level=AreaLevel.STREET, parent=None)
    community = area_create(code="LX01", name="东湖社区", level=AreaLevel.COMMUNITY, parent=street)
    grid = area_create(code="LX01-G01", name="第1网格", level=AreaLevel.GRID, parent=community)
    compound = area_create(
        code="LX01-G01-C01", name="桂花苑", level=AreaLevel.COMPOUND, parent=grid
    )
    microgrid = area_create(
        code="LX01-G01-C01-M001", name="1栋1单元", level=AreaLevel.MICROGRID, parent=compound
    )
    other_community = area_create(
        code="LX02", name="西湖社区", level=AreaLevel.COMMUNITY, parent=street
    )
    other_grid = area_create(
        code="LX02-G01", name="第1网格", level=AreaLevel.GRID, parent=other_community
    )
    other_compound = area_create(
        code="LX02-G01-C01", name="兰园", level=AreaLevel.COMPOUND, parent=other_grid
    )
    other_microgrid = area_create(
        code="LX02-G01-C01-M001", name="1栋1单元", level=AreaLevel.MICROGRID, parent=other_compound
    )
    unit = MemberUnit.objects.create(name="区城管局", community=community)
    return World(
        street=street,
        community=community,
        grid=grid,
        compound=compound,
        microgrid=microgrid,
        other_community=other_community,
        other_microgrid=other_microgrid,
        dispatcher=_user("dispatcher", PostRole.COMMUNITY_DISPATCHER, community),
        property_manager=_user("pm", PostRole.PROPERTY_MANAGER, compound),
        grid_leader=_user("gridleader", PostRole.GRID_LEADER, grid),
        unit=unit,
        unit_liaison=_user("liaison", PostRole.UNIT_LIAISON, community, unit),
        street_official=_user("street", PostRole.STREET_OFFICIAL, street),
        other_dispatcher=_user("other_dispatcher", PostRole.COMMUNITY_DISPATCHER, other_community),
        other_property_manager=_user("other_pm", PostRole.PROPERTY_MANAGER, other_compound),
        category=Category.objects.get(code="facility"),
    )


@pytest.fixture
def world(db) -> World:
    return build_world()
