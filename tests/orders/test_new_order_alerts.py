"""New orders reach the dispatchers: 特急/紧急 at once, the others in a periodic digest;
the board's counts poll a small endpoint."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import clock
from orders.calendar import SHANGHAI
from orders.models import OutboxMessage
from orders.services.alerts import digest_window, send_new_order_digests
from orders.tasks import new_order_digest

COUNTS = "/staff/board/counts/"
T0 = datetime(2026, 3, 9, 10, 20, tzinfo=SHANGHAI)


def messages(template, **filters):
    return OutboxMessage.objects.filter(template=template, **filters)


def test_urgent_and_emergency_orders_reach_the_dispatchers_at_once(world):
    with clock.travel_to(T0):
        emergency = world.place(urgency="emergency")
        urgent = world.place(urgency="urgent")
        world.place()
    sent = messages("new_order_urgent")
    assert sorted(sent.values_list("order_id", flat=True)) == sorted([emergency.pk, urgent.pk])
    assert set(sent.values_list("recipient", flat=True)) == {world.dispatcher.username}
    assert (
        "特急" in sent.get(order=emergency).body
        and emergency.reference in sent.get(order=emergency).body
    )


def test_the_digest_lists_the_period_s_normal_orders_once(world, settings):
    settings.SIDAN_NEW_ORDER_DIGEST_MINUTES = 60
    start, end = digest_window(T0 + timedelta(hours=1))
    with clock.travel_to(start + timedelta(minutes=5)):
        first = world.place()
        world.place(urgency="emergency")  # told at once, not in the digest
    with clock.travel_to(start - timedelta(minutes=5)):
        older = world.place()  # an earlier period: counted as waiting, not listed
    moment = end + timedelta(minutes=1)
    assert send_new_order_digests(now=moment) == 1
    [digest] = messages("new_order_digest")
    assert digest.recipient == world.dispatcher.username
    assert first.reference in digest.body and older.reference not in digest.body
    assert "共 2 张新单待派" in digest.body
    # Idempotent: the same period again (a rerun, a second beat) records nothing
    assert send_new_order_digests(now=moment + timedelta(minutes=10)) == 0
    with clock.travel_to(moment + timedelta(minutes=20)):
        new_order_digest()
    assert messages("new_order_digest").count() == 1
    # The next period without new normal orders sends nothing
    assert send_new_order_digests(now=moment + timedelta(hours=1)) == 0


def test_live_counts_partial_follows_a_new_order(world, client, django_assert_max_num_queries):
    world.place()
    client.force_login(world.dispatcher)
    board = client.get("/staff/board/").content.decode()
    assert 'hx-get="/staff/board/counts/?community=LX01&amp;queue=new"' in board
    assert 'hx-trigger="every 30s"' in board
    world.place(urgency="urgent")
    with django_assert_max_num_queries(6):
        response = client.get(COUNTS, {"community": "LX01", "queue": "new"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<nav id="queue-counts"') or 'id="queue-counts"' in html
    assert 'data-count="new">2<' in html


def test_live_counts_scope_and_bad_input(world, client):
    client.force_login(world.dispatcher)
    # A bad queue or community key falls back to the user's own board
    response = client.get(COUNTS, {"community": "NOPE'", "queue": "<x>"})
    assert response.status_code == 200 and "东湖社区" in response.content.decode()
    client.force_login(world.property_manager)
    assert client.get(COUNTS).status_code == 404
    client.logout()
    assert client.get(COUNTS).status_code == 302
