"""Exactly one beat: ``LockedScheduler`` holds a Redis lock while it schedules.

Several machines may start ``celery -A config beat`` (a standby beat is harmless); only
the one holding the lock ``SIDAN_BEAT_LOCK_KEY`` sends periodic tasks. The holder renews
the lock on every tick (its lifetime ``SIDAN_BEAT_LOCK_SECONDS`` is longer than a tick);
the others wait, check again on each tick, and take over when the holder has been gone
for a lock lifetime. Without ``REDIS_URL`` (one machine, the filesystem broker) there is
nothing to share and the scheduler behaves as Celery's own.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

from celery.beat import PersistentScheduler
from django.conf import settings

log = logging.getLogger(__name__)

# Renew only our own lock (compare-and-extend, atomically in Redis).
RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class BeatLock:
    def __init__(self, url: str, *, key: str, seconds: int):
        import redis

        self.redis = redis.Redis.from_url(url)
        self.key, self.ms = key, seconds * 1000
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.held = False

    def acquire_or_renew(self) -> bool:
        if self.held and self.redis.eval(RENEW, 1, self.key, self.token, self.ms):
            return True
        self.held = bool(self.redis.set(self.key, self.token, nx=True, px=self.ms))
        return self.held

    def holder(self) -> str:
        value = self.redis.get(self.key)
        return value.decode() if value else ""

    def release(self) -> None:
        if self.held:
            self.redis.eval(RELEASE, 1, self.key, self.token)
            self.held = False


class LockedScheduler(PersistentScheduler):
    """Celery's persistent scheduler that only schedules while it holds the beat lock."""

    def __init__(self, *args, **kwargs):
        url = settings.REDIS_URL
        seconds = settings.SIDAN_BEAT_LOCK_SECONDS
        self.lock = (
            BeatLock(url, key=settings.SIDAN_BEAT_LOCK_KEY, seconds=seconds) if url else None
        )
        self._said_standby = False
        super().__init__(*args, **kwargs)
        # Tick at least three times per lock lifetime so the lock never lapses while held.
        self.max_interval = min(self.max_interval, max(1, seconds // 3))

    def tick(self, *args, **kwargs):
        if self.lock is not None and not self.lock.acquire_or_renew():
            if not self._said_standby:
                log.warning(
                    "beat: another beat holds the lock (%s); standing by, scheduling nothing",
                    self.lock.holder(),
                )
                self._said_standby = True
            return self.max_interval
        if self._said_standby:
            log.warning("beat: took over the beat lock; scheduling")
            self._said_standby = False
        return super().tick(*args, **kwargs)

    def close(self):
        if self.lock is not None:
            self.lock.release()
        super().close()
