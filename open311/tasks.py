"""Celery task: download a request's ``media_url`` and attach it to the order."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from open311 import media
from open311.models import FetchStatus, MediaFetch
from orders.errors import OrderError
from orders.services.media import order_attach_report_photo

log = logging.getLogger(__name__)


def _finish(fetch: MediaFetch, status: str, error: str = "") -> None:
    MediaFetch.objects.filter(pk=fetch.pk, status=FetchStatus.PENDING).update(
        status=status, error=error[:200], finished_at=timezone.now()
    )


@shared_task(
    name="open311.fetch_media",
    bind=True,
    ignore_result=True,
    autoretry_for=(media.MediaUnreachable,),
    retry_backoff=30,
    max_retries=3,
)
def fetch_media(self, fetch_id: int) -> str:
    fetch = MediaFetch.objects.filter(pk=fetch_id, status=FetchStatus.PENDING).first()
    if fetch is None:
        return "gone"
    try:
        data, extension = media.download(fetch.url)
    except media.MediaRefused as error:
        log.info("open311 media %s refused: %s", fetch_id, error)
        _finish(fetch, FetchStatus.FAILED, str(error))
        return "refused"
    except media.MediaUnreachable as error:
        if self.request.retries >= self.max_retries:
            _finish(fetch, FetchStatus.FAILED, str(error))
            return "unreachable"
        raise
    # Attach and mark done in one transaction, holding the row: a redelivered task finds
    # the row no longer pending and attaches nothing twice.
    with transaction.atomic():
        fetch = (
            MediaFetch.objects.select_for_update()
            .filter(pk=fetch_id, status=FetchStatus.PENDING)
            .first()
        )
        if fetch is None:
            return "gone"
        try:
            order_attach_report_photo(
                order_id=fetch.order_id,
                image=ContentFile(data, name=f"open311-{fetch.pk}.{extension}"),
            )
        except OrderError as error:
            _finish(fetch, FetchStatus.FAILED, error.message)
            return "refused"
        _finish(fetch, FetchStatus.DONE)
    return "done"
