"""Demo grid work and co-governance for the demo street: households with care categories
and three months of visits, disputes in every colour and step, meetings with votes (one
with orders taken on the spot), micro-projects in every state, notices.

Made through the services only, backdated with ``core.clock``, notifications muted.
Idempotent: does nothing when the street already has households. Works on any tree that
has a community with a dispatcher (the tests use a small one).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core import clock, outbox
from grids.disputes import services as disputes
from grids.disputes.lifecycle import Colour
from grids.models import Area, AreaLevel, CareCategory, Household, Post, PostRole, VisitKind
from grids.visits import services as visits
from orders.meetings import services as meetings
from orders.models import Category
from orders.notices import services as notices
from orders.projects import services as projects

# Demo households' phones: 199 0001 xxxx (orders use 199 0000 xxxx).
HOUSEHOLD_PHONE_PREFIX = "1990001"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
FOUND = [
    "身体状况良好，家中整洁",
    "老人血压偏高，已提醒按时服药",
    "家中燃气灶老化，已提醒更换",
    "子女不在身边，老人情绪稳定",
    "反映楼道堆物，已记录",
    "夜访：门窗已关好，无异常",
]


@dataclass
class GridWorkReport:
    households: int = 0
    visits: int = 0
    disputes: int = 0
    meetings: int = 0
    projects: int = 0
    notices: int = 0
    skipped: bool = False


def build_demo_grid_work(
    *, street_code: str = "LX", seed: int = 2826, now: datetime | None = None
) -> GridWorkReport:
    report = GridWorkReport()
    street = Area.objects.filter(code=street_code, level=AreaLevel.STREET).first()
    if street is None:
        return report
    if Household.objects.filter(area_path__startswith=street.path).exists():
        report.skipped = True
        return report
    now = now or timezone.now()
    rng = random.Random(seed + 14)
    posts = list(
        Post.objects.filter(area__path__startswith=street.path).select_related("user", "area")
    )
    dispatchers = {p.area.path: p.user for p in posts if p.role == PostRole.COMMUNITY_DISPATCHER}
    workers = {p.area.path: p.user for p in posts if p.role == PostRole.GRID_WORKER}
    communities = list(
        Area.objects.filter(path__in=list(dispatchers), level=AreaLevel.COMMUNITY).order_by("path")
    )
    if not communities:
        return report
    care = list(CareCategory.objects.all())
    with transaction.atomic(), outbox.muted():
        _households_and_visits(report, rng, street, communities, dispatchers, workers, care, now)
        first = communities[0]
        actor = dispatchers[first.path]
        _disputes(report, rng, first, actor, now)
        _meetings(report, first, actor, now)
        _projects(report, first, actor, now)
        _notices(report, first, actor, now)
    return report


def _households_and_visits(report, rng, street, communities, dispatchers, workers, care, now):
    started = now - timedelta(days=100)
    compounds = list(
        Area.objects.filter(path__startswith=street.path, level=AreaLevel.COMPOUND).order_by("path")
    )
    first_path = communities[0].path
    serial = 0
    for compound in compounds:
        community_path = "/".join(compound.ancestor_codes[:2]) + "/"
        if community_path not in dispatchers:
            continue
        grid_path = "/".join(compound.ancestor_codes[:3]) + "/"
        visitor = workers.get(grid_path) or dispatchers[community_path]
        in_first = community_path == first_path
        for room in range(8 if in_first else 1):
            serial += 1
            cats = [rng.choice(care)] if care and rng.random() < 0.3 else []
            with clock.travel_to(started):
                household = visits.household_create(
                    area=compound,
                    address=f"{compound.name}",
                    unit_room=f"{room // 4 + 1}-{101 + room % 4 * 100}",
                    head_name=rng.choice(SURNAMES) + rng.choice("先生女士阿姨大爷"),
                    phone=f"{HOUSEHOLD_PHONE_PREFIX}{serial:04d}",
                    members=rng.randint(1, 5),
                    care=cats,
                )
            report.households += 1
            # About one household in five falls behind: visits stop before the last interval.
            every = household.visit_every_days
            stop = now - timedelta(days=every + rng.randint(1, 10)) if rng.random() < 0.2 else now
            at = started + timedelta(days=rng.randint(1, every))
            while at < stop and at >= now - timedelta(days=95):
                visits.visit_log(
                    household_id=household.pk,
                    worker=visitor,
                    kind=rng.choice(
                        [VisitKind.DOOR, VisitKind.DOOR, VisitKind.PHONE, VisitKind.NIGHT]
                    ),
                    found=rng.choice(FOUND),
                    at=at.replace(hour=rng.choice([9, 10, 15, 19])),
                )
                report.visits += 1
                at += timedelta(days=max(1, every - rng.randint(0, 2)))


def _disputes(report, rng, community, actor, now):
    areas = list(Area.objects.filter(path__startswith=community.path, level=AreaLevel.COMPOUND)[:4])
    if not areas:
        return
    plans = [
        (Colour.RED, "邻里漏水纠纷升级，有肢体冲突苗头", 0),
        (Colour.RED, "拆迁补偿群体诉求", 2),
        (Colour.ORANGE, "物业与业主停车费争议", 1),
        (Colour.ORANGE, "宠物扰民多次投诉", 3),
        (Colour.YELLOW, "楼道堆物邻里口角", 2),
        (Colour.YELLOW, "装修噪音纠纷", 4),
        (Colour.BLUE, "公共绿地种菜争议", 4),
        (Colour.BLUE, "快递柜占道意见", 0),
    ]
    for i, (colour, title, steps) in enumerate(plans):
        with clock.travel_to(now - timedelta(days=20 - i * 2)):
            d = disputes.dispute_report(
                actor=actor,
                area=areas[i % len(areas)],
                title=title,
                description=title + "，网格员走访时发现。",
                colour=colour,
                colour_reason="双方情绪激动" if colour <= Colour.ORANGE else "影响范围小",
                source="visit",
            )
            kw = {"dispute_id": d.pk, "actor": actor}
            if steps >= 1:
                disputes.dispute_assess(colour=colour, reason="研判确认", **kw)
            if steps >= 2:
                disputes.dispute_assign(level="community", assignee="社区人民调解委员会", **kw)
            if steps >= 3:
                disputes.dispute_handle(note="组织双方调解，达成初步意见", **kw)
            if steps >= 4:
                disputes.dispute_evaluate(outcome="双方签订调解协议，回访无反复", **kw)
        report.disputes += 1


def _meetings(report, community, actor, now):
    plans = [
        ("一月党群议事会", 70, ["加装电梯费用分摊", "小区停车位重新划线"], "implementing"),
        ("二月党群议事会", 40, ["楼道堆物集中清理", "增设电动车充电桩"], "published"),
        ("三月党群议事会", 0, ["老旧小区雨污分流改造"], "deliberating"),
    ]
    microgrid = Area.objects.filter(
        path__startswith=community.path, level=AreaLevel.MICROGRID
    ).first()
    category = Category.objects.filter(is_active=True, default_tier=1).first()
    for title, days_ago, topics, target in plans:
        with clock.travel_to(now - timedelta(days=days_ago, hours=2)):
            m = meetings.meeting_create(
                actor=actor,
                community=community,
                title=title,
                held_on=(now - timedelta(days=days_ago)).date(),
                place="社区党群服务中心",
                attendees="社区党委书记、居民代表 15 人、物业、共建单位",
            )
            kw = {"meeting_id": m.pk, "actor": actor}
            for t in topics:
                meetings.topic_add(title=t, source="resident", **kw)
            meetings.meeting_fix_topics(**kw)
            meetings.meeting_deliberate(**kw)
            if target == "deliberating":
                if microgrid is not None and category is not None:
                    meetings.batch_intake(
                        rows=[
                            meetings.IntakeRow(
                                area=microgrid,
                                category=category,
                                description=d,
                                resident_phone=f"{HOUSEHOLD_PHONE_PREFIX}9{i:03d}",
                            )
                            for i, d in enumerate(["楼道灯不亮", "单元门禁损坏"])
                        ],
                        **kw,
                    )
                report.meetings += 1
                continue
            for i, topic in enumerate(m.topics.all()):
                meetings.topic_vote(
                    topic_id=topic.pk,
                    actor=actor,
                    votes_for=12 - i * 3,
                    against=1 + i,
                    abstain=2,
                    decision="通过，交社区落实" if i == 0 else "通过",
                )
            meetings.meeting_close_vote(**kw)
            meetings.meeting_publish(outcome="议题均获通过，社区将分步落实并公示进展。", **kw)
            if target == "implementing":
                meetings.meeting_implement(note="电梯加装已完成方案征询，停车位已重新划线。", **kw)
        report.meetings += 1


def _projects(report, community, actor, now):
    compound = Area.objects.filter(
        path__startswith=community.path, level=AreaLevel.COMPOUND
    ).first()
    if compound is None:
        return
    projects.threshold_set(actor=actor, community=community, hands=5)
    plans = [
        ("增设楼道扶手", 3, "proposed"),
        ("小区门口加装遮阳棚", 6, "qualified"),
        ("改造儿童游乐区地面", 7, "project"),
        ("修缮休闲长廊座椅", 8, "done"),
    ]
    for i, (title, hands, target) in enumerate(plans):
        with clock.travel_to(now - timedelta(days=40 - i * 5)):
            p = projects.project_propose(
                compound=compound,
                title=title,
                description=title + "，居民在议事会上提出。",
                phone=f"{HOUSEHOLD_PHONE_PREFIX}8{i:03d}",
            )
            for h in range(hands):
                projects.hand_raise(project_id=p.pk, phone=f"{HOUSEHOLD_PHONE_PREFIX}7{i}{h:02d}")
            kw = {"project_id": p.pk, "actor": actor}
            if target in ("project", "done"):
                projects.project_approve(
                    budget_line="社区微治理专项资金",
                    budget_amount=str(2000 + i * 1500),
                    owner="社区居委会 陈主任",
                    **kw,
                )
                projects.project_progress(note="已完成询价，施工队进场", **kw)
            if target == "done":
                projects.project_complete(note="已完工并验收", **kw)
                for h, rating in enumerate(["satisfied", "satisfied", "basic", "dissatisfied"]):
                    projects.project_evaluate(
                        project_id=p.pk,
                        phone=f"{HOUSEHOLD_PHONE_PREFIX}7{i}{h:02d}",
                        rating=rating,
                        comment="坐着舒服多了" if h == 0 else "",
                    )
        report.projects += 1


def _notices(report, community, actor, now):
    compound = Area.objects.filter(
        path__startswith=community.path, level=AreaLevel.COMPOUND
    ).first()
    today = timezone.localdate(now)
    plans = [
        ("本周六社区义诊", "周六上午 9:00 在社区党群服务中心开展义诊。", True, [], False),
        (
            "停水通知",
            "因管网维修，明日 9:00-15:00 停水。",
            False,
            [compound] if compound else [],
            False,
        ),
        ("垃圾分类宣传周", "欢迎居民参加垃圾分类知识讲座。", False, [], False),
        ("（已撤回）停电通知", "该通知有误，已撤回。", False, [], True),
    ]
    for title, body, pinned, targets, withdraw in plans:
        with clock.travel_to(now - timedelta(hours=5)):
            n = notices.notice_publish(
                actor=actor,
                community=community,
                title=title,
                body=body,
                valid_from=today - timedelta(days=1),
                valid_until=today + timedelta(days=7),
                targets=targets,
                pinned=pinned,
            )
        if withdraw:
            notices.notice_withdraw(actor=actor, notice_id=n.pk)
        report.notices += 1
    notices.subscribe(community=community, phone=f"{HOUSEHOLD_PHONE_PREFIX}0001")
