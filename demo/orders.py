"""Demo orders for the demo street: a few hundred orders in every status, made through
``orders.services`` only (place → dispatch → sign → …), spread over the past weeks.

``build_demo_orders`` is deterministic for a seed and idempotent: it does nothing when demo
orders (recognised by their reserved phone range) already exist. It expects the area tree
and staff of ``demo.street.build_demo`` but finds people through the posts and
``services.handler_candidates``, so it works on any tree (the tests use a small one).

Backdating: the services read ``orders.clock``; while building it follows a simulated time
so placed_at, due times, event times and references fall on the past days they describe.
Notifications are muted meanwhile: made-up history sends no messages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core import clock
from grids.models import Area, AreaLevel, MemberUnit, Post, PostRole
from orders import notify, services
from orders.errors import OrderError
from orders.lifecycle import Status, Tier
from orders.models import CancelReason, Category, Channel, Nature, Order, Rating, Urgency
from orders.services.common import lock_order
from orders.services.sweep_steps import sign_overdue_locked

# Demo residents' phones: 199 0000 xxxx, a range no real resident is given here.
DEMO_PHONE_PREFIX = "1990000"

DESCRIPTIONS: dict[str, list[str]] = {
    "environment": [
        "小区东门垃圾桶满了两天没人清运，气味很大",
        "楼道里堆了很多废旧纸箱，清洁工一直没有清理",
        "绿化带里有人倒建筑垃圾，希望尽快清走",
        "小区水池长期不换水，蚊虫很多",
    ],
    "property": [
        "物业保安晚上经常不在岗，外来人员随便进出",
        "电梯按钮坏了一个月，物业说在等配件",
        "物业费收据一直不给开，希望社区协调",
        "单元门禁坏了，门一直关不上",
    ],
    "facility": [
        "3栋2单元楼道灯坏了一个星期，老人晚上上下楼不方便",
        "小区健身器材螺丝松了，孩子玩的时候很危险",
        "单元门口的台阶塌了一块，下雨天容易滑倒",
        "小区路面井盖松动，车压过去响声很大",
    ],
    "utilities": [
        "家里停水一整天了，没有收到任何通知",
        "楼上暖气管漏水，把我家天花板泡坏了",
        "单元楼电表箱冒烟，担心起火",
        "这几天自来水发黄，不敢喝",
    ],
    "noise": [
        "楼下商铺每天晚上十一点以后还在放音乐",
        "隔壁装修周末早上七点就开始电钻，影响休息",
        "小区广场舞音响声音太大，希望调小一点",
    ],
    "parking": [
        "消防通道被私家车长期占用，救护车进不来",
        "小区门口共享单车乱停，挡住了出入口",
        "有车辆长期占用他人车位，联系不上车主",
    ],
    "dispute": [
        "楼上邻居家漏水到我家，协商不成，请社区调解",
        "邻居在公共走廊堆放杂物，沟通多次无效",
        "邻居养的狗经常在楼道大小便，希望帮忙协调",
    ],
    "elderly": [
        "独居老人王奶奶最近身体不好，希望有人定期上门看看",
        "想给家里老人申请助餐服务，不知道怎么办理",
        "老人行动不便，想申请上门理发服务",
    ],
    "paperwork": [
        "想咨询居住证办理需要什么材料",
        "老人高龄补贴一直没有到账，请帮忙查询",
        "孩子上学需要开居住证明，请问去哪里开",
    ],
    "hazard": [
        "有住户在楼道里给电动车充电，存在火灾隐患",
        "小区围墙有一段开裂倾斜，担心倒塌",
        "地下室有煤气味，请尽快派人查看",
    ],
    "other": [
        "希望小区增加几个快递柜",
        "建议在小区里多装几把休息座椅",
        "想了解社区最近有什么志愿服务活动",
    ],
}
GENERIC = ["希望社区帮忙协调解决", "问题存在很久了，希望尽快处理"]
RESIDENT_NAMES = [
    "王阿姨",
    "李大爷",
    "张女士",
    "刘先生",
    "陈奶奶",
    "赵师傅",
    "孙女士",
    "周先生",
    "吴阿姨",
    "",
]
RETURN_REASONS = ["不属于物业管理范围", "位置不在本网格", "需要专业部门处理"]
ESCALATE_REASONS = ["物业无力解决", "超时未签收", "涉及多个部门，需要协调"]
RESULT_NOTES = [
    "已派人现场处理完毕",
    "已更换损坏部件，恢复正常",
    "已协调相关单位处理，居民认可",
    "已上门沟通解决",
]

# Target status → weight (how many of the demo orders end there).
# Every LATE_EVERY-th order (at serial LATE_SERIAL of each run of them) meant to close
# rated is signed for late: escalated by the sweep's step first.
LATE_EVERY, LATE_SERIAL = 16, 5

PLAN: list[tuple[str, int]] = [
    ("new", 8),
    ("returned", 3),
    ("escalated", 3),
    ("redo", 1),
    ("awaiting_sign", 8),
    ("in_progress", 12),
    ("extension_requested", 4),
    ("awaiting_rating", 10),
    ("closed_rated", 37),
    ("closed_callback", 4),
    ("closed_unrated", 4),
    ("cancelled", 6),
]


@dataclass
class DemoOrdersReport:
    created: int = 0
    skipped: bool = False
    by_status: dict[str, int] = field(default_factory=dict)
    failures: int = 0


class _People:
    """Who acts for each community and each member unit, read once."""

    def __init__(self, street: Area) -> None:
        posts = Post.objects.filter(area__path__startswith=street.path).select_related(
            "user", "area"
        )
        self.dispatchers: dict[str, object] = {}
        self.street_officials: list = []
        self.liaisons: dict[int, object] = {}
        for post in posts.order_by("user__username"):
            if post.role == PostRole.COMMUNITY_DISPATCHER:
                self.dispatchers.setdefault(post.area.path, post.user)
            elif post.role == PostRole.STREET_OFFICIAL:
                self.street_officials.append(post.user)
            elif post.role == PostRole.UNIT_LIAISON and post.member_unit_id:
                self.liaisons.setdefault(post.member_unit_id, post.user)

    def dispatcher_for(self, order: Order):
        codes = order.area.ancestor_codes
        community_path = "/".join(codes[:2]) + "/"
        return self.dispatchers.get(community_path) or (
            self.street_officials[0] if self.street_officials else None
        )

    def handler_actor(self, order: Order):
        if order.handler_user_id:
            return order.handler_user
        return self.liaisons.get(order.handler_unit_id)


def build_demo_orders(
    *, count: int = 400, seed: int = 2826, street_code: str = "LX", now: datetime | None = None
) -> DemoOrdersReport:
    """Create ``count`` demo orders in every status on the street ``street_code``."""
    report = DemoOrdersReport()
    if Order.objects.filter(resident_phone__startswith=DEMO_PHONE_PREFIX).exists():
        report.skipped = True
        return report
    street = Area.objects.filter(code=street_code, level=AreaLevel.STREET).first()
    if street is None:
        return report
    areas = list(
        Area.objects.filter(path__startswith=street.path, level__gte=AreaLevel.COMPOUND).only(
            "id", "code", "name", "level", "path"
        )
    )
    # The demo logins work in the street's first community: give it about a third of the
    # orders so its board, inbox and callback list look like a working day.
    first_community = min((a.path.split("/")[1] for a in areas), default="")
    weights = [12 if a.path.split("/")[1] == first_community else 1 for a in areas]
    categories = list(Category.objects.filter(is_active=True))
    if not areas or not categories:
        return report
    rng = random.Random(seed)
    people = _People(street)
    real_now = now or timezone.now()
    targets = rng.choices([t for t, _w in PLAN], weights=[w for _t, w in PLAN], k=count)
    state = {"now": real_now}
    with transaction.atomic(), clock.following(lambda: state["now"]), notify.muted():
        for i, target in enumerate(targets):
            builder = _OrderBuilder(rng=rng, people=people, state=state, real_now=real_now)
            try:
                order = builder.build(
                    target=target,
                    area=rng.choices(areas, weights=weights)[0],
                    category=rng.choice(categories),
                    serial=i,
                )
            except OrderError:
                # A tree without a handler at some tier: keep what was made, count the miss.
                report.failures += 1
                continue
            report.created += 1
            report.by_status[order.status] = report.by_status.get(order.status, 0) + 1
        # Every demo handler login finds work waiting: to sign for, in hand, awaiting rating.
        serial = count
        for tier, handler, area in _showcase_handlers(street):
            for target in SHOWCASE_TARGETS:
                builder = _OrderBuilder(rng=rng, people=people, state=state, real_now=real_now)
                order = builder.build(
                    target=target,
                    area=area,
                    category=rng.choice(categories),
                    serial=serial,
                    start_tier=tier,
                    prefer=handler,
                )
                serial += 1
                report.created += 1
                report.by_status[order.status] = report.by_status.get(order.status, 0) + 1
    return report


SHOWCASE_TARGETS = ("awaiting_sign", "in_progress", "awaiting_rating")
# (username of a demo login, the tier it answers for)
SHOWCASE_LOGINS = (
    ("demo_property", Tier.PROPERTY),
    ("demo_grid_leader", Tier.GRID),
    ("demo_unit", Tier.MEMBER_UNIT),
    ("demo_street", Tier.STREET),
)


def _showcase_handlers(street: Area) -> list[tuple[int, object, Area]]:
    """(tier, handler, a micro-grid it covers) for each demo handler login that exists."""
    posts = {
        p.user.username: p
        for p in Post.objects.filter(
            user__username__in=[u for u, _t in SHOWCASE_LOGINS]
        ).select_related("user", "area", "member_unit")
    }
    found = []
    for username, tier in SHOWCASE_LOGINS:
        post = posts.get(username)
        if post is None or not post.area.path.startswith(street.path):
            continue
        # A unit's or the street's orders land in the demo dispatcher's community.
        home = post.area if post.area.level >= AreaLevel.COMMUNITY else None
        if home is None:
            home = Area.objects.filter(
                path__startswith=street.path, level=AreaLevel.COMMUNITY
            ).first()
        area = (
            Area.objects.filter(path__startswith=home.path, level=AreaLevel.MICROGRID)
            .order_by("path")
            .first()
        )
        if area is not None:
            found.append((tier, post.member_unit if tier == Tier.MEMBER_UNIT else post.user, area))
    return found


@dataclass
class _OrderBuilder:
    rng: random.Random
    people: _People
    state: dict
    real_now: datetime

    def _at(self, when: datetime) -> None:
        self.state["now"] = min(when, self.real_now - timedelta(minutes=1))

    def _later(self, *, min_hours: float, max_hours: float) -> None:
        self._at(self.state["now"] + timedelta(hours=self.rng.uniform(min_hours, max_hours)))

    def build(
        self,
        *,
        target: str,
        area: Area,
        category: Category,
        serial: int,
        start_tier: int | None = None,
        prefer=None,
    ) -> Order:
        rng = self.rng
        open_target = target not in (
            "closed_rated",
            "closed_callback",
            "closed_unrated",
            "cancelled",
            "redo",
        )
        days_back = rng.randint(0, 9) if open_target else rng.randint(3, 42)
        # Residents place orders in the daytime (Asia/Shanghai), not at 3 a.m.
        local = timezone.localtime(self.real_now - timedelta(days=days_back))
        placed = local.replace(hour=rng.randint(7, 20), minute=rng.randint(0, 59))
        if placed > self.real_now - timedelta(hours=12):
            # Leave the order's later steps room to happen before now.
            placed -= timedelta(days=1)
        self._at(placed)
        staff_channel = rng.random() < 0.35
        dispatcher = None
        order = services.order_place(
            category=category,
            area=area,
            description=rng.choice(DESCRIPTIONS.get(category.code, GENERIC) or GENERIC),
            resident_phone=f"{DEMO_PHONE_PREFIX}{serial:04d}",
            resident_name=rng.choice(RESIDENT_NAMES),
            nature=rng.choice(Nature.values),
            urgency=rng.choices(Urgency.values, weights=[85, 12, 3])[0],
            channel=rng.choice(
                [Channel.LIVING_ROOM, Channel.GRID_VISIT, Channel.MEETING, Channel.HOTLINE]
                if staff_channel
                else [Channel.MOBILE, Channel.QR]
            ),
        )
        dispatcher = self.people.dispatcher_for(order)
        if target == "new" or dispatcher is None:
            return order
        if target == "cancelled":
            return self._cancel(order, dispatcher)

        if start_tier is None:
            start_tier = Tier.GRID if target == "escalated" else category.default_tier
        order = self._dispatch(order, dispatcher, tier=start_tier, prefer=prefer)
        if target == "awaiting_sign":
            return order
        handler = self.people.handler_actor(order)
        if target == "returned":
            self._later(min_hours=1, max_hours=20)
            return services.order_return(
                order_id=order.pk, actor=handler, reason=rng.choice(RETURN_REASONS)
            )
        if target == "escalated":
            self._later(min_hours=2, max_hours=30)
            return services.order_escalate(
                order_id=order.pk, actor=dispatcher, reason=rng.choice(ESCALATE_REASONS)
            )

        if target == "closed_rated" and serial % LATE_EVERY == LATE_SERIAL:
            # Now and then nobody signs in time: the sweep's own step records the overdue
            # and escalates, and the next tier takes it from there (the dashboards' 超期).
            order = self._sign_overdue(order)
            if order.status != Status.AWAITING_SIGN:
                return order
            handler = self.people.handler_actor(order)
        self._later(min_hours=0.3, max_hours=min(20, category.sign_for_hours * 1.3))
        order = services.order_sign(order_id=order.pk, actor=handler)
        if target == "in_progress":
            return order
        if target == "extension_requested":
            self._later(min_hours=1, max_hours=24)
            return services.order_request_extension(
                order_id=order.pk,
                actor=handler,
                until=order.resolve_due_at + timedelta(days=7),
                reason="需要采购配件，预计一周内到货",
            )
        self._later(min_hours=1, max_hours=category.resolve_hours * 0.9)
        order = services.order_resolve(
            order_id=order.pk, actor=handler, result_note=rng.choice(RESULT_NOTES)
        )
        if target == "awaiting_rating":
            return order
        self._later(min_hours=2, max_hours=48)
        if target == "closed_unrated":
            return services.order_close_unrated(order_id=order.pk)
        if target == "closed_callback":
            return services.order_rate(
                order_id=order.pk,
                rating=Rating.SATISFIED,
                solved=True,
                comment="电话回访，居民表示满意",
                actor=dispatcher,
            )
        if target == "redo":
            return services.order_rate(
                order_id=order.pk,
                rating=Rating.DISSATISFIED,
                solved=False,
                comment="问题没有彻底解决",
            )
        rating = rng.choices([Rating.SATISFIED, Rating.BASIC], weights=[95, 5])[0]
        return services.order_rate(
            order_id=order.pk,
            rating=rating,
            # Now and then a resident is basically satisfied with a matter not fully solved.
            solved=rating == Rating.SATISFIED or rng.random() < 0.7,
            comment=rng.choice(["", "谢谢社区", "处理很及时"]),
        )

    def _sign_overdue(self, order: Order) -> Order:
        self._at(order.sign_due_at + timedelta(minutes=20))
        with transaction.atomic():
            locked = lock_order(order.pk)
            sign_overdue_locked(order=locked, now=clock.now())
        return Order.objects.get(pk=order.pk)

    def _dispatch(self, order: Order, dispatcher, *, tier: int, prefer=None) -> Order:
        """Dispatch at ``tier`` (to ``prefer`` when it is a candidate there), or the nearest
        tier that has someone to take it."""
        self._later(min_hours=0.2, max_hours=6)
        for candidate_tier in [tier] + [t for t in Tier.values if t != tier]:
            candidates = services.handler_candidates(order=order, tier=candidate_tier)
            if not candidates:
                continue
            chosen = prefer if prefer in candidates else self.rng.choice(candidates)
            if candidate_tier == Tier.MEMBER_UNIT and chosen.pk not in self.people.liaisons:
                continue
            unit = isinstance(chosen, MemberUnit)
            return services.order_dispatch(
                order_id=order.pk,
                actor=dispatcher,
                tier=candidate_tier,
                handler_user=None if unit else chosen,
                handler_unit=chosen if unit else None,
            )
        raise OrderError("no_handler", "no handler at any tier")

    def _cancel(self, order: Order, dispatcher) -> Order:
        self._later(min_hours=0.1, max_hours=5)
        kind = self.rng.choice(["resident", "invalid", "duplicate"])
        if kind == "resident":
            return services.order_cancel(order_id=order.pk, reason=CancelReason.RESIDENT)
        if kind == "duplicate":
            original = (
                Order.objects.filter(
                    area__path__startswith="/".join(order.area.ancestor_codes[:2]) + "/"
                )
                .exclude(pk=order.pk)
                .order_by("-id")
                .first()
            )
            if original is not None:
                return services.order_cancel(
                    order_id=order.pk,
                    actor=dispatcher,
                    reason=CancelReason.DUPLICATE,
                    duplicate_of=original,
                    note="与已受理工单重复",
                )
        return services.order_cancel(
            order_id=order.pk,
            actor=dispatcher,
            reason=CancelReason.INVALID,
            note="经电话核实，诉求已自行解决",
        )
