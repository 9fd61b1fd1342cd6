"""The demo party data: members verified and pending, wishes in every state, points."""

from __future__ import annotations

import pytest

from demo.party import build_demo_party
from grids.models import Post, PostRole
from parties.models import (
    CommitmentFulfilment,
    MemberStatus,
    MicroWish,
    PartyMember,
    PointEntry,
    PointKind,
)
from parties.wishes.lifecycle import WishStatus

pytestmark = pytest.mark.django_db


def test_demo_party(world, django_user_model):
    login = django_user_model.objects.create_user(username="demo_party_member", password="x")
    Post.objects.create(user=login, role=PostRole.PARTY_MEMBER, area=world.community)
    report = build_demo_party()
    assert report.members >= 6 and not report.skipped
    statuses = set(PartyMember.objects.values_list("status", flat=True))
    assert statuses == set(MemberStatus.values)
    assert set(MicroWish.objects.values_list("status", flat=True)) == set(WishStatus.values)
    kinds = set(PointEntry.objects.values_list("kind", flat=True))
    assert {PointKind.WISH, PointKind.SERVICE, PointKind.REDEMPTION} <= kinds
    assert report.commitments >= 4 and CommitmentFulfilment.objects.exists()
    assert PointKind.COMMITMENT in kinds
    assert PartyMember.objects.get(user=login).status == MemberStatus.VERIFIED
    # Pool orders in several states, with points for the satisfied ones; a wish photo.
    from orders.lifecycle import Action, Status
    from orders.models import Order, OrderEvent

    pool = Order.objects.filter(events__action=Action.TO_POOL).distinct()
    assert report.pool_orders == pool.count() == 8
    assert {Status.IN_POOL, Status.IN_PROGRESS, Status.AWAITING_RATING, Status.CLOSED} <= set(
        pool.values_list("status", flat=True)
    )
    assert Status.AWAITING_DISPATCH in set(pool.values_list("status", flat=True))
    assert OrderEvent.objects.filter(action=Action.RETURN_TO_POOL).exists()
    assert PointKind.POOL_ORDER in set(PointEntry.objects.values_list("kind", flat=True))
    assert MicroWish.objects.exclude(fulfil_photo="").exists()
    assert build_demo_party().skipped


def test_demo_granted_posts(world, django_user_model):
    from demo.party import GRANTED

    for username, role, *_ in GRANTED:
        user = django_user_model.objects.create_user(
            username=username, password="x", last_name="何", first_name="志明"
        )
        area = world.compound if role == PostRole.SECOND_BUILDING_HEAD else world.grid
        Post.objects.create(user=user, role=role, area=area)
    build_demo_party()
    for username, role, *_ in GRANTED:
        member = PartyMember.objects.get(user__username=username)
        assert member.status == MemberStatus.VERIFIED
        roles = set(Post.objects.filter(user=member.user).values_list("role", flat=True))
        assert roles == {role, PostRole.PARTY_MEMBER}
