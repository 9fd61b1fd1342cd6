"""Celery tasks of ``core`` (autodiscovered): outbox delivery and the worker heartbeat."""

from core.health import worker_heartbeat
from core.outbox import deliver_message

__all__ = ["deliver_message", "worker_heartbeat"]
