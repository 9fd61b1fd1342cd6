"""The open pool (党员接单): a dispatcher puts an order into the community's pool; a
verified member of that community sees it anonymised, claims it (one claimer), handles
it like a handler or hands it back with a reason; the resident rates it and a satisfied
rating earns the member points once. Scope, bad input and query budgets of the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orders import services
from orders.errors import OrderError
from orders.lifecycle import Action, Status, Tier
from orders.models import Order, Rating
from parties import points
from parties.models import PointEntry, PointKind
from tests.parties.helpers import register, verified_member

pytestmark = pytest.mark.django_db

NAME, PHONE = "王阿姨", "13800138000"


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pooled(world, **overrides) -> Order:
    order = world.place(**overrides)
    return services.order_to_pool(order_id=order.pk, actor=world.dispatcher, note="适合党员")


def test_the_pool_from_claim_to_points(world, member, settings):
    settings.SIDAN_POINTS_POOL_ORDER = 12
    order = pooled(world, description="楼下路灯不亮，联系我 13800138000")
    client = staff(member.user)
    page = client.get("/staff/pool/").content.decode()
    # Anonymised: no name, no phone, not even the one the resident typed in the text.
    assert f'data-order="{order.pk}"' in page
    assert PHONE not in page and NAME not in page and "楼下路灯不亮" in page
    # The place is the compound, not the stairwell (as on the walls).
    assert world.compound.name in page and world.microgrid.name not in page
    # Before claiming, the order's page masks the resident too.
    detail = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert PHONE not in detail and NAME not in detail and "认领接单" in detail
    response = client.post(
        f"/staff/orders/{order.pk}/act/claim/",
        {"expected_status": Status.IN_POOL, "return_to": "pool"},
    )
    assert response.status_code == 302 and response["Location"] == "/staff/pool/"
    order.refresh_from_db()
    assert (order.status, order.handler_user, order.pool_member, order.tier) == (
        Status.IN_PROGRESS,
        member.user,
        member,
        world.category.default_tier,
    )
    assert order.resolve_due_at is not None
    # Claimed: now the member sees who to call, and handles it like a handler.
    detail = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert PHONE in detail and NAME in detail
    assert "退回接单池" in detail and "办结反馈" in detail
    client.post(
        f"/staff/orders/{order.pk}/act/resolve/",
        {"expected_status": Status.IN_PROGRESS, "result_note": "已换灯泡"},
    )
    assert Order.objects.get(pk=order.pk).status == Status.AWAITING_RATING
    assert points.points_balance(member=member) == 0
    services.order_rate(order_id=order.pk, rating=Rating.SATISFIED)
    assert points.points_balance(member=member) == 12
    entry = PointEntry.objects.get(member=member)
    assert (entry.kind, entry.source) == (PointKind.POOL_ORDER, f"order:{order.pk}")
    # Redelivered (the resident taps twice): counted once.
    services.order_rate(order_id=order.pk, rating=Rating.SATISFIED)
    from orders.services.pool_points import award_pool_points

    award_pool_points(Order.objects.get(pk=order.pk))
    assert points.points_balance(member=member) == 12
    page = client.get("/staff/pool/").content.decode()
    assert f'data-order="{order.pk}"' in page and "满意" in page


@pytest.mark.parametrize(("rating", "earned"), [(Rating.BASIC, 5), (Rating.DISSATISFIED, 0)])
def test_points_follow_the_rating(world, member, rating, earned):
    order = pooled(world)
    services.order_claim(order_id=order.pk, actor=member.user)
    services.order_resolve(order_id=order.pk, actor=member.user, result_note="已处理")
    services.order_rate(order_id=order.pk, rating=rating)
    assert points.points_balance(member=member) == earned


def test_a_redo_handled_by_someone_else_earns_the_member_nothing(world, member):
    order = pooled(world)
    services.order_claim(order_id=order.pk, actor=member.user)
    services.order_resolve(order_id=order.pk, actor=member.user, result_note="已处理")
    services.order_rate(order_id=order.pk, rating=Rating.DISSATISFIED)
    services.order_dispatch(
        order_id=order.pk, actor=world.dispatcher, tier=Tier.GRID, handler_user=world.grid_leader
    )
    services.order_sign(order_id=order.pk, actor=world.grid_leader)
    services.order_resolve(order_id=order.pk, actor=world.grid_leader, result_note="重新处理")
    services.order_rate(order_id=order.pk, rating=Rating.SATISFIED)
    assert points.points_balance(member=member) == 0


def test_the_second_claimer_is_told_who_claimed_it(world, member):
    second = verified_member(world, phone="13500135002", name="周建国")
    order = pooled(world)
    seen = services.order_version(order_id=order.pk)
    services.order_claim(
        order_id=order.pk, actor=member.user, expected_status=Status.IN_POOL, expected_version=seen
    )
    response = staff(second.user).post(
        f"/staff/orders/{order.pk}/act/claim/",
        {"expected_status": Status.IN_POOL, "expected_version": seen, "return_to": "pool"},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "无法认领接单" in page and "李红梅" in page
    assert Order.objects.get(pk=order.pk).pool_member == member


def test_only_verified_members_of_the_community_claim(world, member):
    order = pooled(world)
    pending = register(world.community, phone="13500135055", name="孙明")
    outsider = verified_member(world, phone="13500135066", community=world.other_community)
    for user in (world.grid_leader, world.property_manager):
        with pytest.raises(OrderError) as refused:
            services.order_claim(order_id=order.pk, actor=user)
        assert refused.value.code == "forbidden"
    assert pending.user is None  # a pending registration has no login at all
    # The other community's member: the order is out of their sight entirely.
    client = staff(outsider.user)
    assert f'data-order="{order.pk}"' not in client.get("/staff/pool/").content.decode()
    assert client.post(f"/staff/orders/{order.pk}/act/claim/").status_code == 404
    with pytest.raises(OrderError):
        services.order_claim(order_id=order.pk, actor=outsider.user)
    assert Order.objects.get(pk=order.pk).status == Status.IN_POOL


def test_handing_back_needs_a_reason_and_reopens_the_pool(world, member):
    order = pooled(world)
    services.order_claim(order_id=order.pk, actor=member.user)
    client = staff(member.user)
    response = client.post(
        f"/staff/orders/{order.pk}/act/return_to_pool/",
        {"expected_status": Status.IN_PROGRESS, "reason": "  "},
    )
    assert response.status_code == 200  # the form again, with its error
    assert Order.objects.get(pk=order.pk).status == Status.IN_PROGRESS
    client.post(
        f"/staff/orders/{order.pk}/act/return_to_pool/",
        {"expected_status": Status.IN_PROGRESS, "reason": "需要专业电工"},
    )
    order.refresh_from_db()
    assert (order.status, order.handler_user, order.pool_member) == (Status.IN_POOL, None, None)
    assert order.events.filter(action=Action.RETURN_TO_POOL, note="需要专业电工").exists()
    # A grid leader holding an ordinary order cannot "return it to the pool".
    other = world.place()
    services.order_dispatch(
        order_id=other.pk, actor=world.dispatcher, tier=Tier.GRID, handler_user=world.grid_leader
    )
    services.order_sign(order_id=other.pk, actor=world.grid_leader)
    with pytest.raises(OrderError) as refused:
        services.order_return_to_pool(order_id=other.pk, actor=world.grid_leader, reason="x")
    assert refused.value.code == "forbidden"


def test_the_dispatcher_pools_and_withdraws_on_the_order_page(world, member):
    order = world.place()
    client = staff(world.dispatcher)
    assert "放入接单池" in client.get(f"/staff/orders/{order.pk}/").content.decode()
    client.post(
        f"/staff/orders/{order.pk}/act/to_pool/", {"expected_status": Status.AWAITING_DISPATCH}
    )
    assert Order.objects.get(pk=order.pk).status == Status.IN_POOL
    page = client.get("/staff/pool/").content.decode()
    assert f'data-order="{order.pk}"' in page
    client.post(
        f"/staff/orders/{order.pk}/act/withdraw_pool/",
        {"expected_status": Status.IN_POOL, "reason": "久无人接"},
    )
    order.refresh_from_db()
    assert (order.status, order.queue_reason) == (Status.AWAITING_DISPATCH, "returned")
    # Not a dispatcher: the handler cannot pool an order.
    with pytest.raises(OrderError):
        services.order_to_pool(order_id=order.pk, actor=world.property_manager)
    # The resident's tracking page says what happened in plain words.
    services.order_to_pool(order_id=order.pk, actor=world.dispatcher)
    tracking = Client().get(f"/t/{order.tracking_token}/").content.decode()
    assert "党员接单池" in tracking


def test_the_pool_page_is_for_members_and_dispatchers(world, member):
    assert Client().get("/staff/pool/").status_code == 302
    for user in (world.property_manager, world.grid_leader, world.unit_liaison):
        assert staff(user).get("/staff/pool/").status_code == 404
    assert staff(world.dispatcher).get("/staff/pool/").status_code == 200
    assert staff(world.street_official).get("/staff/pool/").status_code == 200
    # The other community's dispatcher does not see our pool.
    order = pooled(world)
    page = staff(world.other_dispatcher).get("/staff/pool/").content.decode()
    assert f'data-order="{order.pk}"' not in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_pool_page_reads_a_fixed_number_of_queries(
    world, member, django_assert_max_num_queries
):
    first = pooled(world)
    services.order_claim(order_id=first.pk, actor=member.user)
    pooled(world)
    member_client, dispatcher_client = staff(member.user), staff(world.dispatcher)
    few = _queries(member_client, "/staff/pool/"), _queries(dispatcher_client, "/staff/pool/")
    for _ in range(6):
        order = pooled(world)
    services.order_claim(order_id=order.pk, actor=member.user)
    many = _queries(member_client, "/staff/pool/"), _queries(dispatcher_client, "/staff/pool/")
    assert few == many  # no query per row
    with django_assert_max_num_queries(9):
        member_client.get("/staff/pool/")
    with django_assert_max_num_queries(9):
        dispatcher_client.get("/staff/pool/")


def test_pool_orders_and_their_ratings_in_the_service_record(
    world, member, django_assert_max_num_queries
):
    import io

    from openpyxl import load_workbook

    from orders.lifecycle import Status as S

    closed = pooled(world, description="帮忙搬运旧家具")
    services.order_claim(order_id=closed.pk, actor=member.user)
    services.order_resolve(order_id=closed.pk, actor=member.user, result_note="已搬好")
    services.order_rate(order_id=closed.pk, rating=Rating.SATISFIED)
    open_one = pooled(world)
    services.order_claim(order_id=open_one.pk, actor=member.user)
    client = staff(world.dispatcher)
    with django_assert_max_num_queries(15):
        page = client.get(f"/party/staff/members/{member.pk}/").content.decode()
    assert 'id="service-pool_orders"' in page
    closed.refresh_from_db()
    assert closed.reference in page and open_one.reference in page and "满意" in page
    book = load_workbook(
        io.BytesIO(client.get(f"/party/staff/members/{member.pk}/export/").content)
    )
    rows = list(book["党员接单"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {closed.reference, open_one.reference}
    by_ref = {r[0]: r for r in rows}
    assert by_ref[closed.reference][2] == S.CLOSED.label and by_ref[closed.reference][5] == "满意"
    month = client.get(
        f"/party/staff/members/export/?community={world.community.code}&month={closed.closed_at:%Y-%m}"
    )
    sheet = load_workbook(io.BytesIO(month.content)).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    assert header[5] == "接单办结（满意）" and first[5] == 1 and first[6] == 10
