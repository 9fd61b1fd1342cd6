"""Exactly one beat schedules: a second ``LockedScheduler`` stands by while the first holds
the Redis lock, and takes over once it is released."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

from config.beat import BeatLock, LockedScheduler
from config.celery import app

REDIS = (
    os.environ.get("SIDAN_TEST_REDIS_URL")
    or os.environ.get("REDIS_URL")
    or ("redis://127.0.0.1:6379/4")
)


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="needs Redis")


@pytest.fixture
def beat_settings(settings, tmp_path):
    settings.REDIS_URL = REDIS
    settings.SIDAN_BEAT_LOCK_KEY = f"sidan-test:beat-lock:{os.getpid()}"
    settings.SIDAN_BEAT_LOCK_SECONDS = 30
    yield settings
    import redis

    redis.Redis.from_url(REDIS).delete(settings.SIDAN_BEAT_LOCK_KEY)


class Recording(LockedScheduler):
    def __init__(self, *args, **kwargs):
        self.sent: list[str] = []
        super().__init__(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        self.sent.append(entry.name)
        return None


def _scheduler(tmp_path, name: str) -> Recording:
    scheduler = Recording(app=app, schedule_filename=str(tmp_path / name), lazy=False)
    long_ago = datetime.now(timezone.utc) - timedelta(days=2)
    for entry in scheduler.schedule.values():
        entry.last_run_at = long_ago  # every periodic task is due
    return scheduler


def test_a_second_beat_refuses_to_schedule(beat_settings, tmp_path):
    first, second = _scheduler(tmp_path, "a"), _scheduler(tmp_path, "b")
    first.tick()
    second.tick()
    assert first.sent and not second.sent
    assert first.lock.held and not second.lock.held
    first.tick()  # renews its own lock
    assert first.lock.held
    first.close()  # the holder stops: the standby takes over on its next tick
    second.tick()
    assert second.sent and second.lock.held
    second.close()


def test_the_lock_renews_only_its_own(beat_settings):
    key = beat_settings.SIDAN_BEAT_LOCK_KEY
    a = BeatLock(REDIS, key=key, seconds=30)
    b = BeatLock(REDIS, key=key, seconds=30)
    assert a.acquire_or_renew() and not b.acquire_or_renew()
    assert a.holder() == a.token and a.acquire_or_renew()
    b.release()  # not b's: nothing happens
    assert a.holder() == a.token
    a.release()
    assert b.acquire_or_renew()
    b.release()
