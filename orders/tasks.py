from celery import shared_task

from orders import outbox


@shared_task(name="orders.deliver_message", ignore_result=True)
def deliver_message(message_id: int) -> None:
    outbox.deliver(message_id=message_id)
