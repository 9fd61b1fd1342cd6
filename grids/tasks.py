from celery import shared_task
from celery.signals import worker_ready

from config.health import record_worker_heartbeat


@shared_task(name="grids.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    """Scheduled by beat; run by whichever worker takes it, proving the loop works."""
    from celery import current_task

    record_worker_heartbeat(current_task.request.hostname or "worker")


@worker_ready.connect
def _heartbeat_on_start(sender=None, **kwargs) -> None:
    record_worker_heartbeat(getattr(sender, "hostname", "worker"))
