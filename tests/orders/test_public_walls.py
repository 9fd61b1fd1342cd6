"""The community walls: anonymised, paginated, constant query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import services
from orders.lifecycle import Tier
from orders.models import Rating
from orders.selectors.public import scrub

pytestmark = pytest.mark.django_db


def _answer(world, order, rating=None):
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    services.order_sign(order_id=order.pk, actor=world.property_manager)
    services.order_resolve(
        order_id=order.pk,
        actor=world.property_manager,
        result_note="已联系王阿姨（13912345678）更换灯泡",
    )
    if rating:
        services.order_rate(order_id=order.pk, rating=rating)


def test_walls_never_show_names_phones_or_microgrids(client, world):
    open_order = world.place(description="王阿姨家门口灯坏了，电话13800138000，座机 0573-84123456")
    answered = world.place(description="楼下垃圾没人清，请联系王阿姨 138 0013 8000")
    _answer(world, answered, Rating.SATISFIED)
    for tab in ("problems", "echo"):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            html = client.get(
                f"/wall/{world.community.code}/", {"tab": tab}, **headers
            ).content.decode()
            for secret in (
                "王阿姨",
                "13800138000",
                "138 0013 8000",
                "13912345678",
                "84123456",
                "1栋1单元",
                open_order.tracking_token,
                answered.tracking_token,
                "<img",
            ):
                assert secret not in html, (tab, secret)
            assert "桂花苑" in html
    problems = client.get(f"/wall/{world.community.code}/").content.decode()
    assert "门口灯坏了" in problems and "1**********" in problems and "垃圾没人清" not in problems
    echo = client.get(f"/wall/{world.community.code}/?tab=echo").content.decode()
    assert (
        "垃圾没人清" in echo and "更换灯泡" in echo and "满意" in echo and "门口灯坏了" not in echo
    )


def test_counts_on_top(client, world):
    a, b, _c = world.place(), world.place(), world.place()
    _answer(world, a, Rating.SATISFIED)
    _answer(world, b, Rating.DISSATISFIED)
    html = client.get(f"/wall/{world.community.code}/").content.decode()
    # b went back for redo; a answered. 1 of 3 answered, satisfaction 1 of 2 ratings.
    assert "<strong>1</strong> / 共 3 件" in html and "50.0%" in html


def test_other_communities_orders_are_not_on_the_wall(client, world):
    world.place(area=world.other_microgrid, description="西湖社区的事情")
    assert "西湖社区的事情" not in client.get(f"/wall/{world.community.code}/").content.decode()


def test_unknown_community_and_garbage_page(client, world):
    assert client.get("/wall/NOPE/").status_code == 404
    assert client.get(f"/wall/{world.grid.code}/").status_code == 404
    assert client.get(f"/wall/{world.community.code}/?page=abc&tab=zzz").status_code == 200
    assert client.get(f"/wall/{world.community.code}/?page=999").status_code == 200


def _wall_queries(client, world, tab) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/wall/{world.community.code}/", {"tab": tab})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("tab", ["problems", "echo"])
def test_query_count_is_constant(client, world, tab):
    def add(n):
        for i in range(n):
            order = world.place(description=f"第{i}件事情需要处理")
            if tab == "echo":
                services.order_dispatch(
                    order_id=order.pk,
                    actor=world.dispatcher,
                    tier=Tier.PROPERTY,
                    handler_user=world.property_manager,
                )
                services.order_sign(order_id=order.pk, actor=world.property_manager)
                services.order_resolve(
                    order_id=order.pk, actor=world.property_manager, result_note="已处理"
                )

    add(5)
    few = _wall_queries(client, world, tab)
    add(25)
    many = _wall_queries(client, world, tab)
    assert few == many <= 6


def test_scrub():
    assert scrub("电话13800138000。") == "电话1**********。"
    assert scrub("身份证330421199001011234") == "身份证******************"
    assert scrub("3栋2单元401室") == "3栋2单元401室"
    assert scrub("张三说好", names=("张三",)) == "**说好"


@pytest.mark.parametrize(
    "url",
    [
        "/wall/%00/",
        "/r/%00/",
        "/r/?community=%00&grid=%00",
        "/r/%00/qr.png",
        "/t/%00/photos/1/",
        "/t/%00/ok/",
    ],
)
def test_nul_bytes_never_reach_the_database(client, world, url):
    assert client.get(url).status_code in (200, 404)


def test_walls_use_residents_words_for_statuses(client, world):
    waiting = world.place(description="楼道灯坏了")
    extended = world.place(description="水管漏水")
    services.order_dispatch(
        order_id=extended.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    services.order_sign(order_id=extended.pk, actor=world.property_manager)
    extended.refresh_from_db()
    services.order_request_extension(
        order_id=extended.pk,
        actor=world.property_manager,
        until=extended.resolve_due_at + timedelta(days=3),
        reason="等配件",
    )
    html = client.get(f"/wall/{world.community.code}/").content.decode()
    assert waiting.reference and "已受理，正在安排" in html and "正在办理" in html
    for internal in ("待派单", "延期待审", "待签收"):
        assert internal not in html
