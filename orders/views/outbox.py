"""The staff outbox: every message Sidan sent or will send, in the user's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from orders.models import OutboxStatus
from orders.selectors import outbox as selectors
from orders.views.common import require_role

OUTBOX_CHANNELS = ["console", "email", "sms"]


@login_required
def outbox_list(request: HttpRequest) -> HttpResponse:
    require_role(request, selectors.OUTBOX_ROLES)
    templates = selectors.outbox_templates()
    choices = {"status": OutboxStatus.values, "channel": OUTBOX_CHANNELS, "template": templates}
    # A filter is one of the offered values or nothing: typed-in garbage (a NUL byte breaks
    # a PostgreSQL query) shows the unfiltered list.
    filters = {
        key: value if (value := request.GET.get(key, "").strip()) in allowed else ""
        for key, allowed in choices.items()
    }
    qs = selectors.outbox_for_user(user=request.user, **filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [selectors.outbox_row(m) for m in page.object_list],
        "filters": filters,
        "statuses": OutboxStatus.choices,
        "channels": OUTBOX_CHANNELS,
        "templates": templates,
        "show_codes": selectors.show_otp_codes(),
    }
    return render(request, "orders/deadlines/outbox.html", context)


urlpatterns = [
    path("staff/outbox/", outbox_list, name="outbox"),
]
