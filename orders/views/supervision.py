"""Street supervision (督办), community callbacks (电话回访) and the staff outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from grids import access
from orders import services
from orders.errors import OrderError
from orders.forms.deadlines import CallbackForm, SupervisionNoteForm
from orders.models import OutboxMessage, OutboxStatus
from orders.selectors import deadlines as selectors


def _require_role(request: HttpRequest, roles) -> None:
    if not access.has_role(request.user, *roles):
        raise Http404


# --- supervision ----------------------------------------------------------------------


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    _require_role(request, selectors.SUPERVISION_ROLES)
    now = clock.now()
    items = []
    for item in selectors.supervision_items_for_user(user=request.user):
        order = item.order
        since = order.signed_at or order.dispatched_at or order.placed_at
        items.append(
            {
                "item": item,
                "order": order,
                "held_since": since,
                "held_for": now - since,
                "form": SupervisionNoteForm(prefix=f"s{item.pk}"),
            }
        )
    return render(request, "orders/deadlines/supervision.html", {"items": items, "now": now})


@login_required
@require_POST
def supervision_note(request: HttpRequest, item_id: int) -> HttpResponse:
    _require_role(request, selectors.SUPERVISION_ROLES)
    item = get_object_or_404(selectors.supervision_items_for_user(user=request.user), pk=item_id)
    form = SupervisionNoteForm(request.POST, prefix=f"s{item.pk}")
    if form.is_valid():
        try:
            services.supervision_add_note(
                item_id=item.pk, actor=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("督办意见已发送给承办方。"))
        except OrderError as refused:
            messages.error(request, refused.message)
    else:
        messages.error(request, _("请填写督办意见。"))
    return redirect("orders:supervision")


@login_required
@require_POST
def supervision_resolve(request: HttpRequest, item_id: int) -> HttpResponse:
    _require_role(request, selectors.SUPERVISION_ROLES)
    item = get_object_or_404(selectors.supervision_items_for_user(user=request.user), pk=item_id)
    services.supervision_resolve(item_id=item.pk, actor=request.user)
    messages.success(request, _("已解除督办。"))
    return redirect("orders:supervision")


# --- callbacks ------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[datetime, datetime]:
    """This month so far, or ?days=N back from now."""
    now = timezone.localtime(clock.now())
    try:
        days = int(request.GET.get("days", ""))
    except ValueError:
        days = 0
    if 0 < days <= 366:
        return now - timedelta(days=days), now
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0), now


@login_required
def callback_list(request: HttpRequest) -> HttpResponse:
    _require_role(request, selectors.CALLBACK_ROLES)
    start, end = _period(request)
    paths = access.access_for(request.user).paths_for(*selectors.CALLBACK_ROLES)
    if request.user.is_superuser and not paths:
        paths = [""]
    rates = selectors.three_rates(area_paths=paths, start=start, end=end)
    tasks = [
        {"task": t, "phone": t.order.resident_phone, "form": CallbackForm(prefix=f"c{t.pk}")}
        for t in selectors.callbacks_for_user(user=request.user)
    ]
    return render(
        request,
        "orders/deadlines/callbacks.html",
        {"tasks": tasks, "rates": rates, "start": start, "end": end},
    )


@login_required
@require_POST
def callback_record(request: HttpRequest, task_id: int) -> HttpResponse:
    _require_role(request, selectors.CALLBACK_ROLES)
    task = selectors.callback_for_user(user=request.user, task_id=task_id)
    form = CallbackForm(request.POST, prefix=f"c{task.pk}")
    if form.is_valid():
        try:
            services.callback_record(task_id=task.pk, actor=request.user, **form.service_kwargs())
            messages.success(request, _("回访已登记：%(ref)s") % {"ref": task.order.reference})
        except OrderError as refused:
            messages.error(request, refused.message)
    else:
        for error in form.non_field_errors() or [_("请检查回访记录。")]:
            messages.error(request, error)
    return redirect("orders:callbacks")


# --- outbox ---------------------------------------------------------------------------


OUTBOX_CHANNELS = ["console", "email", "sms"]


@login_required
def outbox_list(request: HttpRequest) -> HttpResponse:
    _require_role(request, selectors.OUTBOX_ROLES)
    templates = sorted(set(OutboxMessage.objects.values_list("template", flat=True).distinct()))
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
    path("staff/supervision/", supervision_list, name="supervision"),
    path("staff/supervision/<int:item_id>/note/", supervision_note, name="supervision_note"),
    path(
        "staff/supervision/<int:item_id>/resolve/", supervision_resolve, name="supervision_resolve"
    ),
    path("staff/callbacks/", callback_list, name="callbacks"),
    path("staff/callbacks/<int:task_id>/", callback_record, name="callback_record"),
    path("staff/outbox/", outbox_list, name="outbox"),
]
