"""The pages: the resident's wish page and registration (proved phone), the member's home,
staff lists; scope, anonymisation and query budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from orders import verification
from parties.models import MemberStatus, MicroWish, PartyMember
from parties.wishes.lifecycle import WishStatus
from tests.parties.helpers import PASSWORD, RESIDENT_PHONE, verified_member, wish_in

pytestmark = pytest.mark.django_db


def resident(phone=RESIDENT_PHONE) -> Client:
    client = Client()
    session = client.session
    verification.remember_verified(session, phone=phone)
    session.save()
    return client


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_resident_posts_a_wish_and_confirms_it(world, member):
    client = resident()
    url = f"/c/{world.community.code}/wishes/"
    response = client.post(
        url,
        {
            "category": "study",
            "description": "想要一个书包",
            "needed_by": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    wish = MicroWish.objects.get(description="想要一个书包")
    assert wish.status == WishStatus.POSTED and wish.poster_phone == RESIDENT_PHONE
    # Bad input: a clear message, nothing written.
    response = client.post(url, {"category": "evil", "description": "", "needed_by": "2999-99-99"})
    assert response.status_code == 200 and MicroWish.objects.count() == 1
    done = wish_in(world, member, WishStatus.FULFILLED)
    response = client.post(url, {"action": "confirm", "wish": str(done.pk)})
    assert MicroWish.objects.get(pk=done.pk).status == WishStatus.CONFIRMED
    page = client.get(url).content.decode()
    assert "李同志" in page and RESIDENT_PHONE not in page


def test_the_public_page_never_shows_phones_and_needs_a_proved_phone(world, member):
    wish_in(world, member, WishStatus.OPEN)
    page = Client().get(f"/c/{world.community.code}/wishes/").content.decode()
    assert "想要一套初中数学辅导书" in page and RESIDENT_PHONE not in page
    assert 'id="wish-form"' not in page and 'id="phone-step"' in page
    response = Client().post(
        f"/c/{world.community.code}/wishes/",
        {"category": "study", "description": "x", "needed_by": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200 and not MicroWish.objects.filter(description="x").exists()


def test_registration_from_a_proved_phone(world):
    client = resident("13500135077")
    response = client.post(
        f"/c/{world.community.code}/join/",
        {"name": "王建", "employer": "区医院", "branch": "一支部", "password": PASSWORD},
    )
    assert response.status_code == 302
    member = PartyMember.objects.get(phone="13500135077")
    assert member.status == MemberStatus.PENDING and member.password_hash != PASSWORD
    staff(world.dispatcher).post(f"/party/staff/members/{member.pk}/verify/")
    assert PartyMember.objects.get(pk=member.pk).status == MemberStatus.VERIFIED
    assert Client().login(username="13500135077", password=PASSWORD)


def test_the_member_home_shows_the_pool_of_their_community_only(
    world, member, django_assert_max_num_queries
):
    ours = wish_in(world, member, WishStatus.OPEN)
    other_member = verified_member(world, phone="13500135009", community=world.other_community)
    theirs = wish_in(world, other_member, WishStatus.POSTED)
    theirs.community, theirs.community_path = world.other_community, world.other_community.path
    MicroWish.objects.filter(pk=theirs.pk).update(
        community=world.other_community, community_path=world.other_community.path
    )
    client = staff(member.user)
    for _ in range(3):
        wish_in(world, member, WishStatus.CONFIRMED)
    with django_assert_max_num_queries(14):
        page = client.get("/party/").content.decode()
    assert f'data-wish="{ours.pk}"' in page and f'data-wish="{theirs.pk}"' not in page
    assert RESIDENT_PHONE not in page
    client.post(f"/party/wishes/{ours.pk}/claim/")
    assert MicroWish.objects.get(pk=ours.pk).claimed_member == member
    client.post(f"/party/wishes/{ours.pk}/fulfil/", {"note": "送到了"})
    assert MicroWish.objects.get(pk=ours.pk).status == WishStatus.FULFILLED
    # Another community's wish: 404, not a page.
    assert client.post(f"/party/wishes/{theirs.pk}/claim/").status_code == 404


def test_the_member_home_is_only_for_verified_members(world):
    assert staff(world.dispatcher).get("/party/").status_code == 404
    assert Client().get("/party/").status_code == 302


def test_staff_see_their_communitys_members_only(world, member, django_assert_max_num_queries):
    other = verified_member(world, phone="13500135009", community=world.other_community)
    for i in range(5):
        verified_member(world, phone=f"1350013510{i}", name=f"成员{i}")
    client = staff(world.dispatcher)
    with django_assert_max_num_queries(14):
        page = client.get("/party/staff/members/").content.decode()
    assert f'data-member="{member.pk}"' in page and f'data-member="{other.pk}"' not in page
    assert client.get(f"/party/staff/members/{other.pk}/").status_code == 404
    assert client.post(f"/party/staff/members/{other.pk}/redeem/").status_code == 404
    with django_assert_max_num_queries(14):
        assert client.get(f"/party/staff/members/{member.pk}/").status_code == 200
    assert staff(world.property_manager).get("/party/staff/members/").status_code == 404


def test_staff_wish_list_highlights_stale_wishes(world, member, django_assert_max_num_queries):
    wish = wish_in(world, member, WishStatus.OPEN)
    for status in WishStatus.values:
        wish_in(world, member, status)
    MicroWish.objects.filter(pk=wish.pk).update(verified_at=timezone.now() - timedelta(days=30))
    client = staff(world.dispatcher)
    with django_assert_max_num_queries(14):
        page = client.get("/party/staff/wishes/").content.decode()
    assert 'id="stale-note"' in page and 'class="stale"' in page
    client.post(f"/party/staff/wishes/{wish.pk}/release/")
    assert MicroWish.objects.get(pk=wish.pk).released_at is not None
    assert (
        staff(world.other_dispatcher).post(f"/party/staff/wishes/{wish.pk}/verify/").status_code
        == 404
    )


def test_a_grid_worker_posts_a_wish_for_a_resident(world):
    from django.contrib.auth import get_user_model

    from grids.models import Post, PostRole

    worker = get_user_model().objects.create_user(username="gw", password="pw")
    Post.objects.create(user=worker, role=PostRole.GRID_WORKER, area=world.grid)
    client = staff(worker)
    page = client.get("/party/staff/wishes/").content.decode()
    assert world.community.code in page and world.other_community.code not in page
    client.post(
        "/party/staff/wishes/",
        {
            "community": world.community.code,
            "category": "care",
            "description": "独居老人希望有人陪着去医院",
            "needed_by": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    wish = MicroWish.objects.get()
    assert wish.posted_by == worker and wish.poster_phone == ""
    assert f'data-wish="{wish.pk}"' in client.get("/party/staff/wishes/").content.decode()
    # Not theirs to decide.
    assert client.post(f"/party/staff/wishes/{wish.pk}/verify/").status_code == 404
