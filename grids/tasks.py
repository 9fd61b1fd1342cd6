"""Celery tasks of ``grids`` (autodiscovered): the daily due-visit reminder."""

from celery import shared_task

from grids.visits.reminders import send_visit_reminders


@shared_task(name="grids.visit_reminders", ignore_result=True)
def visit_reminders() -> None:
    """Beat's periodic run; records each worker's reminder once a day however often it runs."""
    send_visit_reminders()
