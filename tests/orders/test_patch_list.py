"""本片工单: every staff role lists the orders of its patch, with the board's filters, and
can add a follow-up note; the detail's breadcrumb leads only to pages the user has."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids.models import Post, PostRole
from orders import services
from orders.lifecycle import Action, Tier

from .staff_helpers import board_refs, dispatched

PATCH = "/staff/patch/"

# Where each role is posted in the world.
POSTED_AT = {
    PostRole.COMMUNITY_DISPATCHER: "community",
    PostRole.STREET_OFFICIAL: "street",
    PostRole.GRID_LEADER: "grid",
    PostRole.GRID_WORKER: "grid",
    PostRole.BUILDING_HEAD: "compound",
    PostRole.MICROGRID_LEADER: "microgrid",
    PostRole.PROPERTY_MANAGER: "compound",
    PostRole.UNIT_LIAISON: "community",
}


def staff(world, role: str):
    user = get_user_model().objects.create_user(
        username=f"p_{role}", password="pw", first_name="明", last_name="李"
    )
    Post.objects.create(
        user=user,
        role=role,
        area=getattr(world, POSTED_AT[role]),
        member_unit=world.unit if role == PostRole.UNIT_LIAISON else None,
    )
    return user


@pytest.mark.parametrize("role", list(POSTED_AT))
def test_every_role_lists_its_patch_and_nothing_outside(world, client, role):
    mine = world.place(description="本片的事")
    outside = world.place(area=world.other_microgrid, resident_phone="13900009999")
    if role == PostRole.UNIT_LIAISON:
        # A liaison's patch is what was dispatched to their unit (issue 12), not the
        # whole community.
        unseen = world.place(resident_phone="13900008888")
        services.order_dispatch(
            order_id=mine.pk, actor=world.dispatcher, tier=Tier.MEMBER_UNIT, handler_unit=world.unit
        )
    user = staff(world, role)
    client.force_login(user)
    response = client.get(PATCH)
    assert response.status_code == 200
    refs = board_refs(response.content.decode())
    assert mine.reference in refs
    if role != PostRole.STREET_OFFICIAL:
        assert outside.reference not in refs
    if role == PostRole.UNIT_LIAISON:
        assert unseen.reference not in refs
    # every row opens, and offers a follow-up note
    detail = client.get(f"/staff/orders/{mine.pk}/").content.decode()
    assert 'data-action="note"' in detail
    crumbs = detail.split('class="crumbs"')[1].split("</p>")[0]
    assert 'href="/staff/patch/"' in crumbs
    if role in (PostRole.GRID_WORKER, PostRole.BUILDING_HEAD, PostRole.MICROGRID_LEADER):
        assert "/staff/inbox/" not in crumbs  # the inbox is not theirs: no 404 link


def test_party_members_have_no_patch_list(world, client):
    user = get_user_model().objects.create_user(username="member", password="pw")
    Post.objects.create(user=user, role=PostRole.PARTY_MEMBER, area=world.community)
    client.force_login(user)
    assert client.get(PATCH).status_code == 404


def test_a_building_head_sees_only_its_compound(world, client):
    mine = world.place()
    grid_only = world.place(area=world.grid, resident_phone="13900001234")
    head = staff(world, PostRole.BUILDING_HEAD)
    client.force_login(head)
    refs = board_refs(client.get(PATCH).content.decode())
    assert mine.reference in refs and grid_only.reference not in refs


def test_grid_worker_adds_a_follow_up_note_but_cannot_act(world, client):
    order = world.place()
    worker = staff(world, PostRole.GRID_WORKER)
    client.force_login(worker)
    html = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert 'data-action="dispatch"' not in html and 'data-action="ask_resident"' not in html
    response = client.post(
        f"/staff/orders/{order.pk}/act/note/",
        {"expected_status": "awaiting_dispatch", "note": "已上门看过，灯罩也坏了"},
    )
    assert response.status_code == 302
    note = order.events.get(action=Action.NOTE)
    assert note.actor == worker and note.note == "已上门看过，灯罩也坏了"
    response = client.post(
        f"/staff/orders/{order.pk}/act/dispatch/",
        {"expected_status": "awaiting_dispatch", "tier": Tier.PROPERTY, "handler": "1"},
    )
    order.refresh_from_db()
    assert order.status == "awaiting_dispatch"


def test_filters_sort_and_hostile_input(world, client):
    urgent = world.place(urgency="emergency", description="煤气味很重")
    normal = world.place(resident_phone="13900004321", description="路灯不亮")
    worker = staff(world, PostRole.GRID_WORKER)
    client.force_login(worker)
    assert board_refs(client.get(PATCH, {"q": "煤气"}).content.decode()) == [urgent.reference]
    assert board_refs(client.get(PATCH, {"sort": "-placed"}).content.decode()) == [
        normal.reference,
        urgent.reference,
    ]
    for params in (
        {"queue": "../../etc"},
        {"status": "nope"},
        {"category": "x"},
        {"grid": "LX99"},
        {"page": "-1"},
        {"sort": "'"},
        {"q": "x" * 500},
    ):
        assert client.get(PATCH, params).status_code == 200, params


def test_the_patch_list_hides_contact_details_in_descriptions(world, client):
    world.place(description="请打电话 13912345678 给我")
    client.force_login(staff(world, PostRole.MICROGRID_LEADER))
    assert "13912345678" not in client.get(PATCH).content.decode()


def test_patch_query_count_does_not_grow_with_rows(world, client):
    worker = staff(world, PostRole.GRID_WORKER)
    client.force_login(worker)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PATCH, {"queue": "all"}).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        dispatched(world)
    few = count()
    for _ in range(20):
        dispatched(world)
    # session, user, posts, grids (filter), categories (filter), count, rows
    assert few == count() == 7
