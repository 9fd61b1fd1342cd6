"""A small street for grid-work tests: one community with two grids (a worker each, one
grid leader over grid 1), a compound per grid, and a second community out of scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from core import clock
from grids.models import Area, AreaLevel, CareCategory, Household, PostRole
from grids.services import area_create
from grids.visits import services
from tests.factories import user_with_post

# A fixed "now": Wednesday 2026-03-18 10:00 local time.
NOW = timezone.make_aware(datetime(2026, 3, 18, 10, 0))


@dataclass
class Street:
    street: Area
    community: Area
    grid1: Area
    grid2: Area
    compound1: Area
    compound2: Area
    other_community: Area
    other_compound: Area
    worker1: User
    worker2: User
    leader1: User
    dispatcher: User
    official: User
    other_worker: User
    elderly: CareCategory

    def household(self, *, area=None, room="101", care=(), phone="13900139000", at=None):
        with clock.travel_to(at or NOW):
            return services.household_create(
                area=area or self.compound1,
                address="幸福路 8 号",
                unit_room=room,
                head_name="张大爷",
                phone=phone,
                members=2,
                care=care,
            )


def build_street() -> Street:
    street = area_create(code="HX", name="红星街道", level=AreaLevel.STREET, parent=None)
    community = area_create(code="HX01", name="东社区", level=AreaLevel.COMMUNITY, parent=street)
    grid1 = area_create(code="HX01-1", name="一网格", level=AreaLevel.GRID, parent=community)
    grid2 = area_create(code="HX01-2", name="二网格", level=AreaLevel.GRID, parent=community)
    compound1 = area_create(
        code="HX01-1-A", name="幸福小区", level=AreaLevel.COMPOUND, parent=grid1
    )
    compound2 = area_create(
        code="HX01-2-A", name="和平小区", level=AreaLevel.COMPOUND, parent=grid2
    )
    other = area_create(code="HX02", name="西社区", level=AreaLevel.COMMUNITY, parent=street)
    other_grid = area_create(code="HX02-1", name="西一网格", level=AreaLevel.GRID, parent=other)
    other_compound = area_create(
        code="HX02-1-A", name="西苑", level=AreaLevel.COMPOUND, parent=other_grid
    )
    return Street(
        street=street,
        community=community,
        grid1=grid1,
        grid2=grid2,
        compound1=compound1,
        compound2=compound2,
        other_community=other,
        other_compound=other_compound,
        worker1=user_with_post(role=PostRole.GRID_WORKER, area=grid1, username="w1"),
        worker2=user_with_post(role=PostRole.GRID_WORKER, area=grid2, username="w2"),
        leader1=user_with_post(role=PostRole.GRID_LEADER, area=grid1, username="l1"),
        dispatcher=user_with_post(
            role=PostRole.COMMUNITY_DISPATCHER, area=community, username="d1"
        ),
        official=user_with_post(role=PostRole.STREET_OFFICIAL, area=street, username="s1"),
        other_worker=user_with_post(role=PostRole.GRID_WORKER, area=other_grid, username="w9"),
        # get_or_create: a transactional test may run after a flush of the seeded rows.
        elderly=CareCategory.objects.get_or_create(
            code="elderly_alone", defaults={"name": "独居老人", "visit_every_days": 7}
        )[0],
    )


def households() -> list[Household]:
    return list(Household.objects.order_by("pk"))
