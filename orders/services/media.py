"""A report photo that arrives after the order was placed (an Open311 ``media_url``
downloaded by a worker): the one writer that attaches it."""

from __future__ import annotations

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from orders.errors import OrderError
from orders.lifecycle import FINAL_STATUSES
from orders.models import OrderPhoto, PhotoKind
from orders.services.common import lock_order
from orders.services.lifecycle import MAX_PHOTOS


def order_attach_report_photo(*, order_id: int, image: File) -> OrderPhoto:
    """Add one report photo to an order still open and not anonymised, within the same
    limit the resident form has."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status in FINAL_STATUSES or order.anonymised_at is not None:
            raise OrderError("closed", _("工单已结束，不能再添加照片。"))
        count = OrderPhoto.objects.filter(order=order, kind=PhotoKind.REPORT).count()
        if count >= MAX_PHOTOS:
            raise OrderError("too_many_photos", _("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
        return OrderPhoto.objects.create(order=order, kind=PhotoKind.REPORT, image=image)
