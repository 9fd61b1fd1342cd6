"""Which order a grid visit's need became (the visit is ``grids.Visit``; orders sits above
grids, so the link lives here)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models.order import Order


class VisitOrder(models.Model):
    visit = models.ForeignKey(
        "grids.Visit", verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="orders"
    )
    order = models.OneToOneField(
        Order, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="from_visit"
    )

    class Meta:
        verbose_name = _("走访转工单")
        verbose_name_plural = _("走访转工单")
