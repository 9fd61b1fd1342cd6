"""Community callbacks (电话回访): the list with the three rates, recording a callback."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from grids import access
from orders import services
from orders.errors import OrderError
from orders.forms.deadlines import CallbackForm
from orders.privacy import resident_view
from orders.selectors import rates
from orders.selectors import supervision as selectors
from orders.stats import Period, rollup
from orders.stats.figures import definitions as stats_definitions
from orders.views.common import require_role


def _period(request: HttpRequest) -> Period:
    """This month, or ?days=N calendar days ending today (Asia/Shanghai)."""
    today = timezone.localdate(clock.now())
    try:
        days = int(request.GET.get("days", ""))
    except ValueError:
        days = 0
    if 0 < days <= 366:
        return Period(today - timedelta(days=days - 1), today + timedelta(days=1))
    return Period.this_month()


@login_required
def callback_list(request: HttpRequest) -> HttpResponse:
    require_role(request, selectors.CALLBACK_ROLES)
    period = _period(request)
    paths = access.access_for(request.user).paths_for(*selectors.CALLBACK_ROLES)
    if request.user.is_superuser and not paths:
        paths = [""]
    period_rates = rates.three_rates(area_paths=paths, period=period)
    tasks = [
        {
            "task": t,
            # Callers see what need-to-know allows (orders.privacy); no extra query per row.
            "resident": resident_view(user=request.user, order=t.order, events=()),
            "form": CallbackForm(prefix=f"c{t.pk}"),
        }
        for t in selectors.callbacks_for_user(user=request.user)
    ]
    return render(
        request,
        "orders/deadlines/callbacks.html",
        {
            "tasks": tasks,
            "rates": period_rates,
            "start": period.start,
            "end": period.last_day,
            "definitions": stats_definitions(),
            "filled_at": rollup.filled_at(),
        },
    )


@login_required
@require_POST
def callback_record(request: HttpRequest, task_id: int) -> HttpResponse:
    require_role(request, selectors.CALLBACK_ROLES)
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


urlpatterns = [
    path("staff/callbacks/", callback_list, name="callbacks"),
    path("staff/callbacks/<int:task_id>/", callback_record, name="callback_record"),
]
