"""Posts the community grants a verified member (第二楼组长 on a compound, 网格志愿者 on a
grid): who may grant, where, what the post then opens, and bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import AuditEntry
from grids.access import access_for, area_in_scope
from grids.models import Post, PostRole
from tests.parties.helpers import register

pytestmark = pytest.mark.django_db


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_dispatcher_grants_a_second_building_head_post(world, member):
    client = staff(world.dispatcher)
    url = f"/party/staff/members/{member.pk}/"
    page = client.get(url).content.decode()
    assert 'id="grant-form"' in page and world.compound.code in page
    assert world.other_community.code not in page
    # Before: the member has no intake work.
    assert staff(member.user).get("/staff/intake/").status_code == 404
    client.post(
        f"{url}grant/", {"role": PostRole.SECOND_BUILDING_HEAD, "area": world.compound.code}
    )
    post = Post.objects.get(user=member.user, role=PostRole.SECOND_BUILDING_HEAD)
    assert post.area == world.compound
    assert AuditEntry.objects.filter(action="post.grant", target_id=str(post.pk)).exists()
    user = type(member.user).objects.get(pk=member.user.pk)
    assert area_in_scope(user, world.microgrid, roles=[PostRole.SECOND_BUILDING_HEAD])
    assert not area_in_scope(user, world.grid, roles=[PostRole.SECOND_BUILDING_HEAD])
    # After: real work behind the nav — taking a resident's need in, wishes, visits.
    member_client = staff(member.user)
    home = member_client.get("/").content.decode()
    assert "/staff/intake/" in home and "/party/staff/wishes/" in home
    assert member_client.get("/staff/intake/").status_code == 200
    assert member_client.get("/party/staff/wishes/").status_code == 200
    assert member_client.get("/staff/pool/").status_code == 200  # still a party member
    # A repeat is a no-op; revoking takes the work away again.
    client.post(
        f"{url}grant/", {"role": PostRole.SECOND_BUILDING_HEAD, "area": world.compound.code}
    )
    assert Post.objects.filter(user=member.user, role=PostRole.SECOND_BUILDING_HEAD).count() == 1
    client.post(f"{url}revoke/", {"post": str(post.pk)})
    assert not Post.objects.filter(pk=post.pk).exists()
    assert access_for(type(member.user).objects.get(pk=member.user.pk)).roles == {
        PostRole.PARTY_MEMBER
    }


def test_a_grid_volunteer_post_on_a_grid(world, member):
    client = staff(world.dispatcher)
    client.post(
        f"/party/staff/members/{member.pk}/grant/",
        {"role": PostRole.GRID_VOLUNTEER, "area": world.grid.code},
    )
    post = Post.objects.get(user=member.user, role=PostRole.GRID_VOLUNTEER)
    assert post.area == world.grid
    volunteer = staff(member.user)
    assert volunteer.get("/grids/visits/due/").status_code == 200
    assert volunteer.get("/grids/disputes/").status_code == 200
    assert volunteer.get("/staff/intake/").status_code == 200


@pytest.mark.parametrize(
    ("role", "area_attr"),
    [
        (PostRole.GRID_VOLUNTEER, "compound"),  # wrong level for the role
        (PostRole.SECOND_BUILDING_HEAD, "other_microgrid"),  # not a compound, other community
        (PostRole.COMMUNITY_DISPATCHER, "community"),  # not a post the community grants
        ("", ""),
    ],
)
def test_bad_grants_get_a_message_and_change_nothing(world, member, role, area_attr):
    area = getattr(world, area_attr).code if area_attr else "<script>"
    response = staff(world.dispatcher).post(
        f"/party/staff/members/{member.pk}/grant/", {"role": role, "area": area}, follow=True
    )
    assert response.status_code == 200
    assert "msg-error" in response.content.decode() or "error" in response.content.decode()
    assert list(Post.objects.filter(user=member.user).values_list("role", flat=True)) == [
        PostRole.PARTY_MEMBER
    ]


def test_only_the_members_community_grants(world, member):
    pending = register(world.community, phone="13500135077", name="孙明")
    outsider = staff(world.other_dispatcher)
    assert (
        outsider.post(
            f"/party/staff/members/{member.pk}/grant/",
            {"role": PostRole.GRID_VOLUNTEER, "area": world.grid.code},
        ).status_code
        == 404
    )
    staff(world.dispatcher).post(
        f"/party/staff/members/{pending.pk}/grant/",
        {"role": PostRole.GRID_VOLUNTEER, "area": world.grid.code},
    )
    assert (
        staff(world.grid_leader)
        .post(
            f"/party/staff/members/{member.pk}/grant/",
            {"role": PostRole.GRID_VOLUNTEER, "area": world.grid.code},
        )
        .status_code
        == 404
    )
    assert set(Post.objects.values_list("role", flat=True)) >= {PostRole.PARTY_MEMBER}
    assert not Post.objects.filter(role=PostRole.GRID_VOLUNTEER).exists()
    # Revoking someone else's post, or a party-member post, is refused.
    party_post = Post.objects.get(user=member.user, role=PostRole.PARTY_MEMBER)
    staff(world.dispatcher).post(
        f"/party/staff/members/{member.pk}/revoke/", {"post": str(party_post.pk)}
    )
    assert Post.objects.filter(pk=party_post.pk).exists()
