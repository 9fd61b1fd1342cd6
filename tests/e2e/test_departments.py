"""小区吹哨、部门报到 in real Chromium (issue 12): the dispatcher blows the whistle to a
functional department from an order; the department's staff see it in their inbox,
report within the limit and resolve their part; the order's timeline shows each step and
nothing is supervised. Screens are saved under test-artifacts/e2e/."""

from __future__ import annotations

import pytest

from orders.lifecycle import Action, WhistleStatus
from orders.models import OrderEvent, SupervisionItem, Urgency, Whistle
from orders.sweep import run_sweep
from tests.e2e.test_four_order_loop import open_order, staff_page
from tests.orders.conftest import build_world
from tests.orders.joint_helpers import add_joint

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_whistle_is_reported_and_resolved_in_time(new_desktop, screenshot, live_server):
    world = build_world()
    joint = add_joint(world)
    order = world.place(urgency=Urgency.EMERGENCY, description="小区门口烧烤摊占道经营，油烟扰民")

    # 1. The dispatcher blows the whistle from the order's detail.
    dispatcher = staff_page(new_desktop, "dispatcher")
    open_order(dispatcher, order)
    dispatcher.click("details[data-joint=whistle] > summary")
    dispatcher.select_option(
        "details[data-joint=whistle] select[name=department]", str(joint.market.pk)
    )
    dispatcher.fill("details[data-joint=whistle] textarea[name=note]", "多次劝离无效，请到场")
    screenshot(dispatcher, "dept-01-whistle")
    dispatcher.click("details[data-joint=whistle] button[type=submit]")
    dispatcher.wait_for_selector("#order-joint li[data-status=blown]")
    whistle = Whistle.objects.get(order=order)
    assert whistle.status == WhistleStatus.BLOWN

    # 2. The department sees it in its inbox, with the 30-minute report countdown.
    market = staff_page(new_desktop, "market")
    assert market.locator("a[href='/staff/department/']").count() >= 1  # in the header
    market.goto("/staff/department/")
    row = f"section[data-section=to_report] tr[data-whistle='{whistle.pk}']"
    market.wait_for_selector(row)
    assert "剩余" in market.inner_text(row)
    screenshot(market, "dept-02-inbox")
    market.click(f"{row} button[type=submit]")
    row = f"section[data-section=to_resolve] tr[data-whistle='{whistle.pk}']"
    market.wait_for_selector(row)

    # 3. … and resolves its part with a result.
    market.click(f"{row} details > summary")
    market.fill(f"{row} textarea[name=note]", "已依法取缔，当事人签署承诺书")
    market.click(f"{row} details button[type=submit]")
    market.wait_for_selector(f"section[data-section=resolved] tr[data-whistle='{whistle.pk}']")
    screenshot(market, "dept-03-resolved")

    # 4. The dispatcher's timeline shows the whistle, the report and the resolve.
    open_order(dispatcher, order)
    dispatcher.wait_for_selector("#order-joint li[data-status=resolved]")
    for action in (Action.WHISTLE, Action.WHISTLE_REPORT, Action.WHISTLE_RESOLVE):
        dispatcher.wait_for_selector(f".timeline li[data-action={action}]")
    assert "已依法取缔" in dispatcher.inner_text("#order-joint")
    screenshot(dispatcher, "dept-04-timeline")

    # In time: a later sweep finds nothing to chase or supervise.
    run_sweep()
    assert not SupervisionItem.objects.filter(whistle=whistle).exists()
    assert not OrderEvent.objects.filter(action=Action.WHISTLE_OVERDUE).exists()
    # The department cannot open the other orders of the street.
    other = world.place()
    market.goto(f"/staff/orders/{other.pk}/")
    assert "404" in market.title() or market.locator("h1", has_text=other.reference).count() == 0
