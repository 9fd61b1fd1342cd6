"""Dashboards (issue 9): area overview with drill-down, the orders behind a figure, the
monthly ranking (红黑榜), the large screen; every table downloads as .xlsx.

Figures come from the rollup (``orders.stats``); order lists are scoped reads
(``orders.selectors.stats``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.views.decorators.http import require_GET

from core.paging import LatePaginator
from grids.models import Area, AreaLevel, ancestor_paths
from orders import stats
from orders.models import ExportJob, ExportStatus
from orders.selectors import stats as selectors
from orders.stats import Period, excel, exports, rollup
from orders.stats import handlers as handler_stats
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
    children = _children(area)
    own, split_rows = stats.area_cells(area, period, children)
    figures = stats.total(own)
    prev = stats.figures_of(area, period.previous())
    last_year = stats.figures_of(area, period.last_year())
    table = _table(split_rows, children)
    if request.GET.get("format") == "xlsx":
        return excel.xlsx_response(
            filename=f"{area.name}_{period.label}_数据看板.xlsx",
            title=area.name,
            headers=[_("区域"), *_headers()],
            rows=[[r["area"].name, *r["cells"]] for r in table],
        )
    series = stats.trend(area, period)
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
        for r in Area.objects.filter(path__in=ancestor_paths(area.path)).order_by("path")
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


@login_required
@require_GET
def figure_orders(request: HttpRequest) -> HttpResponse:
    """The orders behind a figure: a street-wide (or community-wide) order list."""
    require_role(request, selectors.STATS_ROLES)
    listing = exports.figure_list(request.user, request.GET)
    if listing.period_error:
        messages.error(request, listing.period_error)
    qs = listing.orders
    if request.GET.get("format") == "xlsx":
        return exports.respond(request, "figure_orders")
    page = LatePaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "area": listing.area,
        "period": listing.period,
        "figure": listing.figure,
        "label": listing.label,
        "page": page,
        "q": listing.text,
        "figures": [(k, v[0]) for k, v in selectors.FIGURE_ORDERS.items()],
        "export_limit": settings.SIDAN_EXPORT_SYNC_MAX_ROWS,
        "form": listing.form,
        # The list's parameters (the period as dates) for the pager and the export links.
        "query": urlencode(
            [
                (k, request.GET[k])
                for k in exports.PARAMS
                if k not in ("month", "start", "end") and request.GET.get(k)
            ]
            + [
                ("start", f"{listing.period.start:%Y-%m-%d}"),
                ("end", f"{listing.period.last_day:%Y-%m-%d}"),
            ]
        ),
    }
    return render(request, "orders/stats/orders.html", context)


# (label, value) — a handler's figures, also the Excel columns of "my figures".
HANDLER_COLUMNS = [
    (N_("接单量"), lambda f: f.n("dispatched")),
    (N_("响应率(%)"), lambda f: f.response_rate),
    (N_("按时办结率(%)"), lambda f: f.on_time_rate),
    (N_("解决率(%)"), lambda f: f.resolution_rate),
    (N_("满意率(%)"), lambda f: f.satisfaction_rate),
    (N_("综合得分"), lambda f: f.score),
    (N_("退单"), lambda f: f.n("returned")),
    (N_("超期"), lambda f: f.n("overdue")),
]


@login_required
@require_GET
def my_figures(request: HttpRequest) -> HttpResponse:
    """我的数据: a handler's own figures (and their member unit's, for a liaison) for a
    month against the month before, with the 12 months up to it."""
    require_role(request, handler_stats.HANDLER_ROLES)
    period = _period(request)
    if not period.is_month:
        period = Period.month(period.start.year, period.start.month)
    handlers = handler_stats.own_handlers(request.user)
    now = handler_stats.figures(handlers, period)
    before = handler_stats.figures(handlers, period.previous())
    sections = []
    for h in handlers:
        series = handler_stats.trend(h, period)
        sections.append(
            {
                "handler": h,
                "cells": [
                    (_(label), value(now[h.key]), value(before[h.key]))
                    for label, value in HANDLER_COLUMNS
                ],
                "trend": [(m, [value(f) for _l, value in HANDLER_COLUMNS]) for m, f in series],
            }
        )
    if request.GET.get("format") == "xlsx" and sections:
        first = sections[0]
        return excel.xlsx_response(
            filename=f"{first['handler'].label}_{period.label}_我的数据.xlsx",
            title=first["handler"].label,
            headers=[_("月份"), *[_(label) for label, _v in HANDLER_COLUMNS]],
            rows=[[m, *cells] for m, cells in first["trend"]],
        )
    context = {
        "period": period,
        "sections": sections,
        "headers": [_(label) for label, _v in HANDLER_COLUMNS],
        "definitions": definitions(),
        "filled_at": rollup.filled_at(),
    }
    return render(request, "orders/stats/mine.html", context)


@login_required
@require_GET
def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A large export's progress (polled while it runs) and its download link."""
    job = get_object_or_404(ExportJob, pk=job_id, user=request.user)
    template = "orders/stats/export_job.html"
    if request.htmx:
        template += "#job"
    return render(request, template, {"job": job, "back": urlencode(job.params)})


@login_required
@require_GET
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    """The finished file, for the user who asked only."""
    job = get_object_or_404(ExportJob, pk=job_id, user=request.user, status=ExportStatus.DONE)
    if not job.file or not job.file.storage.exists(job.file.name):
        raise Http404
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=excel.XLSX
    )


def ranking_rows(rows, units: list[Area], prev_rows) -> list[dict]:
    """Areas by composite score (``stats.ranked``); rows carry ``area``."""
    out = stats.ranked(
        units,
        now=[f for _a, f in stats.by_child(rows, units)],
        before=[f for _a, f in stats.by_child(prev_rows, units)],
        volume=lambda f: f.received,
        label=lambda a: a.path,
    )
    for row in out:
        area = row["item"]
        row.update(area=area, name=area.name, code=area.code, volume=row["figures"].received)
    return out


def handler_ranking_rows(handlers: list[handler_stats.Handler], period: Period) -> list[dict]:
    out = handler_stats.ranking(handlers, period)
    for row in out:
        row.update(name=row["item"].label, code="", volume=row["figures"].n("dispatched"))
    return out


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    """红黑榜: the street's communities and grids by composite score for a month."""
    require_role(request, selectors.RANKING_ROLES)
    roots = selectors.stats_roots(user=request.user)
    street = selectors.stats_area(user=request.user, code=request.GET.get("area", ""), roots=roots)
    period = _period(request)
    units = list(
        Area.objects.filter(
            path__startswith=street.path, level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID]
        ).order_by("path")
    )

    def ranked(level: int) -> list[dict]:
        group = [u for u in units if u.level == level]
        rows = stats.area_cells(street, period, group)[1]
        prev_rows = stats.area_cells(street, period.previous(), group)[1]
        return ranking_rows(rows, group, prev_rows)

    tables = {
        "community": ranked(AreaLevel.COMMUNITY),
        "grid": ranked(AreaLevel.GRID),
        "property": handler_ranking_rows(handler_stats.street_property_managers(street), period),
        "unit": handler_ranking_rows(handler_stats.street_member_units(street), period),
    }
    kind = request.GET.get("kind", "")
    if request.GET.get("format") == "xlsx":
        table = tables.get(kind, tables["community"])
        return excel.xlsx_response(
            filename=f"{street.name}_{period.label}_红黑榜.xlsx",
            title=_("红黑榜"),
            headers=[
                _("名次"),
                _("区域") if kind in ("", "community", "grid") else _("承办方"),
                _("综合得分"),
                _("受理量") if kind in ("", "community", "grid") else _("接单量"),
                _("名次变化"),
            ],
            rows=[
                [
                    r["rank"] or _("未排名"),
                    r["name"],
                    r["figures"].score,
                    r["volume"],
                    r["move"],
                ]
                for r in table
            ],
        )
    context = {
        "area": street,
        "period": period,
        "communities": tables["community"],
        "grids": tables["grid"],
        "property_managers": tables["property"],
        "units": tables["unit"],
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
    children = _children(area)
    own, split_rows = stats.area_cells(area, period, children)
    figures = stats.total(own)
    prev = stats.figures_of(area, period.previous())
    last_year = stats.figures_of(area, period.last_year())
    context = {
        "area": area,
        "period": period,
        "headlines": headlines(figures, prev, last_year),
        "table": _table(split_rows, children)[:12],
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
    path("staff/stats/mine/", my_figures, name="stats_mine"),
    path("staff/exports/<int:job_id>/", export_job, name="export_job"),
    path("staff/exports/<int:job_id>/download/", export_download, name="export_download"),
]
