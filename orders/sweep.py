"""The deadline sweep: find what is due in the database and act on it, exactly once.

Beat runs ``orders.sweep`` every ``SIDAN_SWEEP_SECONDS``. Each rule selects due orders
through an index, ``SIDAN_SWEEP_BATCH`` at a time, with ``SELECT … FOR UPDATE SKIP LOCKED``
(PostgreSQL) inside one transaction per batch, and runs its step on each locked instance
(a savepoint per order). The batch select reads the rows with what the steps use
(category, area, handler), and reference lookups — policies, the calendar, who holds
which post — are read once per batch (``orders.memo``). A concurrent sweep skips the rows
this one holds and takes the next ones; a sweep that dies mid-batch rolls the whole batch
back and the next sweep finds the same rows due. Each step re-checks its condition on the
locked row and changes the column that made the row due, so nothing is done twice and
nothing due is left behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet

from core import clock, memo, outbox, writer
from orders.lifecycle import BEING_HANDLED, Status
from orders.models import Order, Whistle
from orders.services import LOCK_RELATED, joint, mark_locked, sweep_steps

log = logging.getLogger("sidan.sweep")


@dataclass(frozen=True)
class Rule:
    name: str
    due: Callable[[datetime], QuerySet]
    # Takes the row (``order`` by default, locked in the current transaction) and ``now``;
    # True when it acted.
    step: Callable[..., bool]
    # What the batch select joins, and the step's keyword for the row: a rule on another
    # table (a whistle, issue 12) names its own.
    related: tuple[str, ...] = LOCK_RELATED
    arg: str = "order"


def _chase_due(now: datetime) -> QuerySet:
    return Order.objects.filter(chase_due_at__lte=now).order_by("chase_due_at", "pk")


def _sign_due(now: datetime) -> QuerySet:
    return Order.objects.filter(status=Status.AWAITING_SIGN, sign_due_at__lte=now).order_by(
        "sign_due_at", "pk"
    )


def _resolve_due(now: datetime) -> QuerySet:
    # Matches the partial index order_resolve_due_open exactly.
    return Order.objects.filter(
        Q(overdue_at__isnull=True) & Q(status__in=list(BEING_HANDLED)), resolve_due_at__lte=now
    ).order_by("resolve_due_at", "pk")


def _dispatch_due(now: datetime) -> QuerySet:
    return Order.objects.filter(dispatch_sweep_at__lte=now).order_by("dispatch_sweep_at", "pk")


def _rating_due(now: datetime) -> QuerySet:
    return Order.objects.filter(rating_due_at__lte=now).order_by("rating_due_at", "pk")


# Whistles (小区吹哨、部门报到, issue 12): the partial indexes whistle_*_sweep.
WHISTLE_RELATED = ("order", "order__area", "order__category", "department")


def _whistle_report_due(now: datetime) -> QuerySet:
    return Whistle.objects.filter(report_sweep_at__lte=now).order_by("report_sweep_at", "pk")


def _whistle_resolve_due(now: datetime) -> QuerySet:
    return Whistle.objects.filter(resolve_sweep_at__lte=now).order_by("resolve_sweep_at", "pk")


# Sign-for before resolution: an order late on both is escalated once, for the sign-for.
RULES = [
    Rule("sign_overdue", _sign_due, sweep_steps.sign_overdue_locked),
    Rule("resolve_overdue", _resolve_due, sweep_steps.resolve_overdue_locked),
    Rule("chase", _chase_due, sweep_steps.chase_locked),
    Rule("dispatch_overdue", _dispatch_due, sweep_steps.dispatch_overdue_locked),
    Rule("rating", _rating_due, sweep_steps.rating_step_locked),
    Rule(
        "whistle_report",
        _whistle_report_due,
        joint.whistle_report_overdue_locked,
        WHISTLE_RELATED,
        "whistle",
    ),
    Rule(
        "whistle_resolve",
        _whistle_resolve_due,
        joint.whistle_resolve_overdue_locked,
        WHISTLE_RELATED,
        "whistle",
    ),
]


@dataclass
class SweepReport:
    acted: dict[str, int] = field(default_factory=dict)
    failed: dict[str, list[int]] = field(default_factory=dict)
    messages_retried: int = 0

    @property
    def total(self) -> int:
        return sum(self.acted.values())


def _locked_batch(rule: Rule, *, now: datetime, batch_size: int, failed: set[int]) -> list[Order]:
    orders = list(
        rule.due(now)
        .exclude(pk__in=failed)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related(*rule.related)[:batch_size]
    )
    mark_locked(orders)
    return orders


def _relock(rule: Rule, pks: list[int], now: datetime) -> list[Order]:
    """The batch's rows again (already locked by this transaction), fresh from the table."""
    model = rule.due(now).model
    by_pk = model.objects.select_for_update(of=("self",)).select_related(*rule.related).in_bulk(pks)
    orders = [by_pk[pk] for pk in pks if pk in by_pk]
    mark_locked(orders)
    return orders


def _fail(rule: Rule, order: Order, exc: Exception, failed: set[int]) -> None:
    failed.add(order.pk)
    log.exception("sweep %s failed on order %s: %s", rule.name, order.pk, exc)


def _step_in_bulk(rule, orders, *, now, on_order) -> tuple[int, set[int]]:
    """The set-based batch: each step decides on its locked row as always, its writes are
    kept (``core.writer.bulk_writes``) and the batch is written at the end in a few
    statements. A step that raises leaves nothing behind (the writes' checkpoint)."""
    acted, failed = 0, set()
    with writer.bulk_writes(expected=len(orders)) as bulk:
        bulk.track(orders)
        for order in orders:
            if on_order is not None:
                on_order(order.pk)  # tests: simulate a worker dying mid-batch
            point = bulk.checkpoint()
            try:
                if rule.step(**{rule.arg: order}, now=now):
                    acted += 1
            except Exception as exc:  # one bad order must not stall the rest
                bulk.rollback_to(point)
                _fail(rule, order, exc, failed)
    return acted, failed


def _step_each(rule, orders, *, now, on_order) -> tuple[int, set[int]]:
    """Order by order, a savepoint each (the fallback when a batch's bulk write fails)."""
    acted, failed = 0, set()
    for order in orders:
        if on_order is not None:
            on_order(order.pk)
        try:
            with transaction.atomic():
                if rule.step(**{rule.arg: order}, now=now):
                    acted += 1
        except Exception as exc:  # one bad order must not stall the rest (OrderError included)
            _fail(rule, order, exc, failed)
    return acted, failed


def run_rule(
    rule: Rule,
    *,
    now: datetime,
    batch_size: int,
    max_batches: int,
    report: SweepReport,
    on_order: Callable[[int], None] | None = None,
    bulk: bool | None = None,
) -> None:
    failed: set[int] = set()
    acted = 0
    if bulk is None:
        bulk = settings.SIDAN_SWEEP_BULK and writer.bulk_supported()
    for _batch in range(max_batches):
        with transaction.atomic(), memo.batch():
            orders = _locked_batch(rule, now=now, batch_size=batch_size, failed=failed)
            done = None
            if bulk and orders:
                try:
                    with transaction.atomic():  # a savepoint: a failed flush undoes only itself
                        done = _step_in_bulk(rule, orders, now=now, on_order=on_order)
                except DatabaseError as exc:
                    log.warning("sweep %s: bulk batch failed (%s); order by order", rule.name, exc)
            if done is None:
                if bulk and orders:
                    orders = _relock(rule, [order.pk for order in orders], now)
                done = _step_each(rule, orders, now=now, on_order=on_order)
            acted += done[0]
            failed |= done[1]
        if len(orders) < batch_size:
            break
    report.acted[rule.name] = report.acted.get(rule.name, 0) + acted
    if failed:
        report.failed[rule.name] = sorted(failed)


def run_sweep(
    *,
    now: datetime | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
    on_order: Callable[[int], None] | None = None,
    retry_messages: bool = True,
) -> SweepReport:
    """One pass over every rule, then a retry of stale pending outbox messages."""
    now = now or clock.now()
    batch_size = batch_size or settings.SIDAN_SWEEP_BATCH
    max_batches = max_batches or settings.SIDAN_SWEEP_MAX_BATCHES
    report = SweepReport()
    for rule in RULES:
        run_rule(
            rule,
            now=now,
            batch_size=batch_size,
            max_batches=max_batches,
            report=report,
            on_order=on_order,
        )
    if retry_messages:
        report.messages_retried = outbox.retry_due(now=now)
    if report.total or report.failed:
        log.info("sweep at %s: acted %s failed %s", now.isoformat(), report.acted, report.failed)
    return report
