"""Phone and desktop contexts for the browser tests (``browser`` lives in tests/conftest.py).

Screenshots of every screen go to ``test-artifacts/e2e/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def screenshot():
    """``screenshot(page, "03-dispatch")`` saves a full-page PNG and returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(**PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def new_desktop(browser, live_server):
    """Make desktop contexts (one per signed-in user); all closed after the test."""
    contexts = []

    def make():
        context = browser.new_context(**DESKTOP, locale="zh-CN", base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
