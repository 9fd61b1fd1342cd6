"""Demo party work for the demo street's first community: registered party members
(verified and pending, one declined), micro-wishes in every state, a points history with
a redemption, and the demo party-member login as a verified member with points.

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
        _wishes(report, community, dispatcher, verified, now)
        _commitments(report, verified, now)
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
            wishes.wish_fulfil(wish_id=wish.pk, actor=claimer.user, note="已送到家中，老人很高兴")
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
