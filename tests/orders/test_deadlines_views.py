"""The supervision list, the callback list with the three rates, the staff outbox and the
countdown, through the real pages."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from core import clock
from core.phones import mask_phone
from orders import services
from orders.lifecycle import Action, Status
from orders.models import CallbackTask, OutboxMessage, Rating, SupervisionItem
from orders.selectors.rates import community_rates, three_rates
from orders.stats import Period, rollup
from orders.stats.figures import definition
from tests.orders.test_sweep_rules import T0, dispatched, resolved, sweep_at


def login(client, user):
    client.force_login(user)
    return client


def overdue_order(world):
    order = dispatched(world, signed=True)
    sweep_at(order.resolve_due_at)
    order.refresh_from_db()
    return order


def test_street_official_sees_overdue_orders_with_their_holder(world, client):
    order = overdue_order(world)
    with clock.travel_to(order.resolve_due_at + timedelta(hours=1)):
        response = login(client, world.street_official).get(reverse("orders:supervision"))
    page = response.content.decode()
    assert response.status_code == 200
    assert order.reference in page and "超期未办结" in page
    assert world.grid_leader.username in page  # escalated: the grid leader holds it now


def test_supervision_is_for_street_officials_only(world, client):
    overdue_order(world)
    assert login(client, world.dispatcher).get(reverse("orders:supervision")).status_code == 404


def test_a_supervision_note_reaches_the_handler(world, client):
    order = overdue_order(world)
    item = SupervisionItem.objects.get(order=order)
    response = login(client, world.street_official).post(
        reverse("orders:supervision_note", args=[item.pk]), {f"s{item.pk}-note": "请本周内办结"}
    )
    assert response.status_code == 302
    event = order.events.get(action=Action.SUPERVISE)
    assert (event.note, event.actor) == ("请本周内办结", world.street_official)
    assert (
        OutboxMessage.objects.filter(
            template="supervise", recipient=world.grid_leader.username
        ).count()
        == 1
    )
    item.refresh_from_db()
    assert "请本周内办结" in item.notes
    client.post(reverse("orders:supervision_resolve", args=[item.pk]))
    item.refresh_from_db()
    assert item.resolved_at is not None


def test_callback_list_records_a_call_and_shows_the_rates(world, client):
    order = resolved(world)
    sweep_at(order.resolved_at + timedelta(days=1))
    sweep_at(order.resolved_at + timedelta(days=3))
    task = CallbackTask.objects.get(order=order)
    login(client, world.dispatcher)
    with clock.travel_to(order.resolved_at + timedelta(days=3, hours=1)):
        page = client.get(reverse("orders:callbacks") + "?days=30").content.decode()
        assert (
            order.reference in page and "13800138000" in page and "响应率" in page
        )  # staff dial it
        response = client.post(
            reverse("orders:callback_record", args=[task.pk]),
            {
                f"c{task.pk}-reached": "yes",
                f"c{task.pk}-resolved": "yes",
                f"c{task.pk}-rating": Rating.SATISFIED,
                f"c{task.pk}-note": "满意",
            },
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.rating) == (Status.CLOSED, Rating.SATISFIED)


def test_callbacks_of_another_community_are_not_visible(world, client):
    order = resolved(world)
    sweep_at(order.resolved_at + timedelta(days=1))
    sweep_at(order.resolved_at + timedelta(days=3))
    task = CallbackTask.objects.get(order=order)
    login(client, world.other_dispatcher)
    assert order.reference not in client.get(reverse("orders:callbacks")).content.decode()
    response = client.post(
        reverse("orders:callback_record", args=[task.pk]), {f"c{task.pk}-reached": "no"}
    )
    assert response.status_code == 404


def test_three_rates(world):
    # The callback list's rates are orders.stats' figures (tests/stats has the full set).
    late = dispatched(world)
    sweep_at(late.sign_due_at)  # escalated for sign-for overdue: not responded in time
    services.order_sign(order_id=late.pk, actor=world.grid_leader)
    services.order_resolve(order_id=late.pk, actor=world.grid_leader, result_note="ok")
    services.order_rate(order_id=late.pk, rating=Rating.DISSATISFIED, solved=False)
    good = resolved(world)
    services.order_rate(order_id=good.pk, rating=Rating.SATISFIED, solved=True)
    unrated = resolved(world)
    period = Period(T0.date() - timedelta(days=1), T0.date() + timedelta(days=400))
    rates = three_rates(area_paths=[world.community.path], period=period, source="raw")
    assert (rates.response_base, rates.responded, rates.rated, rates.satisfied) == (3, 2, 2, 1)
    assert (rates.response_rate, rates.satisfaction_rate, rates.resolution_rate) == (
        66.7,
        50.0,
        50.0,
    )
    assert unrated.rating == ""
    other = community_rates(community=world.other_community, period=period, source="raw")
    assert (other.received, other.response_rate) == (0, None)


def test_the_callback_page_shows_the_rollups_rates_with_definitions(world, client):
    good = resolved(world)
    with clock.travel_to(good.resolved_at + timedelta(hours=1)):
        services.order_rate(order_id=good.pk, rating=Rating.BASIC, solved=True)
        rollup.fill()
        page = login(client, world.dispatcher).get(reverse("orders:callbacks")).content.decode()
    assert "80.0%" in page  # 满意率: 0.8 × 基本满意 / 1
    assert "已解决 1 / 1" in page
    assert definition("satisfaction_rate") in page


def test_outbox_masks_phones_and_shows_codes_outside_production(world, client, settings):
    # Codes reach staff only under the development switch (make run turns it on), and an
    # OTP message is in the outbox of the place it was asked from (issue 11).
    settings.SIDAN_DEV_REVEAL_SECRETS = True
    world.place()  # queues an SMS to 13800138000
    OutboxMessage.objects.create(
        recipient="13912345678",
        channel="sms",
        template="otp",
        body="您的验证码是 482913",
        area_path=world.microgrid.path,
    )
    login(client, world.dispatcher)
    page = client.get(reverse("orders:outbox")).content.decode()
    assert "138****8000" in page and "13800138000" not in page
    assert "482913" in page and "139****5678" in page
    settings.DEBUG, settings.DJANGO_ENV = False, "production"
    page = client.get(reverse("orders:outbox") + "?template=otp").content.decode()
    assert "482913" not in page and "******" in page
    # Another community's dispatcher does not see this community's messages.
    login(client, world.other_dispatcher)
    assert "138****8000" not in client.get(reverse("orders:outbox")).content.decode()
    # A property manager has no outbox.
    login(client, world.property_manager)
    assert client.get(reverse("orders:outbox")).status_code == 404


def test_navigation_shows_the_pages_by_role(world, client):
    page = login(client, world.street_official).get(reverse("home")).content.decode()
    assert reverse("orders:supervision") in page and reverse("orders:callbacks") in page
    page = login(client, world.dispatcher).get(reverse("home")).content.decode()
    assert reverse("orders:supervision") not in page and reverse("orders:outbox") in page


def test_countdown_shows_time_left_and_overdue():
    from orders.templatetags.deadlines import countdown

    due = T0 + timedelta(days=1, hours=3)
    with clock.travel_to(T0):
        assert "剩余 1天3小时" in countdown(due)
        soon = countdown(T0 + timedelta(minutes=90))
        assert "即将到期" in soon and "1小时30分钟" in soon and 'class="countdown due-soon"' in soon
        late = countdown(T0 - timedelta(hours=5))
        assert "overdue" in late and "已超期" in late and "5小时" in late
        assert 'data-due="' in late and 'title="时限 ' in late
        assert countdown(None) == ""


def test_mask_phone():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("pm") == "pm"


def test_supervision_list_is_paged_without_counting_the_scope(
    world, client, django_assert_max_num_queries, monkeypatch
):
    from orders.views import supervision as view

    monkeypatch.setattr(view, "SUPERVISION_PAGE_SIZE", 2)
    orders = [world.place() for _ in range(3)]
    for order in orders:
        SupervisionItem.objects.create(order=order, kind="overdue", raised_at=clock.now())
    login(client, world.street_official)
    # session, user, posts, the communities (filter), one LIMIT 3 page (no COUNT)
    with django_assert_max_num_queries(5):
        first = client.get(reverse("orders:supervision")).content.decode()
    second = client.get(reverse("orders:supervision"), {"page": 2}).content.decode()
    assert [o.reference in first for o in orders] == [True, True, False]
    assert [o.reference in second for o in orders] == [False, False, True]
    assert "page=2" in first and "page=1" in second
    for bad in ("x", "-3", "99999999999999999999"):
        assert client.get(reverse("orders:supervision"), {"page": bad}).status_code == 200
