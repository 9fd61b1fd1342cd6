"""Grid work in real Chromium: a grid worker on a phone logs a visit that creates an order;
a meeting's batch intake dispatches three orders; a resident raises a hand from a phone
and sees the count move. Screenshots land in test-artifacts/e2e/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core import clock
from orders.catalogue import ensure_catalogue
from orders.meetings import services as meetings
from orders.models import Channel, Order, ProjectHand, Status
from orders.projects import services as projects
from tests.factories import DEFAULT_PASSWORD
from tests.grids.visit_helpers import build_street
from tests.orders.conftest import build_world
from tests.orders.public_helpers import PHONE, last_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_grid_worker_logs_a_visit_that_places_an_order(phone, screenshot):
    ensure_catalogue()
    st = build_street()
    household = st.household(care=[st.elderly], at=timezone.now() - timedelta(days=10))
    page = phone.new_page()
    login(page, "w1", DEFAULT_PASSWORD)
    page.goto("/grids/visits/due/")
    page.wait_for_selector(".due-overdue")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "grid-due-visits")
    page.click(f"[data-household='{household.pk}'] >> text=记走访")
    page.check("input[name=kind][value=door]")
    page.fill("textarea[name=found]", "老人独居，腿脚不便")
    page.fill("textarea[name=need]", "楼道灯坏了，晚上看不清台阶")
    page.select_option("select[name=category]", index=1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "grid-visit-form")
    page.click("button:has-text('保存走访')")
    page.wait_for_selector("text=需求已转为工单")
    order = Order.objects.get()
    assert order.channel == Channel.GRID_VISIT and order.area == household.area
    household.refresh_from_db()
    assert household.next_visit_due > timezone.localdate()
    assert page.locator(f"[data-household='{household.pk}']").count() == 0


def test_meeting_batch_intake_dispatches_three_orders(new_desktop, screenshot):
    world = build_world()
    meeting = meetings.meeting_create(
        actor=world.dispatcher,
        community=world.community,
        title="三月党群议事会",
        held_on=timezone.localdate(),
        place="党建客厅",
        attendees="居民代表 10 人",
    )
    kw = {"meeting_id": meeting.pk, "actor": world.dispatcher}
    meetings.topic_add(title="停车难", source="resident", **kw)
    meetings.meeting_fix_topics(**kw)
    meetings.meeting_deliberate(**kw)
    page = new_desktop().new_page()
    login(page, world.dispatcher.username, "pw")
    page.goto(f"/staff/meetings/{meeting.pk}/intake/")
    for i, text in enumerate(["楼道灯坏了", "门禁坏了", "垃圾没清运"]):
        page.select_option(f"select[name=r{i}-area]", world.microgrid.code)
        page.select_option(f"select[name=r{i}-category]", str(world.category.pk))
        page.fill(f"input[name=r{i}-description]", text)
        page.fill(f"input[name=r{i}-resident_phone]", f"1380013800{i}")
    screenshot(page, "meeting-batch-intake")
    page.click("button:has-text('受理并派单')")
    page.wait_for_selector("text=已受理并派出 3 单")
    assert page.url.endswith(f"/staff/meetings/{meeting.pk}/intake/")
    assert page.locator("#minutes tr[data-ref]").count() == 3
    assert list(Order.objects.values_list("status", flat=True)) == [Status.AWAITING_SIGN] * 3
    screenshot(page, "meeting-minutes")


def test_resident_raises_a_hand_from_a_phone(phone, screenshot):
    world = build_world()
    projects.threshold_set(actor=world.dispatcher, community=world.community, hands=3)
    with clock.travel_to(timezone.now()):
        project = projects.project_propose(
            compound=world.compound,
            title="加装楼道扶手",
            description="老人上下楼不便",
            phone="13700137000",
        )
    projects.hand_raise(project_id=project.pk, phone="13700137001")
    page = phone.new_page()
    page.goto("/me/")
    page.fill("input[name=resident_phone]", PHONE)
    page.click("button[value=send_code]")
    page.wait_for_selector("text=验证码已发送")
    page.fill("input[name=otp_code]", last_code())
    page.click("button[value=verify]")
    page.wait_for_selector("text=退出（换一个号码）")
    page.goto(f"/c/{world.community.code}/")
    page.click(f"[data-project='{project.pk}'] a")
    assert page.locator("#hand-count").inner_text().strip() == "举手 1 / 3"
    page.click("button:has-text('举手支持')")
    page.wait_for_selector("#hand-count:has-text('举手 2 / 3')")
    assert ProjectHand.objects.filter(project=project, phone=PHONE).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert PHONE not in page.content()
    screenshot(page, "resident-raise-hand")
    page.click("button:has-text('撤回举手')")
    page.wait_for_selector("#hand-count:has-text('举手 1 / 3')")
