"""Dashboards (issue 9): area overview with drill-down, the orders behind a figure, the
monthly ranking (红黑榜), the large screen; every table downloads as .xlsx.

Figures come from the rollup (``orders.stats``); order lists are scoped reads
(``orders.selectors.stats``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.views.decorators.http import require_GET

from grids.models import Area, AreaLevel
from orders import stats
from orders.selectors import stats as selectors
from orders.stats import Period, excel, rollup
from orders.stats.figures import Figures, definitions
from orders.views.common import require_role

PAGE_SIZE = 50

# (key, header, value) — the children table's columns, also its Excel columns.
COLUMNS = [
    ("received", N_("受理量"), lambda f: f.received),
    ("closing_rate", N_("办结率(%)"), lambda f: f.closing_rate),
    ("response_rate", N_("响应率(%)"), lambda f: f.response_rate),
    ("resolution_rate", N_("解决率(%)"), lambda f: f.resolution_rate),
    ("satisfaction_rate", N_("满意率(%)"), lambda f: f.satisfaction_rate),
    ("score", N_("综合得分"), lambda f: f.score),
    ("on_time_rate", N_("按时办结率(%)"), lambda f: f.on_time_rate),
    ("overdue", N_("超期工单"), lambda f: f.overdue_count),
    ("repeated", N_("重复诉求"), lambda f: f.repeated),
]


def _headers() -> list[str]:
    return [_(h) for _k, h, _v in COLUMNS]


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 1)


HEADLINES = [
    ("received", N_("受理量"), "received", lambda f: f.received),
    ("closing_rate", N_("办结率"), "closed", lambda f: f.closing_rate),
    ("response_rate", N_("响应率"), "sign_missed", lambda f: f.response_rate),
    ("resolution_rate", N_("解决率"), "unsolved", lambda f: f.resolution_rate),
    ("satisfaction_rate", N_("满意率"), "dissatisfied", lambda f: f.satisfaction_rate),
    ("score", N_("综合得分"), "", lambda f: f.score),
    ("overdue", N_("超期工单"), "overdue", lambda f: f.overdue_count),
    ("repeated", N_("重复诉求"), "repeated", lambda f: f.repeated),
]


def headlines(now: Figures, prev: Figures, last_year: Figures) -> list[dict]:
    defs = definitions()
    out = []
    for key, label, figure, value in HEADLINES:
        v = value(now)
        out.append(
            {
                "key": key,
                "label": _(label),
                "value": v,
                "pct": key.endswith("rate"),
                "mom": _change(v, value(prev)),
                "yoy": _change(v, value(last_year)),
                "figure": figure,
                "definition": defs.get(key, defs.get("overdue")),
            }
        )
    return out


def _period(request: HttpRequest) -> Period:
    period, error = stats.parse_period(request.GET)
    if error:
        messages.error(request, error)
    return period


def _children(area: Area) -> list[Area]:
    return list(Area.objects.filter(parent=area).order_by("path"))


def _table(rows, children) -> list[dict]:
    return [
        {"area": child, "cells": [value(f) for _k, _h, value in COLUMNS]}
        for child, f in stats.by_child(rows, children)
    ]


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    require_role(request, selectors.STATS_ROLES)
    roots = selectors.stats_roots(user=request.user)
    area = selectors.stats_area(user=request.user, code=request.GET.get("area", ""), roots=roots)
    period = _period(request)
    rows = stats.cells([area.path], period)
    figures = stats.total(rows)
    prev = stats.figures_for([area.path], period.previous())
    last_year = stats.figures_for([area.path], period.last_year())
    children = _children(area)
    table = _table(rows, children)
    if request.GET.get("format") == "xlsx":
        return excel.xlsx_response(
            filename=f"{area.name}_{period.label}_数据看板.xlsx",
            title=area.name,
            headers=[_("区域"), *_headers()],
            rows=[[r["area"].name, *r["cells"]] for r in table],
        )
    series = stats.trend([area.path], period)
    top = max([f.received for _m, f in series] + [1])
    trend = [
        {
            "month": m,
            "received": f.received,
            "satisfaction": f.satisfaction_rate,
            "score": f.score,
            "height": round(120 * f.received / top),
            "y": 140 - round(120 * f.received / top),
            "x": 10 + 60 * i,
        }
        for i, (m, f) in enumerate(series)
    ]
    ancestors = [
        r
        for r in Area.objects.filter(path__in=_prefixes(area.path)).order_by("path")
        if any(r.path.startswith(root.path) for root in roots)
    ]
    context = {
        "area": area,
        "roots": roots,
        "ancestors": ancestors,
        "period": period,
        "figures": figures,
        "headlines": headlines(figures, prev, last_year),
        "columns": _headers(),
        "table": table,
        "trend": trend,
        "definitions": definitions(),
        "filled_at": rollup.filled_at(),
        "can_rank": request.user.is_superuser
        or bool(set(selectors.RANKING_ROLES) & _roles(request)),
        "durations": [
            (_("派单"), figures.duration("dispatch")),
            (_("签收"), figures.duration("sign")),
            (_("办结"), figures.duration("resolve")),
            (_("首次响应"), figures.duration("response")),
        ],
    }
    return render(request, "orders/stats/overview.html", context)


def _roles(request) -> set[str]:
    from grids import access

    return access.access_for(request.user).roles


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


ORDER_HEADERS = [
    N_("编号"),
    N_("点单时间"),
    N_("类别"),
    N_("位置"),
    N_("状态"),
    N_("层级"),
    N_("承办"),
    N_("评价"),
    N_("是否解决"),
]


def _order_row(order) -> list:
    from django.utils import timezone

    return [
        order.reference,
        timezone.localtime(order.placed_at).strftime("%Y-%m-%d %H:%M"),
        order.category.name,
        order.area.name,
        order.get_status_display(),
        order.get_tier_display() if order.tier else "",
        order.handler_label,
        order.get_rating_display() if order.rating else "",
        {True: _("已解决"), False: _("未解决")}.get(order.solved, ""),
    ]


@login_required
@require_GET
def figure_orders(request: HttpRequest) -> HttpResponse:
    """The orders behind a figure: a street-wide (or community-wide) order list."""
    require_role(request, selectors.STATS_ROLES)
    roots = selectors.stats_roots(user=request.user)
    area = selectors.stats_area(user=request.user, code=request.GET.get("area", ""), roots=roots)
    period = _period(request)
    figure = request.GET.get("figure", "received")
    if figure not in selectors.FIGURE_ORDERS:
        figure = "received"
    qs = selectors.figure_orders(area=area, period=period, figure=figure)
    text = request.GET.get("q", "").strip()[:40]
    if text:
        qs = qs.filter(reference__icontains=text) | qs.filter(description__icontains=text)
    label = selectors.FIGURE_ORDERS[figure][0]
    if request.GET.get("format") == "xlsx":
        limit = settings.SIDAN_EXPORT_SYNC_MAX_ROWS
        return excel.xlsx_response(
            filename=f"{area.name}_{period.label}_{label}.xlsx",
            title=str(label),
            headers=[_(h) for h in ORDER_HEADERS],
            rows=(_order_row(o) for o in qs[:limit]),
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "area": area,
        "period": period,
        "figure": figure,
        "label": label,
        "page": page,
        "q": text,
        "figures": [(k, v[0]) for k, v in selectors.FIGURE_ORDERS.items()],
        "export_limit": settings.SIDAN_EXPORT_SYNC_MAX_ROWS,
    }
    return render(request, "orders/stats/orders.html", context)


def ranking_rows(rows, units: list[Area], prev_rows) -> list[dict]:
    """Units by composite score; fewer than the minimum orders: listed, not ranked."""
    minimum = settings.SIDAN_RANKING_MIN_ORDERS
    now = stats.by_child(rows, units)
    before = stats.by_child(prev_rows, units)

    def ranks(pairs):
        eligible = [(a, f) for a, f in pairs if f.received >= minimum and f.score is not None]
        eligible.sort(key=lambda p: (-p[1].score, p[0].path))
        return {a.pk: i + 1 for i, (a, _f) in enumerate(eligible)}

    rank_now, rank_before = ranks(now), ranks(before)
    out = []
    for unit, f in now:
        rank = rank_now.get(unit.pk)
        was = rank_before.get(unit.pk)
        out.append(
            {
                "area": unit,
                "figures": f,
                "rank": rank,
                "was": was,
                "move": (was - rank) if rank and was else None,
            }
        )
    out.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["area"].path))
    return out


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    """红黑榜: the street's communities and grids by composite score for a month."""
    require_role(request, selectors.RANKING_ROLES)
    roots = selectors.stats_roots(user=request.user)
    street = selectors.stats_area(user=request.user, code=request.GET.get("area", ""), roots=roots)
    period = _period(request)
    rows = stats.cells([street.path], period)
    prev_rows = stats.cells([street.path], period.previous())
    units = list(
        Area.objects.filter(
            path__startswith=street.path, level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID]
        ).order_by("path")
    )
    communities = ranking_rows(
        rows, [u for u in units if u.level == AreaLevel.COMMUNITY], prev_rows
    )
    grids = ranking_rows(rows, [u for u in units if u.level == AreaLevel.GRID], prev_rows)
    kind = request.GET.get("kind", "")
    if request.GET.get("format") == "xlsx":
        table = grids if kind == "grid" else communities
        return excel.xlsx_response(
            filename=f"{street.name}_{period.label}_红黑榜.xlsx",
            title=_("红黑榜"),
            headers=[_("名次"), _("区域"), _("综合得分"), _("受理量"), _("名次变化")],
            rows=[
                [
                    r["rank"] or _("未排名"),
                    r["area"].name,
                    r["figures"].score,
                    r["figures"].received,
                    r["move"],
                ]
                for r in table
            ],
        )
    context = {
        "area": street,
        "period": period,
        "communities": communities,
        "grids": grids,
        "minimum": settings.SIDAN_RANKING_MIN_ORDERS,
        "definitions": definitions(),
    }
    return render(request, "orders/stats/ranking.html", context)


@login_required
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    """大屏: the area's month on a dark 1920×1080 page that refreshes itself each minute."""
    require_role(request, selectors.STATS_ROLES)
    roots = selectors.stats_roots(user=request.user)
    area = selectors.stats_area(user=request.user, code=request.GET.get("area", ""), roots=roots)
    period, _error = stats.parse_period(request.GET)  # default: this month
    rows = stats.cells([area.path], period)
    figures = stats.total(rows)
    prev = stats.figures_for([area.path], period.previous())
    last_year = stats.figures_for([area.path], period.last_year())
    children = _children(area)
    context = {
        "area": area,
        "period": period,
        "headlines": headlines(figures, prev, last_year),
        "table": _table(rows, children)[:12],
        "columns": _headers(),
        "tiers": figures.tier_shares,
        "filled_at": rollup.filled_at(),
    }
    template = "orders/stats/screen.html#board" if request.htmx else "orders/stats/screen.html"
    return render(request, template, context)


urlpatterns = [
    path("staff/stats/", overview, name="stats"),
    path("staff/stats/orders/", figure_orders, name="stats_orders"),
    path("staff/stats/ranking/", ranking, name="stats_ranking"),
    path("staff/stats/screen/", screen, name="stats_screen"),
]
