"""Demo joint work (issue 12, docs/departments.md) on the demo street: two functional
departments with staff logins, whistles in several states (reported in time, resolved,
overdue and supervised, waiting), and an order led by a member unit with co-handlers.

Made through the services, backdated with ``core.clock``; the overdue whistle is found
by the sweep's own whistle rule. Idempotent: nothing happens when the street already has
departments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core import clock, outbox
from grids.models import (
    Area,
    AreaLevel,
    Department,
    DepartmentKind,
    DepartmentLevel,
    MemberUnit,
    Post,
    PostRole,
)
from grids.services import post_create
from orders import services, sweep
from orders.lifecycle import Status, Tier
from orders.models import Category, Channel, Nature, Order, Urgency

DEPARTMENTS = [
    # (login, last, first, name, kind, level)
    ("demo_market", "韩", "立新", "区市场监管局", DepartmentKind.MARKET, DepartmentLevel.DISTRICT),
    (
        "demo_urban",
        "许",
        "卫东",
        "罗星街道综合执法中队",
        DepartmentKind.URBAN,
        DepartmentLevel.STREET,
    ),
]
# (department index, urgency, description, how far it got, hours ago it was blown)
WHISTLES = [
    (0, Urgency.EMERGENCY, "小区门口烧烤摊占道经营，油烟扰民，多次劝离无效", "resolved", 26),
    (1, Urgency.NORMAL, "楼下违章搭建的彩钢棚，物业和网格长劝说无果", "reported", 1),
    (0, Urgency.NORMAL, "菜市场门口流动摊贩售卖来历不明的熟食", "overdue", 5),
    (1, Urgency.EMERGENCY, "人行道上堆放建筑垃圾，老人路过险些摔倒", "blown", 0.1),
]


@dataclass
class JointReport:
    departments: int = 0
    whistles: int = 0
    cohandled: int = 0
    skipped: bool = False
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)


def build_demo_joint(*, street_code: str = "LX", now: datetime | None = None) -> JointReport:
    report = JointReport()
    street = Area.objects.filter(code=street_code, level=AreaLevel.STREET).first()
    dispatcher_post = (
        Post.objects.filter(
            role=PostRole.COMMUNITY_DISPATCHER, area__path__startswith=f"{street_code}/"
        )
        .select_related("user", "area")
        .order_by("area__path")
        .first()
    )
    if street is None or dispatcher_post is None:
        return report
    if Department.objects.filter(street=street).exists():
        report.skipped = True
        return report
    now = now or timezone.now()
    with transaction.atomic(), outbox.muted():
        departments = _departments(report, street)
        _whistles(report, departments, dispatcher_post, now)
        _cohandling(report, dispatcher_post, now)
    return report


def _departments(report: JointReport, street: Area) -> list[Department]:
    User = get_user_model()
    password = settings.SIDAN_DEMO_PASSWORD
    made = []
    for username, last, first, name, kind, level in DEPARTMENTS:
        department = Department.objects.create(name=name, kind=kind, level=level, street=street)
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username=username, password=password, last_name=last, first_name=first
        )
        post_create(user=user, role=PostRole.DEPARTMENT_STAFF, area=street, department=department)
        report.departments += 1
        report.logins.append(
            (username, str(PostRole.DEPARTMENT_STAFF.label), f"{name} ({street.code})", password)
        )
        made.append(department)
    return made


def _place(community: Area, description: str, urgency: str) -> Order:
    microgrid = (
        Area.objects.filter(path__startswith=community.path, level=AreaLevel.MICROGRID)
        .order_by("path")
        .first()
    )
    return services.order_place(
        category=Category.objects.get(code="environment"),
        area=microgrid,
        description=description,
        resident_phone="19900040001",
        resident_name="居民",
        nature=Nature.COMPLAINT,
        urgency=urgency,
        channel=Channel.HOTLINE,
        placed_by=None,
    )


def _whistles(report, departments, dispatcher_post, now) -> None:
    dispatcher, community = dispatcher_post.user, dispatcher_post.area
    staff = {
        d.pk: Post.objects.filter(department=d).select_related("user").first().user
        for d in departments
    }
    for index, urgency, description, stage, hours_ago in WHISTLES:
        department = departments[index]
        blown_at = now - timedelta(hours=hours_ago)
        with clock.travel_to(blown_at - timedelta(minutes=20)):
            order = _place(community, description, urgency)
        with clock.travel_to(blown_at):
            whistle = services.whistle_blow(
                order_id=order.pk,
                actor=dispatcher,
                department=department,
                note="请" + department.name + "到场处置，社区已劝说无果",
            )
        report.whistles += 1
        if stage in ("reported", "resolved"):
            with clock.travel_to(blown_at + timedelta(minutes=18)):
                services.whistle_report(
                    whistle_id=whistle.pk, actor=staff[department.pk], note="已派人到场"
                )
        if stage == "resolved":
            with clock.travel_to(blown_at + timedelta(hours=5)):
                services.whistle_resolve(
                    whistle_id=whistle.pk,
                    actor=staff[department.pk],
                    result_note="已依法取缔，当事人签署承诺书，三日后回访未复发",
                )
    # The overdue one: the sweep's own whistle rules find it (a chase and a supervision).
    with clock.travel_to(now):
        result = sweep.SweepReport()
        for rule in sweep.RULES:
            if rule.arg == "whistle":
                sweep.run_rule(rule, now=now, batch_size=50, max_batches=2, report=result)


def _cohandling(report, dispatcher_post, now) -> None:
    dispatcher, community = dispatcher_post.user, dispatcher_post.area
    units = list(MemberUnit.objects.filter(community=community, is_active=True).order_by("name"))
    liaisons = {
        p.member_unit_id: p.user
        for p in Post.objects.filter(member_unit__in=units).select_related("user")
    }
    units = [u for u in units if u.pk in liaisons]
    if len(units) < 2:
        return
    lead, *helpers = units
    with clock.travel_to(now - timedelta(hours=30)):
        order = _place(community, "小区背街小巷垃圾堆积、下水道堵塞，雨天积水严重", Urgency.URGENT)
        services.order_dispatch(
            order_id=order.pk, actor=dispatcher, tier=Tier.MEMBER_UNIT, handler_unit=lead
        )
        services.order_sign(order_id=order.pk, actor=liaisons[lead.pk])
    # Reported, waiting for sign-for, signed (as many as the community has units for).
    parts = ["组织志愿者清运垃圾", "入户宣传垃圾分类", "提供疏通车辆疏通下水道"]
    for i, unit in enumerate(helpers[:3]):
        with clock.travel_to(now - timedelta(hours=29 - i)):
            co = services.cohandler_invite(
                order_id=order.pk, actor=liaisons[lead.pk], unit=unit, part=parts[i]
            )
        report.cohandled += 1
        if i == 0:
            with clock.travel_to(now - timedelta(hours=26)):
                services.cohandler_sign(cohandler_id=co.pk, actor=liaisons[unit.pk])
            with clock.travel_to(now - timedelta(hours=8)):
                services.cohandler_report(
                    cohandler_id=co.pk, actor=liaisons[unit.pk], note="组织志愿者12人清运垃圾6车"
                )
        elif i == 2:
            with clock.travel_to(now - timedelta(hours=20)):
                services.cohandler_sign(cohandler_id=co.pk, actor=liaisons[unit.pk])
    assert Order.objects.get(pk=order.pk).status == Status.IN_PROGRESS
