"""The demo co-building alliance: resources in every community, a rotation for this and
next month, demand items, projects in every state, the party tree, a locked month."""

from __future__ import annotations

import pytest
from django.utils import timezone

from demo.units import build_demo_units
from grids.models import MemberUnit, Post, PostRole
from parties.units.lifecycle import UnitProjectStatus
from parties.units.models import (
    DemandItem,
    PartyOrg,
    Reconciliation,
    RotationDuty,
    UnitProject,
    UnitResource,
)
from parties.units.services import this_month

pytestmark = pytest.mark.django_db


def test_demo_units(world, django_user_model):
    MemberUnit.objects.create(name="西湖社区卫生服务中心", community=world.other_community)
    login = django_user_model.objects.create_user(username="demo_unit", password="x")
    Post.objects.create(
        user=login, role=PostRole.UNIT_LIAISON, area=world.community, member_unit=world.unit
    )
    Post.objects.create(
        user=django_user_model.objects.create_user(username="disp_lx02"),
        role=PostRole.COMMUNITY_DISPATCHER,
        area=world.other_community,
    )
    report = build_demo_units()
    assert not report.skipped and report.resources >= 2
    for community in (world.community, world.other_community):
        assert UnitResource.objects.filter(communities=community).exists()
        months = set(
            RotationDuty.objects.filter(community=community).values_list("month", flat=True)
        )
        assert len(months) == 2 and this_month() in months
        assert DemandItem.objects.filter(community=community).exists()
    statuses = set(UnitProject.objects.values_list("status", flat=True))
    assert statuses == set(UnitProjectStatus.values)
    done = UnitProject.objects.filter(status=UnitProjectStatus.DONE).first()
    assert done.evaluations.count() == 3 and done.public_result
    assert PartyOrg.objects.filter(area=world.community, secretary=world.dispatcher).exists()
    assert PartyOrg.objects.filter(area=world.grid, parent__area=world.community).exists()
    last = (timezone.localdate().replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    assert Reconciliation.objects.filter(unit=world.unit, month=last).exists()
    world.unit.refresh_from_db()
    assert world.unit.kind == "government" and world.unit.contact_name
    assert build_demo_units().skipped
