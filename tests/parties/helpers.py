"""A party world: the orders test world plus registered members and wishes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parties import members
from parties.wishes import services as wishes
from parties.wishes.lifecycle import WishCategory, WishStatus

RESIDENT_PHONE = "13700137000"
PASSWORD = "Lanting-Xu-2031"


def register(community, *, phone: str, name: str = "李红梅"):
    return members.member_register(
        community=community,
        phone=phone,
        name=name,
        employer="区税务局",
        branch="第二党支部",
        skills="辅导功课",
        availability="周末",
        password=PASSWORD,
    )


def verified_member(world, *, phone: str = "13500135001", community=None, name: str = "李红梅"):
    community = community or world.community
    dispatcher = world.dispatcher if community == world.community else world.other_dispatcher
    member = register(community, phone=phone, name=name)
    return members.member_verify(member_id=member.pk, actor=dispatcher)


def post_wish(world, *, community=None, phone: str = RESIDENT_PHONE):
    return wishes.wish_post(
        community=community or world.community,
        category=WishCategory.STUDY,
        description="想要一套初中数学辅导书",
        needed_by=timezone.localdate() + timedelta(days=14),
        phone=phone,
    )


def wish_in(world, member, status: str):
    """A fresh wish driven to ``status`` through the services only."""
    wish = post_wish(world)
    if status == WishStatus.POSTED:
        return wish
    if status == WishStatus.DECLINED:
        return wishes.wish_decline(wish_id=wish.pk, actor=world.dispatcher, reason="不够具体")
    wish = wishes.wish_verify(wish_id=wish.pk, actor=world.dispatcher)
    if status == WishStatus.OPEN:
        return wish
    wish = wishes.wish_claim(wish_id=wish.pk, actor=member.user)
    if status == WishStatus.CLAIMED:
        return wish
    wish = wishes.wish_fulfil(wish_id=wish.pk, actor=member.user, note="书已送到家")
    if status == WishStatus.FULFILLED:
        return wish
    assert status == WishStatus.CONFIRMED
    return wishes.wish_confirm(wish_id=wish.pk, phone=RESIDENT_PHONE)
