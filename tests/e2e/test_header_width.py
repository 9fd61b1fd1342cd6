"""The staff header fits one line at 1440 px in both languages (English words are longer)."""

from __future__ import annotations

import pytest

from tests.e2e.test_four_order_loop import staff_page
from tests.orders.conftest import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_header_fits_at_1440px(new_desktop, screenshot, language):
    world = build_world()
    page = staff_page(new_desktop, world.dispatcher.username)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.select_option(".topbar select[name=language]", language)
    page.wait_for_selector(f"html[lang='{language}']")
    page.goto("/staff/board/")
    screenshot(page, f"header-1440-{language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    bar = page.locator(".topbar").bounding_box()
    who = page.locator(".topbar .who").bounding_box()
    # One row: the bar is no taller than two lines of text and the user's name sits in it.
    assert bar["height"] <= 64, bar
    assert who["y"] < bar["y"] + bar["height"]
    # The grouped entries are a click away and close again on Escape.
    page.click("details.navgroup[data-group=community] > summary")
    menu = page.locator("details.navgroup[data-group=community] .navmenu")
    assert menu.is_visible() and menu.locator("a").count() == 7  # + the alliance pages
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    page.click("details.navgroup[data-group=community] > summary")
    menu.locator("a").first.click()
    page.wait_for_url("**/staff/meetings/**")
