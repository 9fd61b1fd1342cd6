"""Order-list exports (issue 9): the rows of "the orders behind a figure" as .xlsx —
straight away up to ``SIDAN_EXPORT_SYNC_MAX_ROWS`` rows, as a Celery task on an
``ExportJob`` row beyond that (progress on the job's page, the file downloadable only by
the user who asked, read in that user's scope when the task runs)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from core import clock
from grids.models import Area, AreaLevel
from orders.forms.staff import BoardFilterForm
from orders.models import ExportJob, ExportStatus, Order
from orders.selectors import staff as staff_selectors
from orders.selectors import stats as selectors
from orders.selectors.patch import PATCH_QUEUES, patch_grids, patch_orders
from orders.selectors.staff import filter_orders
from orders.stats import Period, excel, parse_period

log = logging.getLogger("sidan.exports")

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
# The list's parameters a job keeps (everything else in the query string is dropped).
PARAMS = (
    "area",
    "month",
    "start",
    "end",
    "figure",
    "q",
    "status",
    "category",
    "grid",
    "tier",
    "channel",
    "overdue",
    "sort",
    "community",
    "queue",
)
PROGRESS_EVERY = 1000


def order_row(order: Order) -> list:
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


@dataclass
class FigureList:
    area: Area
    period: Period
    period_error: str | None
    figure: str
    label: str
    text: str
    orders: QuerySet[Order]
    form: BoardFilterForm | None = None

    @property
    def filename(self) -> str:
        return f"{self.area.name}_{self.period.label}_{self.label}.xlsx"


def figure_list(user, params) -> FigureList:
    """The orders behind a figure for ``params`` (a query dict), in ``user``'s scope;
    404 for an area outside it."""
    roots = selectors.stats_roots(user=user)
    area = selectors.stats_area(user=user, code=params.get("area", ""), roots=roots)
    period, error = parse_period(params)
    figure = params.get("figure", "received")
    if figure not in selectors.FIGURE_ORDERS:
        figure = "received"
    qs = selectors.figure_orders(area=area, period=period, figure=figure)
    text = params.get("q", "").strip()[:40]
    if text:
        qs = qs.filter(reference__icontains=text) | qs.filter(description__icontains=text)
    # The board's filters and sorting (status, category, grid, tier, channel, overdue):
    # every order behind the figure, not only the open ones; the text search stays the
    # list's own (number or description — no phone search on a figure list).
    grids = list(
        Area.objects.filter(path__startswith=area.path, level=AreaLevel.GRID).order_by("path")
    )
    form = BoardFilterForm(params, grids=grids)
    filters = replace(form.filters(), queue="all", search="")
    qs = filter_orders(qs, filters=filters)
    label = str(selectors.FIGURE_ORDERS[figure][0])
    return FigureList(area, period, error, figure, label, text, qs, form)


@dataclass
class OrderList:
    """An order list to export: its rows, file name and sheet title."""

    orders: QuerySet[Order]
    filename: str
    label: str


def board_list(user, params) -> OrderList:
    """The dispatch board's list (派单台) under its tab, filters and sort; 404 without a
    board."""
    communities, grids_of = staff_selectors.board_places(user=user)
    if not communities:
        raise Http404
    community = {c.code: c for c in communities}.get(params.get("community", ""), communities[0])
    form = BoardFilterForm(params, grids=grids_of[community.pk])
    orders = staff_selectors.board_orders(community=community, filters=form.filters())
    label = str(_("派单台"))
    return OrderList(orders, f"{community.name}_{label}_{clock.today():%Y-%m-%d}.xlsx", label)


def patch_list(user, params) -> OrderList:
    """本片工单 under its tab, filters and sort (the user's patch)."""
    form = BoardFilterForm(params, grids=patch_grids(user=user))
    queue = params.get("queue", "")
    filters = replace(form.filters(), queue=queue if queue in PATCH_QUEUES else "open")
    label = str(_("本片工单"))
    return OrderList(
        patch_orders(user=user, filters=filters), f"{label}_{clock.today():%Y-%m-%d}.xlsx", label
    )


# Every exportable order list, by the kind an export job records.
LISTS = {"figure_orders": figure_list, "board": board_list, "patch": patch_list}


def respond(request, kind: str):
    """``?format=xlsx`` of an order list: the file at once up to
    ``SIDAN_EXPORT_SYNC_MAX_ROWS`` rows, else an export job (redirect to its page)."""
    listing = LISTS[kind](request.user, request.GET)
    if listing.orders.count() > settings.SIDAN_EXPORT_SYNC_MAX_ROWS:
        job = start(user=request.user, params=request.GET, kind=kind)
        return redirect("orders:export_job", job.pk)
    return excel.xlsx_response(
        filename=listing.filename,
        title=listing.label,
        headers=[_(h) for h in ORDER_HEADERS],
        rows=(order_row(o) for o in listing.orders.select_related(*ROW_RELATED)),
    )


ROW_RELATED = ("category", "area", "handler_user", "handler_unit")


def start(*, user, params, kind: str = "figure_orders") -> ExportJob:
    """Queue an export of the list ``params`` describes for ``user``."""
    listing = LISTS[kind](user, params)
    job = ExportJob.objects.create(
        user=user,
        kind=kind,
        params={k: params.get(k, "") for k in PARAMS if params.get(k)},
        filename=listing.filename,
        rows_total=listing.orders.count(),
    )
    transaction.on_commit(lambda: export_job.delay(job.pk))
    return job


@shared_task(name="orders.export_job", ignore_result=True)
def export_job(job_id: int) -> None:
    """The Celery task of one export (re-exported by ``orders.tasks``); a redelivered
    task does nothing."""
    run(job_id)


def run(job_id: int) -> str:
    """Write the job's file. Runs once: a job that is not queued (already running, done
    or failed — a redelivered task) is left alone."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ExportStatus.QUEUED:
            return "skipped"
        job.status = ExportStatus.RUNNING
        job.save(update_fields=["status"])
    try:
        user = get_user_model().objects.get(pk=job.user_id, is_active=True)
        listing = LISTS.get(job.kind, figure_list)(user, job.params)
        qs = listing.orders.select_related(*ROW_RELATED)
        total = qs.count()
        ExportJob.objects.filter(pk=job.pk).update(rows_total=total)

        def rows():
            for done, order in enumerate(qs.iterator(chunk_size=2000), start=1):
                if done % PROGRESS_EVERY == 0:
                    ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
                yield order_row(order)

        content = excel.workbook_bytes(
            title=listing.label, headers=[_(h) for h in ORDER_HEADERS], rows=rows()
        )
        job.file.save(f"{job.pk}-{secrets.token_hex(16)}.xlsx", ContentFile(content), save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            file=job.file.name,
            status=ExportStatus.DONE,
            rows_done=total,
            rows_total=total,
            finished_at=clock.now(),
        )
        return "done"
    except (Http404, get_user_model().DoesNotExist):
        message = _("您已无权查看这些工单，导出已取消。")
    except Exception:  # the job must not stay "running" forever
        log.exception("export job %s failed", job.pk)
        message = _("导出失败，请稍后重试。")
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.FAILED, error=message, finished_at=clock.now()
    )
    return "failed"


def purge() -> int:
    """Delete the jobs (and files) older than ``SIDAN_EXPORT_KEEP_HOURS``."""
    cutoff = clock.now() - timedelta(hours=settings.SIDAN_EXPORT_KEEP_HOURS)
    doomed = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in doomed:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[j.pk for j in doomed]).delete()
    return len(doomed)
