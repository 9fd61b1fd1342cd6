"""Demo co-building alliance for the demo street: every member unit gets a profile (type,
contact, a paired compound, an active period) and a resource list in its community; a
rotation for the current and the next month in every community; demand items from
surveys, visits and orders; project-list items in every state (the first community has
one of each, with progress, results and residents' evaluations); the party organisation
tree down to the grid branches (community secretaries: the community dispatchers) with
the first community's building groups; and last month's reconciliation of the demo
liaison's unit confirmed (locked).

Made through ``parties.units.services`` (backdated with ``core.clock``); idempotent
(nothing is done when the street already has resources)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core import clock, outbox
from grids.models import Area, AreaLevel, MemberUnit, Post, PostRole, UnitKind, Visit
from orders.units.reconcile import unit_month_figures
from parties.units import selectors, services
from parties.units.lifecycle import DemandSource, PartyOrgKind
from parties.units.models import PartyOrg, UnitResource

# Residents' evaluation phones: 199 0004 xxxx (a reserved demo range).
EVALUATOR_PHONE_PREFIX = "1990004"

# Unit name fragment → (type, [(resource, order category code, times per month)]).
PROFILES = [
    ("城管", UnitKind.GOVERNMENT, [("占道经营和违章搭建联合巡查", "environment", 6)]),
    ("住建", UnitKind.GOVERNMENT, [("老旧小区房屋安全体检", "facility", 4)]),
    ("供电", UnitKind.COMPANY, [("楼道线路和电表箱检修", "utilities", 8)]),
    ("自来水", UnitKind.COMPANY, [("二次供水水箱清洗", "utilities", 3)]),
    (
        "派出所",
        UnitKind.POLICE,
        [("邻里纠纷民警调解", "dispute", 6), ("反诈宣讲进小区", "hazard", 2)],
    ),
    ("卫生", UnitKind.HOSPITAL, [("家庭医生上门随访", "elderly", 10)]),
    ("市场监管", UnitKind.GOVERNMENT, [("小区周边食品安全检查", "other", 4)]),
    ("民政", UnitKind.GOVERNMENT, [("独居老人助餐助浴", "elderly", 5)]),
]
DEMANDS = [
    ("独居老人希望每周有人上门量血压", "elderly", DemandSource.SURVEY),
    ("3 栋楼道电线老化，居民担心安全", "utilities", DemandSource.VISIT),
    ("小区门口早市占道，出行不便", "environment", DemandSource.ORDER),
    ("楼上楼下因漏水起纠纷，希望有人调解", "dispute", DemandSource.SURVEY),
]


@dataclass
class UnitsReport:
    resources: int = 0
    demands: int = 0
    projects: int = 0
    party_orgs: int = 0
    skipped: bool = False


def _profile(unit: MemberUnit):
    for fragment, kind, resources in PROFILES:
        if fragment in unit.name:
            return kind, resources
    return UnitKind.OTHER, [("志愿服务", "other", 3)]


def build_demo_units(*, street_code: str = "LX", now: datetime | None = None) -> UnitsReport:
    report = UnitsReport()
    street = Area.objects.filter(code=street_code, level=AreaLevel.STREET).first()
    if street is None:
        return report
    if UnitResource.objects.filter(unit__community__path__startswith=street.path).exists():
        report.skipped = True
        return report
    now = now or timezone.now()
    rng = random.Random(12)
    communities = list(
        Area.objects.filter(path__startswith=street.path, level=AreaLevel.COMMUNITY).order_by(
            "path"
        )
    )
    dispatchers: dict[int, object] = {}
    for post in (
        Post.objects.filter(role=PostRole.COMMUNITY_DISPATCHER, area__in=communities)
        .select_related("user")
        .order_by("user__username")
    ):
        # The demo login demo_dispatcher (sorted first) works the first community.
        dispatchers.setdefault(post.area_id, post.user)
    with transaction.atomic(), outbox.muted():
        _party_tree(report, street, communities, dispatchers)
        for n, community in enumerate(communities):
            dispatcher = dispatchers.get(community.pk)
            if dispatcher is None:
                continue
            _community(report, rng, community, dispatcher, now, first=n == 0)
        _confirm_last_month(dispatchers.get(communities[0].pk), communities[0], now)
    return report


def _party_tree(report, street, communities, dispatchers) -> None:
    top = PartyOrg.objects.create(
        area=street,
        area_path=street.path,
        kind=PartyOrgKind.STREET_COMMITTEE,
        name=f"{street.name}党工委",
    )
    grids = list(Area.objects.filter(parent__in=communities, level=AreaLevel.GRID))
    first = communities[0]
    compounds = list(
        Area.objects.filter(path__startswith=first.path, level=AreaLevel.COMPOUND).order_by("path")
    )
    by_area: dict[int, PartyOrg] = {}
    for community in communities:
        by_area[community.pk] = PartyOrg(
            area=community,
            area_path=community.path,
            kind=PartyOrgKind.COMMUNITY_COMMITTEE,
            name=f"{community.name}党委",
            parent=top,
            secretary=dispatchers.get(community.pk),
        )
    PartyOrg.objects.bulk_create(by_area.values())
    branches = [
        PartyOrg(
            area=grid,
            area_path=grid.path,
            kind=PartyOrgKind.GRID_BRANCH,
            name=f"{grid.name}党支部",
            parent=by_area[grid.parent_id],
        )
        for grid in grids
    ]
    PartyOrg.objects.bulk_create(branches)
    branch_of = {b.area_id: b for b in PartyOrg.objects.filter(area__in=grids)}
    groups = [
        PartyOrg(
            area=compound,
            area_path=compound.path,
            kind=PartyOrgKind.BUILDING_GROUP,
            name=f"{compound.name}党小组",
            parent=branch_of[compound.parent_id],
        )
        for compound in compounds
        if compound.parent_id in branch_of
    ]
    PartyOrg.objects.bulk_create(groups)
    report.party_orgs = 1 + len(by_area) + len(branches) + len(groups)


def _community(report, rng, community, dispatcher, now, *, first: bool) -> None:
    units = list(MemberUnit.objects.filter(community=community).order_by("pk"))
    compounds = list(
        Area.objects.filter(path__startswith=community.path, level=AreaLevel.COMPOUND).order_by(
            "path"
        )
    )
    today = timezone.localdate(now)
    month = today.replace(day=1)
    resources = []
    with clock.travel_to(now - timedelta(days=40)):
        for n, unit in enumerate(units):
            kind, offers = _profile(unit)
            services.unit_profile_update(
                actor=dispatcher,
                unit_id=unit.pk,
                kind=kind,
                remit=unit.remit,
                contact_name=f"{'王李张刘陈杨'[n % 6]}主任",
                contact_phone=f"0573-8412{community.pk % 100:02d}{n:02d}",
                address=f"{community.name}共建路{n + 1}号",
                paired_area_ids=[compounds[n % len(compounds)].pk] if compounds else [],
                active_from=dt.date(today.year, 1, 1),
                active_until=dt.date(today.year + 1, 12, 31),
            )
            for title, category, times in offers:
                resources.append(
                    services.resource_create(
                        actor=dispatcher,
                        unit=unit,
                        title=title,
                        category_code=category,
                        description="",
                        capacity_per_month=times,
                        valid_from=today - timedelta(days=40),
                        valid_until=None,
                        community_ids=[community.pk],
                    )
                )
    report.resources += len(resources)
    next_month = (month + timedelta(days=32)).replace(day=1)
    for target in (month, next_month):
        on_duty = rng.sample(units, min(len(units), 2 if first else 1))
        services.rotation_set(
            actor=dispatcher, community=community, month=target, unit_ids=[u.pk for u in on_duty]
        )
    _demands_and_projects(report, community, dispatcher, resources, now, first=first)


def _demands_and_projects(report, community, dispatcher, resources, now, *, first) -> None:
    visit = Visit.objects.filter(area_path__startswith=community.path).order_by("-pk").first()
    order_ref = _an_order_reference(community)
    by_category: dict[str, list] = {}
    for resource in resources:
        by_category.setdefault(resource.category_code, []).append(resource)
    demands = []
    with clock.travel_to(now - timedelta(days=12)):
        for title, category, source in DEMANDS if first else DEMANDS[:2]:
            extra = {}
            if source == DemandSource.VISIT:
                if visit is None:
                    source = DemandSource.SURVEY
                else:
                    extra = {"visit": visit}
            if source == DemandSource.ORDER:
                if not order_ref:
                    source = DemandSource.SURVEY
                else:
                    extra = {"order_reference": order_ref}
            demands.append(
                services.demand_create(
                    actor=dispatcher,
                    community=community,
                    title=title,
                    description=title + "。来自居民反映，社区汇总列入需求清单。",
                    category_code=category,
                    source=source,
                    **extra,
                )
            )
    report.demands += len(demands)
    # First community: planned, in progress, done (evaluated), cancelled, and one open demand.
    # The others: one under way and one done.
    plan = ["done", "in_progress", "planned", "cancelled"] if first else ["done", "in_progress"]
    month = (timezone.localdate(now) - timedelta(days=10)).replace(day=1)
    for demand, state in zip(demands, plan, strict=False):
        # A resource of the need's category with capacity left, else any with some left.
        candidates = by_category.get(demand.category_code, []) + resources
        left = selectors.remaining_capacity(resources=resources, month=month)
        chosen = next((r for r in candidates if left[r.pk] > 0), None)
        if chosen is None:
            continue
        _project(report, community, dispatcher, demand, chosen, state, now)


def _an_order_reference(community) -> str:
    from orders.models import Order

    order = Order.objects.filter(community_id=community.pk).order_by("-placed_at").first()
    return order.reference if order else ""


def _project(report, community, dispatcher, demand, resource, state, now) -> None:
    liaison = (
        Post.objects.filter(role=PostRole.UNIT_LIAISON, member_unit=resource.unit)
        .select_related("user")
        .first()
    )
    actor = liaison.user if liaison else dispatcher
    with clock.travel_to(now - timedelta(days=10)):
        project = services.project_create(
            actor=dispatcher,
            resource_id=resource.pk,
            community=community,
            demand_id=demand.pk,
            title=demand.title.split("，")[0][:60],
            description=f"由{resource.unit.name}以“{resource.title}”承接：{demand.title}",
            due_date=timezone.localdate(now) + timedelta(days=20),
        )
    report.projects += 1
    if state == "planned":
        return
    if state == "cancelled":
        with clock.travel_to(now - timedelta(days=8)):
            services.project_cancel(
                project_id=project.pk, actor=dispatcher, reason="居民已自行解决，释放资源"
            )
        return
    with clock.travel_to(now - timedelta(days=8)):
        services.project_start(project_id=project.pk, actor=actor, note="已与居民约定上门时间")
    with clock.travel_to(now - timedelta(days=5)):
        services.project_progress(
            project_id=project.pk, actor=actor, note="第一轮已完成，居民反映良好"
        )
    if state == "done":
        with clock.travel_to(now - timedelta(days=3)):
            services.project_complete(
                project_id=project.pk,
                actor=actor,
                result="已全部完成，后续每月回访一次。",
            )
        for n, rating in enumerate(("satisfied", "satisfied", "basic")):
            services.project_evaluate(
                project_id=project.pk,
                phone=f"{EVALUATOR_PHONE_PREFIX}{project.pk % 1000:03d}{n}",
                rating=rating,
                comment="谢谢共建单位" if n == 0 else "",
            )


def _confirm_last_month(secretary, community, now) -> None:
    """The demo liaison's unit: last month confirmed by the community secretary (locked)."""
    post = Post.objects.filter(
        role=PostRole.UNIT_LIAISON, user__username="demo_unit", member_unit__isnull=False
    ).first()
    if post is None or secretary is None:
        return
    month = (timezone.localdate(now).replace(day=1) - timedelta(days=1)).replace(day=1)
    unit = post.member_unit
    services.reconciliation_confirm(
        actor=secretary,
        unit=unit,
        month=month,
        figures=unit_month_figures(unit=unit, month=month).as_dict(),
    )
