from celery import shared_task

from orders import outbox


@shared_task(name="orders.deliver_message", ignore_result=True)
def deliver_message(message_id: int) -> None:
    outbox.deliver(message_id=message_id)


@shared_task(name="orders.sweep", ignore_result=True)
def sweep() -> None:
    """Beat's periodic deadline sweep; safe to run twice at once or to rerun."""
    from orders.sweep import run_sweep

    run_sweep()
