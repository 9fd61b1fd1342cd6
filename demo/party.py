"""Demo party work for the demo street's first community: registered party members
(verified and pending, one declined), micro-wishes in every state (a fulfilment with a
photo), a points history with a redemption, the demo party-member login as a verified
member with points, the demo second building head and grid volunteer as verified members
holding the posts the community granted, and orders in the open pool (党员接单) in
every state: waiting, claimed, handed back, resolved, closed with ratings, withdrawn.

Made through the ``parties`` services, backdated with ``core.clock``; idempotent (does
nothing when the community already has registrations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core import clock, outbox
from grids.models import AreaLevel, Post, PostRole
from parties import commitments, members, points
from parties.models import MemberStatus, PartyMember
from parties.wishes import services as wishes
from parties.wishes.lifecycle import WishCategory, WishStatus

# Demo members' phones: 199 0002 xxxx; wish posters': 199 0003 xxxx.
MEMBER_PHONE_PREFIX = "1990002"
POSTER_PHONE_PREFIX = "1990003"
# The registered demo members sign in with their phone and this password (the demo login
# ``demo_party_member`` keeps the street's demo password).
MEMBER_PASSWORD = "Xianfeng-Yuanmeng-88"
MEMBERS = [
    ("李红梅", "区税务局", "第二党支部", "辅导功课", "周末", MemberStatus.VERIFIED),
    ("周建国", "市第一医院", "内科党支部", "健康咨询", "周三晚上", MemberStatus.VERIFIED),
    ("吴晓光", "区供电公司", "运维党支部", "电器维修", "周末上午", MemberStatus.VERIFIED),
    ("郑丽", "区教育局", "机关党支部", "心理疏导", "工作日晚上", MemberStatus.PENDING),
    ("钱伟", "街道卫生院", "第一党支部", "", "", MemberStatus.PENDING),
    ("冯涛", "某公司", "—", "", "", MemberStatus.DECLINED),
]
WISHES = [
    (WishCategory.STUDY, "想要一套初中数学辅导书", WishStatus.CONFIRMED),
    (WishCategory.DAILY, "独居老人想要一台电暖器过冬", WishStatus.CONFIRMED),
    (WishCategory.CARE, "希望有人周末陪奶奶去医院复查", WishStatus.CONFIRMED),
    (WishCategory.REPAIR, "家里的旧洗衣机坏了，想请人看看", WishStatus.FULFILLED),
    (WishCategory.STUDY, "孩子想学围棋，想要一副围棋", WishStatus.CLAIMED),
    (WishCategory.DAILY, "想要一个助行器", WishStatus.OPEN),
    (WishCategory.CARE, "希望有人教爷爷用智能手机挂号", WishStatus.OPEN),
    (WishCategory.OTHER, "想要一张去北京的火车票", WishStatus.DECLINED),
    (WishCategory.STUDY, "想要一个新书包", WishStatus.POSTED),
]


@dataclass
class PartyReport:
    members: int = 0
    wishes: int = 0
    commitments: int = 0
    pool_orders: int = 0
    skipped: bool = False


def build_demo_party(*, street_code: str = "LX", now: datetime | None = None) -> PartyReport:
    report = PartyReport()
    dispatcher_post = (
        Post.objects.filter(
            role=PostRole.COMMUNITY_DISPATCHER,
            area__level=AreaLevel.COMMUNITY,
            area__path__startswith=f"{street_code}/",
        )
        .select_related("user", "area")
        .order_by("area__path")
        .first()
    )
    if dispatcher_post is None:
        return report
    community, dispatcher = dispatcher_post.area, dispatcher_post.user
    if PartyMember.objects.filter(community=community).exists():
        report.skipped = True
        return report
    now = now or timezone.now()
    with transaction.atomic(), outbox.muted():
        verified = _members(report, community, dispatcher, now)
        _demo_login_member(community, dispatcher, now, verified)
        _granted_posts(community, dispatcher, now)
        _wishes(report, community, dispatcher, verified, now)
        _commitments(report, verified, now)
        report.pool_orders = _pool_orders(community, dispatcher, verified, now)
        with clock.travel_to(now - timedelta(days=2)):
            points.points_record_service(
                member_id=verified[1].pk, actor=dispatcher, hours=3, note="社区义诊"
            )
            points.points_redeem(
                member_id=verified[0].pk, actor=dispatcher, points=5, item="洗衣液一瓶"
            )
    return report


def _members(report, community, dispatcher, now) -> list[PartyMember]:
    verified = []
    for n, (name, employer, branch, skills, times, status) in enumerate(MEMBERS):
        with clock.travel_to(now - timedelta(days=40 - n)):
            member = members.member_register(
                community=community,
                phone=f"{MEMBER_PHONE_PREFIX}{n + 1:04d}",
                name=name,
                employer=employer,
                branch=branch,
                skills=skills,
                availability=times,
                password=MEMBER_PASSWORD,
                show_initials=n % 2 == 0,
            )
            if status == MemberStatus.VERIFIED:
                member = members.member_verify(member_id=member.pk, actor=dispatcher)
                verified.append(member)
            elif status == MemberStatus.DECLINED:
                members.member_decline(
                    member_id=member.pk, actor=dispatcher, reason="工作单位信息无法核实"
                )
        report.members += 1
    return verified


def _demo_login_member(community, dispatcher, now, verified) -> None:
    """The fixed demo login ``demo_party_member`` is a verified member of the community."""
    post = (
        Post.objects.filter(role=PostRole.PARTY_MEMBER, area=community)
        .select_related("user")
        .filter(user__username="demo_party_member")
        .first()
    )
    if post is None or PartyMember.objects.filter(user=post.user).exists():
        return
    with clock.travel_to(now - timedelta(days=30)):
        member = members.member_register(
            community=community,
            phone=f"{MEMBER_PHONE_PREFIX}0099",
            name=f"{post.user.last_name}{post.user.first_name}" or "孙春梅",
            employer="区文化馆",
            branch="机关党支部",
            skills="书法",
            availability="周末",
            password=MEMBER_PASSWORD,
        )
        members.member_verify(member_id=member.pk, actor=dispatcher, login=post.user)
    verified.insert(0, PartyMember.objects.get(pk=member.pk))


def _wishes(report, community, dispatcher, verified, now) -> None:
    for n, (category, text, status) in enumerate(WISHES):
        claimer = verified[n % len(verified)]
        start = now - timedelta(days=30 - n * 2)
        with clock.travel_to(start):
            wish = wishes.wish_post(
                community=community,
                category=category,
                description=text,
                needed_by=(start + timedelta(days=20)).date(),
                phone=f"{POSTER_PHONE_PREFIX}{n + 1:04d}",
            )
        report.wishes += 1
        if status == WishStatus.POSTED:
            continue
        with clock.travel_to(start + timedelta(days=1)):
            if status == WishStatus.DECLINED:
                wishes.wish_decline(wish_id=wish.pk, actor=dispatcher, reason="不够具体、难以落实")
                continue
            wishes.wish_verify(wish_id=wish.pk, actor=dispatcher)
        if status == WishStatus.OPEN:
            continue
        with clock.travel_to(start + timedelta(days=2)):
            wishes.wish_claim(wish_id=wish.pk, actor=claimer.user)
        if status == WishStatus.CLAIMED:
            continue
        with clock.travel_to(start + timedelta(days=4)):
            wishes.wish_fulfil(
                wish_id=wish.pk,
                actor=claimer.user,
                note="已送到家中，老人很高兴",
                photo=_photo(f"wish-{n + 1}.png") if n == 0 else None,
            )
        if status == WishStatus.FULFILLED:
            continue
        with clock.travel_to(start + timedelta(days=5)):
            wishes.wish_confirm(wish_id=wish.pk, phone=f"{POSTER_PHONE_PREFIX}{n + 1:04d}")


COMMITMENTS = [
    "每月为独居老人理发一次",
    "每周六上午为社区孩子辅导功课",
    "每季度开展一次健康义诊",
    "帮助楼栋检查一次用电安全",
]


def _commitments(report, verified, now) -> None:
    start = (now - timedelta(days=20)).date()
    for n, member in enumerate(verified):
        with clock.travel_to(now - timedelta(days=20)):
            commitment = commitments.commitment_make(
                actor=member.user,
                title=COMMITMENTS[n % len(COMMITMENTS)],
                starts_on=start,
                ends_on=start + timedelta(days=90),
            )
        report.commitments += 1
        if n % 2 == 0:
            with clock.travel_to(now - timedelta(days=5)):
                commitments.fulfilment_record(
                    actor=member.user,
                    commitment_id=commitment.pk,
                    note="已按承诺完成，居民反映良好",
                    done_on=(now - timedelta(days=5)).date(),
                )


def _photo(name: str):
    """A small generated picture standing in for a fulfilment photo."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (236, 244, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 280, 160), outline=(200, 40, 40), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name=name)


# The demo logins of the posts the community grants a verified member (demo/street.py).
GRANTED = [
    ("demo_second_building_head", PostRole.SECOND_BUILDING_HEAD, "区图书馆", "读书分享"),
    ("demo_grid_volunteer", PostRole.GRID_VOLUNTEER, "区人社局", "政策咨询"),
]


def _granted_posts(community, dispatcher, now) -> None:
    """The demo second building head and grid volunteer: registered, verified members of
    the community who hold the post it granted them (on the demo compound / grid)."""
    for n, (username, role, employer, skills) in enumerate(GRANTED):
        post = (
            Post.objects.filter(role=role, area__path__startswith=community.path)
            .select_related("user", "area")
            .filter(user__username=username)
            .first()
        )
        if post is None or PartyMember.objects.filter(user=post.user).exists():
            continue
        with clock.travel_to(now - timedelta(days=35 - n)):
            member = members.member_register(
                community=community,
                phone=f"{MEMBER_PHONE_PREFIX}{98 - n:04d}",
                name=f"{post.user.last_name}{post.user.first_name}",
                employer=employer,
                branch="机关党支部",
                skills=skills,
                availability="周末",
                password=MEMBER_PASSWORD,
            )
            members.member_verify(member_id=member.pk, actor=dispatcher, login=post.user)
            members.member_grant_post(
                member_id=member.pk, actor=dispatcher, role=role, area_code=post.area.code
            )


# Residents' requests put into the open pool (党员接单), and where each ends up.
POOL = [
    ("楼道里堆放的旧家具需要帮忙搬走", "waiting"),
    ("想请人帮独居老人换一下厨房的灯泡", "waiting"),
    ("小区门口的共享单车乱停，希望有人协调整理", "returned"),
    ("老人不会用手机缴水电费，想请人教一教", "claimed"),
    ("楼下花坛的枯枝需要清理", "resolved"),
    ("帮行动不便的老人取一下药", "closed_satisfied"),
    ("给孩子们的阅览角捐一批旧书并整理上架", "closed_basic"),
    ("单元门禁卡坏了，想请人帮忙联系物业", "withdrawn"),
]


def _pool_orders(community, dispatcher, verified, now) -> int:
    from orders import services
    from orders.models import Category, Channel, Nature, Rating, Urgency

    area = (
        community.__class__.objects.filter(
            path__startswith=community.path, level=AreaLevel.MICROGRID
        )
        .order_by("path")
        .first()
    )
    category = Category.objects.filter(is_active=True).order_by("sort_order", "code").first()
    if area is None or category is None:
        return 0
    made = 0
    for n, (text, fate) in enumerate(POOL):
        claimer = verified[n % len(verified)].user
        start = now - timedelta(days=12 - n, hours=3)
        with clock.travel_to(start):
            order = services.order_place(
                category=category,
                area=area,
                description=text,
                resident_phone=f"1990004{n + 1:04d}",
                resident_name="居民",
                nature=Nature.HELP,
                urgency=Urgency.NORMAL,
                channel=Channel.MOBILE,
            )
        made += 1
        with clock.travel_to(start + timedelta(hours=2)):
            services.order_to_pool(order_id=order.pk, actor=dispatcher, note="适合在职党员认领")
        if fate == "waiting":
            continue
        if fate == "withdrawn":
            with clock.travel_to(start + timedelta(days=3)):
                services.order_withdraw_from_pool(
                    order_id=order.pk, actor=dispatcher, reason="需要物业处理，改为派单"
                )
            continue
        with clock.travel_to(start + timedelta(hours=5)):
            services.order_claim(order_id=order.pk, actor=claimer)
        if fate == "returned":
            with clock.travel_to(start + timedelta(days=1)):
                services.order_return_to_pool(
                    order_id=order.pk, actor=claimer, reason="需要和物业一起协调，个人难以完成"
                )
            continue
        if fate == "claimed":
            continue
        with clock.travel_to(start + timedelta(days=1, hours=2)):
            services.order_resolve(
                order_id=order.pk, actor=claimer, result_note="已办好，居民在场确认"
            )
        if fate == "resolved":
            continue
        rating = Rating.SATISFIED if fate == "closed_satisfied" else Rating.BASIC
        with clock.travel_to(start + timedelta(days=2)):
            services.order_rate(order_id=order.pk, rating=rating, solved=True)
    return made
