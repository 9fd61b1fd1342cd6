"""Suite-wide wiring: which optional parts of the suite can run on this machine.

- ``e2e`` tests drive the Debian Chromium at ``/usr/bin/chromium`` through Playwright;
  without it they are skipped, and the run says so in its header and summary.
- ``postgres`` tests need PostgreSQL (``DATABASE_URL``); on the embedded SQLite
  default they are skipped with the reason.

Model factories live in ``tests/factories.py``, not here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM_PATH = Path("/usr/bin/chromium")


def chromium_available() -> bool:
    return CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)


def browser_status_line() -> str:
    if chromium_available():
        return f"browser tests: running in {CHROMIUM_PATH}"
    return f"browser tests: skipped — {CHROMIUM_PATH} not installed"


def database_status_line() -> str:
    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} (celery broker: {settings.CELERY_BROKER_URL.split('://')[0]})"


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [browser_status_line(), database_status_line()]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_e2e = (
        None if chromium_available() else pytest.mark.skip(reason=f"{CHROMIUM_PATH} not installed")
    )
    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    skip_pg = (
        pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
        if on_sqlite
        else None
    )
    for item in items:
        if skip_e2e and item.get_closest_marker("e2e"):
            item.add_marker(skip_e2e)
        if skip_pg and item.get_closest_marker("postgres"):
            item.add_marker(skip_pg)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    terminalreporter.write_sep(
        "-", browser_status_line(), bold=True, yellow=not chromium_available()
    )


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """The cache holds heartbeats and import uploads; keep tests independent."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Each test starts in the site's language: a request served in English must not leak."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Deliver outbox messages in-process after commit instead of through a broker.

    Tests marked ``celery_live`` talk to a real worker and keep the broker.
    """
    if request.node.get_closest_marker("celery_live"):
        yield
        return
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


# --- browser fixtures (Playwright driving the system Chromium) ----------------


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium per test process; tests open their own pages."""
    if not chromium_available():
        pytest.skip(f"{CHROMIUM_PATH} not installed")
    # Playwright's sync API keeps an event loop in this thread; the Django ORM calls
    # the test itself makes are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=str(CHROMIUM_PATH),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A fresh browser context (own cookies) in Chinese, pointed at the live server."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item):
    """Before a transactional test's flush, empty the append-only audit log the way a
    database owner would (core.audit.purge_for_maintenance): SQLite's flush deletes rows,
    which the log's triggers refuse (so do the points ledger's, parties.ledger).
    PostgreSQL's flush truncates, which they allow."""
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )
    if transactional and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        from django.db import connection

        from core.audit import purge_for_maintenance

        try:
            tables = connection.introspection.table_names()
            if "core_auditentry" in tables:
                purge_for_maintenance()
            from parties.ledger import LEDGER_TABLE, RECONCILIATION_TABLE
            from parties.ledger import purge_for_maintenance as purge_ledger

            for table in (RECONCILIATION_TABLE, LEDGER_TABLE):
                if table in tables:
                    purge_ledger(table=table)
        except Exception:  # the database may already be gone with a failed setup
            pass
    yield
