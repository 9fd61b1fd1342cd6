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
    assert build_demo_party().skipped
