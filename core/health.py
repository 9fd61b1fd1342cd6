"""The worker heartbeat behind ``/healthz`` (``config.health``): a live worker writes it
into the shared cache when it starts and from a beat-scheduled task."""

from __future__ import annotations

import time

from celery import current_task, shared_task
from celery.signals import worker_ready
from django.core.cache import cache

HEARTBEAT_KEY = "sidan:worker-heartbeat"


def record_worker_heartbeat(hostname: str) -> None:
    cache.set(HEARTBEAT_KEY, {"at": time.time(), "hostname": hostname}, timeout=None)


# The task name predates ``core``; beat schedules it by this name.
@shared_task(name="grids.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    """Scheduled by beat; run by whichever worker takes it, proving the loop works."""
    record_worker_heartbeat(current_task.request.hostname or "worker")


@worker_ready.connect
def heartbeat_on_worker_ready(sender=None, **kwargs) -> None:
    record_worker_heartbeat(getattr(sender, "hostname", "worker"))
