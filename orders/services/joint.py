"""Issue 12's joint work on an order (docs/departments.md): the whistle to a functional
department (小区吹哨、部门报到) and the co-handling units (协办).

Blowing a whistle and inviting a co-handler create the row, with the order locked;
every later move goes through ``core.writer.transition`` on the row with its own move
table (``orders.lifecycle.WHISTLE_MOVES`` / ``CO_MOVES``), and writes exactly one event
on the order's timeline (no status: the order's own status and version stay as they
were). Messages are recorded in the same transaction (``orders.notify``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import clock, writer
from core.actors import Actor
from grids.models import Department, MemberUnit
from orders import authority, deadlines, events, notify
from orders.errors import OrderError
from orders.lifecycle import (
    BEING_HANDLED,
    CO_MOVES,
    CO_OPEN,
    OPEN_STATUSES,
    WHISTLE_MOVES,
    WHISTLE_OPEN,
    Action,
    CoStatus,
    Status,
    Tier,
    WhistleStatus,
)
from orders.models import CoHandler, Order, OrderEvent, SupervisionKind, Whistle
from orders.services.alerts import raise_supervision
from orders.services.common import Change, clean_text, lock_order, record_event
from orders.services.handlers import handler_candidates

JOINT_RELATED = ("order", "order__area", "order__category")


def _refusal(what: str, row, action: str) -> OrderError:
    return OrderError(
        "illegal_move",
        _("无法%(action)s：该%(what)s现在是「%(status)s」。")
        % {"action": Action(action).label, "what": what, "status": row.get_status_display()},
    )


def _joint_move(
    *,
    row_id: int | None,
    locked=None,
    lock: Callable[[int], object],
    moves: dict,
    action: str,
    actor: Actor,
    apply: Callable[[object, datetime], Change],
    authorise: Callable[[object], None],
    refuse: Callable[[object], Exception],
    repeated: Callable[[object], bool],
    data: Callable[[object], dict],
    expected_status: str | None = None,
    after: Callable[[object, OrderEvent], None] | None = None,
):
    """One move of a whistle or a co-handler: the row's transition and one order event."""

    def record(row, from_status: str, change: Change, now: datetime) -> None:
        event = events.event_row(
            row.order, action=action, actor=actor, note=change.note, data=data(row), at=now
        )
        writer.insert_rows(OrderEvent, [event])
        if after is not None:
            after(row, event)

    return writer.transition(
        row_id=row_id,
        locked=locked,
        lock=lock,
        moves=moves,
        action=action,
        apply=apply,
        record=record,
        refuse=refuse,
        stale=lambda row: expected_status is not None and row.status != expected_status,
        repeated=repeated,
        authorise=authorise,
    )


def _mark_joint(order: Order) -> None:
    if not order.has_joint:
        order.has_joint = True
        writer.save_row(order, ["has_joint"])


# --- the whistle ---------------------------------------------------------------------------


def lock_whistle(whistle_id: int) -> Whistle:
    return writer.lock_row(
        Whistle.objects.all(),
        whistle_id,
        related=(*JOINT_RELATED, "department"),
        missing=lambda: OrderError("not_found", _("吹哨记录不存在。")),
    )


def whistle_departments(order: Order):
    """The departments one may whistle to from ``order``: the active ones of its street."""
    return Department.objects.filter(street_id=order.street_id, is_active=True).order_by(
        "level", "name"
    )


def whistle_blow(
    *, order_id: int, actor: AbstractBaseUser, department: Department | None, note: str
) -> Whistle:
    """A dispatcher or street official blows the whistle to a functional department: the
    department must report within the policy's limit and resolve its part within its own."""
    note = clean_text(note, required=True, what="吹哨说明", limit=1000)
    who = Actor.staff(actor)
    with transaction.atomic():
        order = lock_order(order_id)
        if not authority.may_whistle(actor, order):
            raise OrderError("forbidden", _("你的岗位不能为这张工单吹哨。"))
        if order.status not in OPEN_STATUSES:
            raise OrderError("bad_move", _("工单已办结或撤销，不能再吹哨。"))
        if (
            department is None
            or not department.is_active
            or department.street_id != order.street_id
        ):
            raise OrderError("bad_department", _("请选择服务本街道的职能部门。"))
        existing = Whistle.objects.filter(
            order=order, department=department, status__in=list(WHISTLE_OPEN)
        ).first()
        if existing is not None:
            if existing.blown_by_id == actor.pk and existing.note == note:
                return existing  # a double submit
            raise OrderError(
                "already_whistled",
                _("已向%(dept)s吹哨，尚未办结。") % {"dept": department.name},
            )
        now = clock.now()
        report_due, resolve_due = deadlines.whistle_dues(order=order, start=now)
        whistle = Whistle(
            order=order,
            department=department,
            note=note,
            blown_by=actor,
            blown_at=now,
            report_due_at=report_due,
            resolve_due_at=resolve_due,
            report_sweep_at=report_due,
            resolve_sweep_at=resolve_due,
        )
        whistle.save(force_insert=True)
        _mark_joint(order)
        event = record_event(
            order,
            action=Action.WHISTLE,
            actor=who,
            note=note,
            data=events.whistle_data(whistle=whistle, due=report_due),
            at=now,
        )
        with translation.override(settings.LANGUAGE_CODE):
            notify.tell_staff(
                notify.department_staff(department.pk),
                order=order,
                template="whistle_blown",
                body=_(
                    "【四单】吹哨：工单 %(ref)s（%(cat)s，%(place)s）请%(dept)s于 %(due)s 前报到。"
                )
                % {
                    "ref": order.reference,
                    "cat": order.category.name,
                    "place": order.area.name,
                    "dept": department.name,
                    "due": timezone.localtime(report_due).strftime("%m-%d %H:%M"),
                },
                key=str(event.pk),
            )
    return whistle


def _whistle_move(
    *,
    whistle_id: int,
    action: str,
    actor: AbstractBaseUser,
    apply: Callable[[Whistle, datetime], Change],
    authorise: Callable[[Whistle], None],
    done_by: Callable[[Whistle], int | None],
    expected_status: str | None = None,
) -> Whistle:
    return _joint_move(
        row_id=whistle_id,
        lock=lock_whistle,
        moves=WHISTLE_MOVES,
        action=action,
        actor=Actor.staff(actor),
        apply=apply,
        authorise=authorise,
        refuse=lambda w: _refusal(_("吹哨"), w, action),
        repeated=lambda w: done_by(w) == actor.pk,
        data=lambda w: events.whistle_data(whistle=w),
        expected_status=expected_status,
    )


def _department_acts(actor: AbstractBaseUser) -> Callable[[Whistle], None]:
    def authorise(whistle: Whistle) -> None:
        if not authority.is_department_staff(actor, whistle):
            raise OrderError("forbidden", _("只有被吹哨的职能部门可以报到和办结。"))
        if whistle.order.status == Status.CANCELLED:
            raise OrderError("bad_move", _("工单已撤销，无需再办理。"))

    return authorise


def whistle_report(
    *, whistle_id: int, actor: AbstractBaseUser, note: str = "", expected_status=None
) -> Whistle:
    """报到: the department answers the whistle (on the spot or by phone)."""
    note = clean_text(note, required=False, what="报到说明", limit=500)

    def apply(whistle: Whistle, now: datetime) -> Change:
        whistle.reported_at, whistle.reported_by = now, actor
        whistle.report_sweep_at = None
        return Change(WhistleStatus.REPORTED, note=note)

    return _whistle_move(
        whistle_id=whistle_id,
        action=Action.WHISTLE_REPORT,
        actor=actor,
        apply=apply,
        authorise=_department_acts(actor),
        done_by=lambda w: w.reported_by_id,
        expected_status=expected_status,
    )


def whistle_resolve(
    *, whistle_id: int, actor: AbstractBaseUser, result_note: str, expected_status=None
) -> Whistle:
    """The department reports its part done, with the result."""
    result_note = clean_text(result_note, required=True, what="部门办理结果", limit=2000)

    def apply(whistle: Whistle, now: datetime) -> Change:
        whistle.resolved_at, whistle.resolved_by = now, actor
        whistle.result_note = result_note
        whistle.report_sweep_at = whistle.resolve_sweep_at = None
        return Change(WhistleStatus.RESOLVED, note=result_note)

    return _whistle_move(
        whistle_id=whistle_id,
        action=Action.WHISTLE_RESOLVE,
        actor=actor,
        apply=apply,
        authorise=_department_acts(actor),
        done_by=lambda w: w.resolved_by_id,
        expected_status=expected_status,
    )


def whistle_withdraw(
    *, whistle_id: int, actor: AbstractBaseUser, reason: str, expected_status=None
) -> Whistle:
    """The dispatcher withdraws a whistle (the wrong department, or no longer needed)."""
    reason = clean_text(reason, required=True, what="撤回理由", limit=500)

    def authorise(whistle: Whistle) -> None:
        if not authority.may_whistle(actor, whistle.order):
            raise OrderError("forbidden", _("你的岗位不能撤回这次吹哨。"))

    def apply(whistle: Whistle, now: datetime) -> Change:
        whistle.withdrawn_at = now
        whistle.report_sweep_at = whistle.resolve_sweep_at = None
        return Change(WhistleStatus.WITHDRAWN, note=reason)

    return _whistle_move(
        whistle_id=whistle_id,
        action=Action.WHISTLE_WITHDRAW,
        actor=actor,
        apply=apply,
        authorise=authorise,
        done_by=lambda w: None,
        expected_status=expected_status,
    )


# --- co-handling -----------------------------------------------------------------------------


def lock_cohandler(cohandler_id: int) -> CoHandler:
    """The co-handler's row, after its order's (a co-handling move checks the order's
    status, so the order may not move meanwhile)."""
    order_id = CoHandler.objects.filter(pk=cohandler_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise OrderError("not_found", _("协办记录不存在。"))
    lock_order(order_id)
    return writer.lock_row(
        CoHandler.objects.all(),
        cohandler_id,
        related=(*JOINT_RELATED, "unit"),
        missing=lambda: OrderError("not_found", _("协办记录不存在。")),
    )


def cohandler_units(order: Order) -> list[MemberUnit]:
    """Units one may invite to co-handle ``order``: the member units of its community, the
    lead unit and those already co-handling aside."""
    taken = set(
        CoHandler.objects.filter(order=order, status__in=list(CO_OPEN)).values_list(
            "unit_id", flat=True
        )
    )
    return [
        unit
        for unit in handler_candidates(order=order, tier=Tier.MEMBER_UNIT)
        if unit.pk != order.handler_unit_id and unit.pk not in taken
    ]


def _being_handled(order: Order) -> None:
    if order.status not in BEING_HANDLED:
        raise OrderError(
            "not_being_handled",
            _("协办只在工单办理期间进行；这张工单现在是「%(status)s」。")
            % {"status": order.get_status_display()},
        )


def cohandler_invite(
    *, order_id: int, actor: AbstractBaseUser, unit: MemberUnit | None, part: str
) -> CoHandler:
    """The dispatcher (or the lead handler) asks a member unit to co-handle its part."""
    part = clean_text(part, required=True, what="协办内容", limit=1000)
    with transaction.atomic():
        order = lock_order(order_id)
        if not authority.may_invite_cohandler(actor, order):
            raise OrderError("forbidden", _("你的岗位不能为这张工单邀请协办单位。"))
        _being_handled(order)
        if unit is None or unit.pk not in {u.pk for u in cohandler_units(order)}:
            existing = (
                CoHandler.objects.filter(order=order, unit=unit, status__in=list(CO_OPEN))
                .select_related("unit")
                .first()
                if unit is not None
                else None
            )
            if existing is not None and existing.invited_by_id == actor.pk:
                return existing  # a double submit
            raise OrderError(
                "bad_unit", _("请选择本社区的另一个成员单位（不能是主办单位或已在协办的单位）。")
            )
        now = clock.now()
        cohandler = CoHandler(order=order, unit=unit, part=part, invited_by=actor, invited_at=now)
        cohandler.save(force_insert=True)
        _mark_joint(order)
        event = record_event(
            order,
            action=Action.CO_ADD,
            actor=Actor.staff(actor),
            note=part,
            data=events.cohandler_data(cohandler=cohandler),
            at=now,
        )
        with translation.override(settings.LANGUAGE_CODE):
            notify.tell_staff(
                notify.unit_liaisons(unit.pk),
                order=order,
                template="cohandler_invited",
                body=_("【四单】协办：工单 %(ref)s（%(cat)s）请%(unit)s协助办理，请签收。")
                % {"ref": order.reference, "cat": order.category.name, "unit": unit.name},
                key=str(event.pk),
            )
    return cohandler


def _co_move(
    *,
    cohandler_id: int,
    action: str,
    actor: AbstractBaseUser,
    apply: Callable[[CoHandler, datetime], Change],
    authorise: Callable[[CoHandler], None],
    done_by: Callable[[CoHandler], int | None],
    expected_status: str | None = None,
    after: Callable[[CoHandler, OrderEvent], None] | None = None,
) -> CoHandler:
    def check(cohandler: CoHandler) -> None:
        authorise(cohandler)
        _being_handled(cohandler.order)

    return _joint_move(
        row_id=cohandler_id,
        lock=lock_cohandler,
        moves=CO_MOVES,
        action=action,
        actor=Actor.staff(actor),
        apply=apply,
        authorise=check,
        refuse=lambda c: _refusal(_("协办"), c, action),
        repeated=lambda c: done_by(c) == actor.pk,
        data=lambda c: events.cohandler_data(cohandler=c),
        expected_status=expected_status,
        after=after,
    )


def _cohandler_acts(actor: AbstractBaseUser) -> Callable[[CoHandler], None]:
    def authorise(cohandler: CoHandler) -> None:
        if not authority.is_cohandler(actor, cohandler):
            raise OrderError("forbidden", _("只有协办单位的联络员可以签收和反馈。"))

    return authorise


def cohandler_sign(*, cohandler_id: int, actor: AbstractBaseUser, expected_status=None):
    def apply(cohandler: CoHandler, now: datetime) -> Change:
        cohandler.signed_at, cohandler.signed_by = now, actor
        return Change(CoStatus.SIGNED)

    return _co_move(
        cohandler_id=cohandler_id,
        action=Action.CO_SIGN,
        actor=actor,
        apply=apply,
        authorise=_cohandler_acts(actor),
        done_by=lambda c: c.signed_by_id,
        expected_status=expected_status,
    )


def cohandler_report(
    *, cohandler_id: int, actor: AbstractBaseUser, note: str, expected_status=None
) -> CoHandler:
    """The co-handler reports its part (it shows in the order's timeline)."""
    note = clean_text(note, required=True, what="协办结果", limit=2000)

    def apply(cohandler: CoHandler, now: datetime) -> Change:
        cohandler.reported_at, cohandler.reported_by = now, actor
        cohandler.report_note = note
        return Change(CoStatus.REPORTED, note=note)

    return _co_move(
        cohandler_id=cohandler_id,
        action=Action.CO_REPORT,
        actor=actor,
        apply=apply,
        authorise=_cohandler_acts(actor),
        done_by=lambda c: c.reported_by_id,
        expected_status=expected_status,
        after=_tell_lead,
    )


def _tell_lead(cohandler: CoHandler, event: OrderEvent) -> None:
    """The lead handler hears that a co-handler's part is in."""
    order = cohandler.order
    with translation.override(settings.LANGUAGE_CODE):
        notify.tell_staff(
            notify.staff_recipients(order),
            order=order,
            template="cohandler_reported",
            body=_("【四单】工单 %(ref)s 的协办单位%(unit)s已反馈其部分，请查看。")
            % {"ref": order.reference, "unit": cohandler.unit.name},
            key=str(event.pk),
        )


def cohandler_withdraw(
    *, cohandler_id: int, actor: AbstractBaseUser, reason: str, expected_status=None
) -> CoHandler:
    reason = clean_text(reason, required=True, what="撤回理由", limit=500)

    def authorise(cohandler: CoHandler) -> None:
        if not authority.may_invite_cohandler(actor, cohandler.order):
            raise OrderError("forbidden", _("你的岗位不能撤回这家协办单位。"))

    def apply(cohandler: CoHandler, now: datetime) -> Change:
        cohandler.withdrawn_at = now
        return Change(CoStatus.WITHDRAWN, note=reason)

    return _co_move(
        cohandler_id=cohandler_id,
        action=Action.CO_WITHDRAW,
        actor=actor,
        apply=apply,
        authorise=authorise,
        done_by=lambda c: None,
        expected_status=expected_status,
    )


# --- the deadline sweep's whistle steps (``orders.sweep``) ----------------------------------

SYSTEM = Actor.system()
# Where the sweep stops following a whistle up: the order is done with.
ORDER_ENDED = (Status.CANCELLED, Status.CLOSED)


def _whistle_overdue(
    *, whistle: Whistle, now: datetime, column: str, statuses, kind: str, supervision: str
) -> bool:
    writer.held(whistle)
    due = getattr(whistle, column)
    if due is None or due > now:
        return False
    setattr(whistle, column, None)
    if whistle.status not in statuses or whistle.order.status in ORDER_ENDED:
        writer.save_row(whistle, [column])  # no longer applicable; nothing to tell anyone
        return False
    marked = "report_overdue_at" if kind == "report" else "resolve_overdue_at"
    setattr(whistle, marked, now)
    writer.save_row(whistle, [column, marked])
    order = whistle.order
    event = record_event(
        order,
        action=Action.WHISTLE_OVERDUE,
        actor=SYSTEM,
        note=_("超时未报到") if kind == "report" else _("超时未办结"),
        data=events.whistle_data(whistle=whistle, due=due) | {events.OVERDUE_KIND_KEY: kind},
        at=now,
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify.tell_staff(
            notify.department_staff(whistle.department_id),
            order=order,
            template="whistle_chase",
            body=_(
                "【四单】催办：工单 %(ref)s 向%(dept)s吹哨，已超过%(what)s %(due)s，请尽快办理。"
            )
            % {
                "ref": order.reference,
                "dept": whistle.department.name,
                "what": _("报到时限") if kind == "report" else _("部门办结时限"),
                "due": timezone.localtime(due).strftime("%m-%d %H:%M"),
            },
            key=str(event.pk),
        )
    raise_supervision(order=order, kind=supervision, at=now, whistle=whistle)
    return True


def whistle_report_overdue_locked(*, whistle: Whistle, now: datetime) -> bool:
    """Not reported in time: one chase to the department and one supervision item."""
    return _whistle_overdue(
        whistle=whistle,
        now=now,
        column="report_sweep_at",
        statuses=(WhistleStatus.BLOWN,),
        kind="report",
        supervision=SupervisionKind.WHISTLE_REPORT_OVERDUE,
    )


def whistle_resolve_overdue_locked(*, whistle: Whistle, now: datetime) -> bool:
    """Not resolved in time: one chase to the department and one supervision item."""
    return _whistle_overdue(
        whistle=whistle,
        now=now,
        column="resolve_sweep_at",
        statuses=WHISTLE_OPEN,
        kind="resolve",
        supervision=SupervisionKind.WHISTLE_RESOLVE_OVERDUE,
    )
