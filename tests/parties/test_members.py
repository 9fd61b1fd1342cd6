"""Registration to the home community, verified or declined by its staff."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from grids.models import Post, PostRole
from parties import members
from parties.errors import PartyError
from parties.models import MemberStatus
from tests.parties.helpers import PASSWORD, register

pytestmark = pytest.mark.django_db


def test_verify_creates_a_login_with_the_party_member_post(world):
    member = register(world.community, phone="13500135001")
    assert member.status == MemberStatus.PENDING and member.user is None
    assert authenticate(username="13500135001", password=PASSWORD) is None
    member = members.member_verify(member_id=member.pk, actor=world.dispatcher)
    assert member.status == MemberStatus.VERIFIED
    assert Post.objects.filter(
        user=member.user, role=PostRole.PARTY_MEMBER, area=world.community
    ).exists()
    assert authenticate(username="13500135001", password=PASSWORD) == member.user
    with pytest.raises(PartyError):
        members.member_verify(member_id=member.pk, actor=world.dispatcher)


def test_decline_needs_a_reason_and_staff_of_the_community(world):
    member = register(world.community, phone="13500135001")
    with pytest.raises(PartyError):
        members.member_decline(member_id=member.pk, actor=world.dispatcher, reason=" ")
    with pytest.raises(PartyError):
        members.member_decline(member_id=member.pk, actor=world.other_dispatcher, reason="x")
    with pytest.raises(PartyError):
        members.member_verify(member_id=member.pk, actor=world.property_manager)
    member = members.member_decline(member_id=member.pk, actor=world.dispatcher, reason="查无此人")
    assert member.status == MemberStatus.DECLINED and member.user is None
    # A declined registration may be made again.
    assert register(world.community, phone="13500135001").status == MemberStatus.PENDING


def test_one_live_registration_per_phone(world):
    register(world.community, phone="13500135001")
    with pytest.raises(PartyError) as exc:
        register(world.community, phone="13500135001")
    assert exc.value.code == "already_registered"


def test_registration_refuses_bad_input(world):
    for kwargs in (
        {"phone": ""},
        {"password": "123"},
        {"name": ""},
        {"name": "x" * 41},
    ):
        data = (
            dict(
                community=world.community,
                phone="13500135001",
                name="李",
                employer="e",
                branch="b",
                password=PASSWORD,
            )
            | kwargs
        )
        with pytest.raises(PartyError):
            members.member_register(**data)
    with pytest.raises(PartyError):
        members.member_register(
            community=world.grid,
            phone="13500135001",
            name="李",
            employer="e",
            branch="b",
            password=PASSWORD,
        )
