"""Departments, their staff and a second member unit for the whistle and co-handling tests
(issue 12), on top of ``tests.orders.conftest.build_world``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from grids.models import Department, DepartmentKind, DepartmentLevel, MemberUnit, PostRole
from grids.services import post_create
from orders import services
from orders.lifecycle import Tier


@dataclass
class Joint:
    market: Department
    urban: Department
    market_staff: User
    urban_staff: User
    school: MemberUnit
    school_liaison: User


def add_joint(world) -> Joint:
    market = Department.objects.create(
        name="区市场监管局",
        kind=DepartmentKind.MARKET,
        level=DepartmentLevel.DISTRICT,
        street=world.street,
    )
    urban = Department.objects.create(
        name="街道综合执法队", kind=DepartmentKind.URBAN, street=world.street
    )
    school = MemberUnit.objects.create(name="实验小学", community=world.community)

    def staff(username, **kw):
        user = User.objects.create_user(username=username, password="pw", first_name=username)
        post_create(user=user, area=kw.pop("area"), **kw)
        return user

    return Joint(
        market=market,
        urban=urban,
        market_staff=staff(
            "market", role=PostRole.DEPARTMENT_STAFF, area=world.street, department=market
        ),
        urban_staff=staff(
            "urban", role=PostRole.DEPARTMENT_STAFF, area=world.street, department=urban
        ),
        school=school,
        school_liaison=staff(
            "school", role=PostRole.UNIT_LIAISON, area=world.community, member_unit=school
        ),
    )


def led_by_unit(world, *, signed: bool = True, **place):
    """An order dispatched to the world's member unit (tier 3), signed for."""
    order = world.place(**place)
    services.order_dispatch(
        order_id=order.pk, actor=world.dispatcher, tier=Tier.MEMBER_UNIT, handler_unit=world.unit
    )
    if signed:
        services.order_sign(order_id=order.pk, actor=world.unit_liaison)
    return order
