"""Celery tasks of ``orders`` (autodiscovered): the periodic deadline sweep."""

from celery import shared_task

from core.outbox import deliver_message
from orders.stats.exports import export_job
from orders.sweep import run_sweep

__all__ = [
    "deliver_message",
    "export_job",
    "new_order_digest",
    "notice_digest",
    "stats_fill",
    "sweep",
]


@shared_task(name="orders.sweep", ignore_result=True)
def sweep() -> None:
    """Beat's periodic deadline sweep; safe to run twice at once or to rerun."""
    run_sweep()


@shared_task(name="orders.anonymise_expired", ignore_result=True)
def anonymise_expired() -> None:
    """The retention rule (orders.services.privacy.anonymise_expired), from beat."""
    from orders import services

    services.anonymise_expired()


@shared_task(name="orders.notice_digest", ignore_result=True)
def notice_digest() -> None:
    """Beat's periodic run; each opted-in phone gets at most one digest a day."""
    from orders.notices.services import send_digests

    send_digests()


@shared_task(name="orders.stats_fill", ignore_result=True)
def stats_fill() -> None:
    """Beat's rollup fill (orders.stats.rollup): idempotent; a concurrent run skips."""
    from orders.stats import rollup

    rollup.fill()


@shared_task(name="orders.new_order_digest", ignore_result=True)
def new_order_digest() -> None:
    """Beat's periodic digest of new normal orders for the dispatchers; rerunning it in
    the same period records nothing more (orders.services.alerts.send_new_order_digests)."""
    from core import clock
    from orders.services.alerts import send_new_order_digests

    send_new_order_digests(now=clock.now())


@shared_task(name="orders.export_purge", ignore_result=True)
def export_purge() -> None:
    """Beat's hourly removal of export files older than SIDAN_EXPORT_KEEP_HOURS."""
    from orders.stats import exports

    exports.purge()
