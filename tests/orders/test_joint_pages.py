"""Issue 12's pages: the department inbox, the unit liaison's co-handling and claims, the
order detail's whistle and co-handling card — scoped, query counts fixed, bad input
refused with a message and nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grids.access import access_for
from grids.navigation import navigation_for
from orders import services
from orders.lifecycle import Action, CoStatus, Status, WhistleStatus
from orders.models import CoHandler, OrderEvent, Whistle
from tests.orders.joint_helpers import add_joint, led_by_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(world):
    return add_joint(world)


def detail(order):
    return reverse("orders:staff_order", args=[order.pk])


def test_a_dispatcher_blows_the_whistle_from_the_detail(world, joint, client):
    order = world.place()
    client.force_login(world.dispatcher)
    html = client.get(detail(order)).content.decode()
    assert 'data-joint="whistle"' in html and "区市场监管局" in html
    response = client.post(
        reverse("orders:whistle_blow", args=[order.pk]),
        {"department": joint.market.pk, "note": "占道经营"},
    )
    assert response.status_code == 302 and response["Location"] == detail(order)
    whistle = Whistle.objects.get(order=order)
    html = client.get(detail(order)).content.decode()
    assert f'data-whistle="{whistle.pk}"' in html and "吹哨" in html
    assert 'data-action="whistle"' in html  # the timeline row


@pytest.mark.parametrize(
    "post",
    [
        {"department": "", "note": "x"},
        {"department": "abc", "note": "x"},
        {"department": "99999999999999999999", "note": "x"},
        {"department": "1", "note": ""},
        {"note": "x" * 2000},
    ],
)
def test_bad_whistle_input_is_told_and_writes_nothing(world, joint, client, post):
    order = world.place()
    client.force_login(world.dispatcher)
    post = post | ({"department": joint.market.pk} if post.get("department") == "1" else {})
    before = OrderEvent.objects.count()
    response = client.post(reverse("orders:whistle_blow", args=[order.pk]), post, follow=True)
    assert response.status_code == 200
    assert "msg-error" in response.content.decode()
    assert OrderEvent.objects.count() == before and not Whistle.objects.exists()


def test_the_department_inbox_reports_and_resolves(world, joint, client, django_assert_num_queries):
    orders = [world.place() for _ in range(3)]
    for order in orders:
        services.whistle_blow(
            order_id=order.pk, actor=world.dispatcher, department=joint.market, note="到场"
        )
    services.whistle_blow(
        order_id=orders[0].pk, actor=world.dispatcher, department=joint.urban, note="别家"
    )
    client.force_login(joint.market_staff)
    client.get("/")  # the session's first read
    # session, user, posts, whistles (one query for all sections)
    with django_assert_num_queries(4):
        response = client.get(reverse("orders:department_inbox"))
    html = response.content.decode()
    assert html.count("data-whistle=") == 3 and "街道综合执法队" not in html
    whistle = Whistle.objects.filter(department=joint.market).first()
    client.post(
        reverse("orders:whistle_act", args=[whistle.pk, "report"]),
        {"expected_status": "blown", "back": "department"},
    )
    response = client.post(
        reverse("orders:whistle_act", args=[whistle.pk, "resolve"]),
        {"expected_status": "reported", "back": "department", "note": "已责令整改"},
    )
    assert response["Location"] == reverse("orders:department_inbox")
    whistle.refresh_from_db()
    assert whistle.status == WhistleStatus.RESOLVED and whistle.result_note == "已责令整改"
    # The order detail is open to the department (what was whistled to it) …
    assert client.get(detail(whistle.order)).status_code == 200
    # … and nothing else: another order of the same street answers 404.
    assert client.get(detail(world.place())).status_code == 404
    assert client.get(reverse("orders:staff_board")).status_code == 404


def test_the_department_inbox_query_count_does_not_grow(
    world, joint, client, django_assert_num_queries
):
    client.force_login(joint.market_staff)
    client.get("/")
    with django_assert_num_queries(4):
        client.get(reverse("orders:department_inbox"))
    for _ in range(5):
        order = world.place()
        services.whistle_blow(
            order_id=order.pk, actor=world.dispatcher, department=joint.market, note="到场"
        )
    with django_assert_num_queries(4):
        client.get(reverse("orders:department_inbox"))


def test_other_roles_do_not_get_the_new_pages(world, joint, client):
    for user in (world.dispatcher, world.property_manager, world.street_official):
        client.force_login(user)
        assert client.get(reverse("orders:department_inbox")).status_code == 404
        assert client.get(reverse("orders:unit_work")).status_code == 404
    client.force_login(joint.market_staff)
    assert client.get(reverse("orders:unit_work")).status_code == 404


def test_navigation_shows_each_role_its_page(joint, world):
    names = {i["name"] for i in navigation_for(access_for(joint.market_staff))}
    assert "orders:department_inbox" in names
    assert not names & {"grids:area_tree", "orders:staff_board", "orders:staff_intake"}
    names = {i["name"] for i in navigation_for(access_for(world.unit_liaison))}
    assert {"orders:unit_work", "orders:staff_intake", "orders:staff_inbox"} <= names


def test_the_unit_page_signs_reports_and_claims(world, joint, client, django_assert_num_queries):
    order = led_by_unit(world)
    co = services.cohandler_invite(
        order_id=order.pk, actor=world.dispatcher, unit=joint.school, part="组织志愿者清理"
    )
    waiting = world.place()
    world.place(area=world.other_microgrid)  # another community: not claimable
    client.force_login(joint.school_liaison)
    client.get("/")
    # session, user, posts, units, parts, communities, claimable orders
    with django_assert_num_queries(7):
        html = client.get(reverse("orders:unit_work")).content.decode()
    assert f'data-cohandler="{co.pk}"' in html
    assert f'data-order="{waiting.pk}"' in html and html.count("data-order=") == 1
    url = reverse("orders:cohandler_act", args=[co.pk, "sign"])
    client.post(url, {"expected_status": "invited", "back": "unit"})
    client.post(
        reverse("orders:cohandler_act", args=[co.pk, "report"]),
        {"expected_status": "signed", "back": "unit", "note": "清理完毕"},
    )
    assert CoHandler.objects.get(pk=co.pk).status == CoStatus.REPORTED
    response = client.post(
        reverse("orders:unit_claim", args=[waiting.pk]),
        {"expected_status": "awaiting_dispatch", "back": "unit", "unit": joint.school.pk},
    )
    assert response["Location"] == reverse("orders:unit_work")
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROGRESS and waiting.handler_unit == joint.school
    # The lead sees the co-handler's part in the order's timeline.
    client.force_login(world.unit_liaison)
    html = client.get(detail(order)).content.decode()
    assert "清理完毕" in html and 'data-action="co_report"' in html


@pytest.mark.parametrize("unit", ["", "x", "-1", "99999999"])
def test_bad_claims_and_invites_change_nothing(world, joint, client, unit):
    waiting = world.place()
    order = led_by_unit(world)
    client.force_login(joint.school_liaison)
    client.post(reverse("orders:unit_claim", args=[waiting.pk]), {"unit": unit})
    client.force_login(world.dispatcher)
    client.post(reverse("orders:cohandler_invite", args=[order.pk]), {"unit": unit, "part": "x"})
    waiting.refresh_from_db()
    assert waiting.status == Status.AWAITING_DISPATCH and not CoHandler.objects.exists()


def test_unknown_actions_and_rows_outside_the_scope_answer_404(world, joint, client):
    order = world.place()
    whistle = services.whistle_blow(
        order_id=order.pk, actor=world.dispatcher, department=joint.market, note="到场"
    )
    client.force_login(joint.urban_staff)
    assert (
        client.post(reverse("orders:whistle_act", args=[whistle.pk, "report"])).status_code == 404
    )
    client.force_login(joint.market_staff)
    assert client.post(f"/staff/whistles/{whistle.pk}/explode/").status_code == 404
    assert client.get(reverse("orders:whistle_act", args=[whistle.pk, "report"])).status_code == 405
    client.force_login(world.other_dispatcher)
    assert client.post(reverse("orders:whistle_blow", args=[order.pk]), {}).status_code == 404
    assert Whistle.objects.get(pk=whistle.pk).status == WhistleStatus.BLOWN
    assert not OrderEvent.objects.filter(action=Action.WHISTLE_REPORT).exists()
