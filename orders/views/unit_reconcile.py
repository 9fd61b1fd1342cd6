"""Monthly reconciliation (对账) of a member unit: the page, the Excel download, the
community secretary's confirmation (which locks the month) and corrections (a new
entry; a confirmed entry is never edited). Figures: ``orders/units/reconcile.py``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from orders.stats.excel import xlsx_response
from orders.units.reconcile import Figures, unit_month_figures
from orders.views.common import require_role
from orders.views.units import parse_month, previous_month
from parties.units import selectors, services
from parties.units.models import Reconciliation
from parties.units.selectors import UNIT_PAGE_ROLES

LABELS = [
    ("orders_received", gettext_lazy("接单数")),
    ("signed_on_time", gettext_lazy("按时签收")),
    ("resolved", gettext_lazy("办结数")),
    ("resolved_on_time", gettext_lazy("按时办结")),
    ("returned", gettext_lazy("退单数")),
    ("rated", gettext_lazy("评价数")),
    ("satisfied", gettext_lazy("满意数（含基本满意）")),
    ("projects_delivered", gettext_lazy("完成项目")),
    ("resources_used", gettext_lazy("资源使用（次）")),
    ("resources_capacity", gettext_lazy("资源容量（次）")),
]


def _state(request: HttpRequest, unit_id: int):
    require_role(request, UNIT_PAGE_ROLES)
    unit = selectors.unit_for_user(user=request.user, unit_id=unit_id)
    month = parse_month(request, previous_month(services.this_month()))
    entries = list(
        Reconciliation.objects.filter(unit=unit, month=month)
        .select_related("confirmed_by")
        .order_by("sequence")
    )
    return unit, month, entries


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def _rows(figures: dict) -> list[dict]:
    return [{"key": key, "label": label, "value": figures[key]} for key, label in LABELS]


@login_required
@require_GET
def reconciliation(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit, month, entries = _state(request, unit_id)
    live = unit_month_figures(unit=unit, month=month).as_dict()
    latest = entries[-1] if entries else None
    shown = {key: getattr(latest, key) for key, _l in LABELS} if latest else live
    context = {
        "unit": unit,
        "month": month,
        "entries": entries,
        "latest": latest,
        "rows": _rows(shown),
        "live": live,
        "differs": latest is not None and shown != live,
        "rates": {
            "sign": _rate(shown["signed_on_time"], shown["orders_received"]),
            "resolve": _rate(shown["resolved_on_time"], shown["resolved"]),
            "satisfaction": _rate(shown["satisfied"], shown["rated"]),
            "usage": _rate(shown["resources_used"], shown["resources_capacity"]),
        },
        "may_confirm": services.may_confirm(request.user, unit),
        "month_open": month >= services.this_month(),
        "previous": previous_month(month),
    }
    return render(request, "orders/units/reconciliation.html", context)


@login_required
@require_GET
def reconciliation_xlsx(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit, month, entries = _state(request, unit_id)
    figures = (
        {key: getattr(entries[-1], key) for key, _l in LABELS}
        if entries
        else unit_month_figures(unit=unit, month=month).as_dict()
    )
    state = _("已确认（第 %(n)d 版）") % {"n": entries[-1].sequence} if entries else _("未确认")
    rows = [[str(label), figures[key]] for key, label in LABELS] + [[_("状态"), state]]
    return xlsx_response(
        filename=f"{unit.name}-{month:%Y-%m}-对账.xlsx",
        title=f"{month:%Y-%m}",
        headers=[_("项目"), _("数量")],
        rows=rows,
    )


def _back(unit_id: int, month) -> HttpResponse:
    return redirect(reverse("orders:reconciliation", args=[unit_id]) + f"?month={month:%Y-%m}")


@login_required
@require_POST
def reconciliation_confirm(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit, month, _entries = _state(request, unit_id)
    figures: Figures = unit_month_figures(unit=unit, month=month)
    try:
        if request.POST.get("correct"):
            services.reconciliation_correct(
                actor=request.user,
                unit=unit,
                month=month,
                figures=figures.as_dict(),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("已提交更正，原确认记录保留。"))
        else:
            services.reconciliation_confirm(
                actor=request.user, unit=unit, month=month, figures=figures.as_dict()
            )
            messages.success(request, _("已确认对账，本月数据已锁定。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(unit.pk, month)


urlpatterns = [
    path("staff/units/<int:unit_id>/reconciliation/", reconciliation, name="reconciliation"),
    path(
        "staff/units/<int:unit_id>/reconciliation.xlsx",
        reconciliation_xlsx,
        name="reconciliation_xlsx",
    ),
    path(
        "staff/units/<int:unit_id>/reconciliation/confirm/",
        reconciliation_confirm,
        name="reconciliation_confirm",
    ),
]
