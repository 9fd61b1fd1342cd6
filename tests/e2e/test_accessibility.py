"""axe-core (vendored in tests/e2e/vendor, MPL-2.0) finds no serious or critical
violation on the resident pages and the dispatch board, in real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from orders import services
from orders.lifecycle import Tier
from tests.orders.conftest import build_world
from tests.orders.units_helpers import demand, project, resource

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ` +
      v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""


def _violations(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    return [f"{url}: {v}" for v in page.evaluate(RUN)]


def test_no_serious_violations(browser, live_server):
    world = build_world()
    order = world.place()
    services.order_dispatch(
        order_id=order.pk, actor=world.dispatcher, tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )  # fmt: skip
    waiting = world.place(description="楼下垃圾没人清运")
    # axe is injected as an inline script: this context lets it past the page's CSP.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    found = []
    for url in (
        "/r/",
        f"/r/{world.microgrid.code}/",
        f"/t/{order.tracking_token}/",
        "/me/",
        f"/wall/{world.community.code}/",
        f"/wall/{world.community.code}/?tab=echo",
        f"/c/{world.community.code}/units/",
    ):
        found += _violations(page, url)
    staff = Client()
    staff.force_login(world.dispatcher)
    context.add_cookies(
        [{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}]
    )
    found += _violations(page, "/staff/board/")
    # The co-building alliance's pages (docs/units.md).
    made = project(world, resource(world))
    item = demand(world)
    for url in (
        "/staff/units/",
        f"/staff/units/{world.unit.pk}/",
        "/staff/demands/",
        f"/staff/demands/{item.pk}/",
        f"/staff/unit-projects/{made.pk}/",
        "/staff/rotation/",
        f"/staff/units/{world.unit.pk}/reconciliation/",
        f"/staff/orders/{waiting.pk}/?tier=3",
    ):
        found += _violations(page, url)
    found += _violations(page, "/staff/board/?queue=all")
    context.close()
    assert found == [], "\n".join(found)
