import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """The locmem cache holds import uploads; keep tests independent."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
