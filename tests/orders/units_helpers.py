"""Builders for the co-building alliance tests (docs/units.md)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from core import clock
from grids.models import MemberUnit, Post, PostRole
from parties.units import services
from parties.units.models import UnitResource


def resource(
    world,
    *,
    unit=None,
    title="助老上门服务",
    category="elderly",
    capacity=3,
    valid_from=dt.date(2020, 1, 1),
    valid_until=None,
    communities=None,
) -> UnitResource:
    unit = unit or world.unit
    return services.resource_create(
        actor=world.dispatcher,
        unit=unit,
        title=title,
        category_code=category,
        description="",
        capacity_per_month=capacity,
        valid_from=valid_from,
        valid_until=valid_until,
        community_ids=[c.pk for c in (communities or [world.community])],
    )


def second_unit(world, name="区卫健局") -> tuple[MemberUnit, User]:
    unit = MemberUnit.objects.create(name=name, community=world.community)
    liaison = User.objects.create_user(username=f"liaison_{unit.pk}", password="pw")
    Post.objects.create(
        user=liaison, role=PostRole.UNIT_LIAISON, area=world.community, member_unit=unit
    )
    return unit, liaison


def project(world, res, *, title="为独居老人上门理发", capacity_used=1, demand=None):
    today = clock.today()
    return services.project_create(
        actor=world.dispatcher,
        resource_id=res.pk,
        community=world.community,
        title=title,
        description="每月一次",
        due_date=today + dt.timedelta(days=20),
        capacity_used=capacity_used,
        demand_id=demand.pk if demand else None,
    )


def demand(world, *, category="elderly", title="独居老人需要理发"):
    return services.demand_create(
        actor=world.dispatcher,
        community=world.community,
        title=title,
        description="3栋几位独居老人行动不便",
        category_code=category,
        source="survey",
    )
