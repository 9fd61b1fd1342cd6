"""The one writer of the co-building alliance: unit profiles, resource lists, demand
items, project-list items (every move through ``core.writer.transition``), evaluations,
the monthly rotation and the monthly reconciliation entries.

Who may act is decided here with ``grids.access``: the community's dispatchers and street
officials for everything of their communities; a unit's liaisons for their own unit's
resources and projects only (their post on the community gives them no more).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock, writer
from grids import access
from grids.access import DISPATCH_ROLES
from grids.models import Area, AreaLevel, MemberUnit, UnitKind, Visit
from parties.errors import PartyError
from parties.units import selectors
from parties.units.lifecycle import (
    MOVES,
    DemandSource,
    DemandStatus,
    Evaluation,
    UnitProjectAction,
    UnitProjectStatus,
)
from parties.units.models import (
    DemandItem,
    Reconciliation,
    RotationDuty,
    UnitProject,
    UnitProjectEvaluation,
    UnitProjectEvent,
    UnitResource,
)


class UnitError(PartyError):
    """A refused co-building operation (with a message for the user)."""


def _text(value: str, *, what: str, limit: int, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise UnitError("required", _("请填写%(what)s。") % {"what": what})
    if len(value) > limit:
        raise UnitError("too_long", _("%(what)s最多 %(n)d 个字。") % {"what": what, "n": limit})
    return value


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def this_month() -> dt.date:
    return month_start(timezone.localdate(clock.now()))


def _require_dispatcher(actor, community: Area) -> None:
    if not access.area_in_scope(actor, community, roles=DISPATCH_ROLES):
        raise UnitError("forbidden", _("这个社区不在你的岗位范围内。"))


def _require_dispatcher_or_claimer(actor, community: Area, unit: MemberUnit) -> None:
    """The community's dispatcher, or a liaison of ``unit`` where the unit serves."""
    if unit.pk in access.access_for(actor).member_unit_ids() and community.pk in {
        cid for cid, _path in access.unit_communities([unit.pk])
    }:
        return
    _require_dispatcher(actor, community)


def _require_unit_or_dispatcher(actor, unit: MemberUnit) -> None:
    if unit.pk in access.access_for(actor).member_unit_ids():
        return
    _require_dispatcher(actor, unit.community)


# --- unit profile ------------------------------------------------------------------------


def unit_profile_update(
    *,
    actor,
    unit_id: int,
    kind: str,
    remit: str,
    contact_name: str,
    contact_phone: str,
    address: str,
    paired_area_ids: list[int],
    active_from: dt.date | None,
    active_until: dt.date | None,
) -> MemberUnit:
    with transaction.atomic():
        unit = writer.lock_row(
            MemberUnit.objects.all(),
            unit_id,
            related=("community",),
            missing=lambda: UnitError("not_found", _("成员单位不存在。")),
        )
        _require_dispatcher(actor, unit.community)
        if kind not in UnitKind.values:
            raise UnitError("bad_kind", _("请选择单位类型。"))
        if active_from and active_until and active_until < active_from:
            raise UnitError("bad_period", _("共建截止日期不能早于起始日期。"))
        paired = list(
            Area.objects.filter(
                pk__in=paired_area_ids,
                level__in=(AreaLevel.COMMUNITY, AreaLevel.COMPOUND),
                path__startswith=unit.community.path.split("/")[0] + "/",
            )
        )
        if len(paired) != len(set(paired_area_ids)):
            raise UnitError("bad_area", _("结对包建只能选本街道的社区或小区。"))
        unit.kind = kind
        unit.remit = _text(remit, what=_("服务领域"), limit=200, required=False)
        unit.contact_name = _text(contact_name, what=_("联系人"), limit=40, required=False)
        unit.contact_phone = _text(contact_phone, what=_("联系电话"), limit=20, required=False)
        unit.address = _text(address, what=_("单位地址"), limit=200, required=False)
        unit.active_from, unit.active_until = active_from, active_until
        unit.save()
        unit.paired_areas.set(paired)
    return unit


# --- resource lists ----------------------------------------------------------------------


def resource_create(
    *,
    actor,
    unit: MemberUnit,
    title: str,
    category_code: str,
    description: str,
    capacity_per_month: int,
    valid_from: dt.date,
    valid_until: dt.date | None,
    community_ids: list[int],
) -> UnitResource:
    """A line of the unit's resource list, offered to its own or its paired communities.

    ``category_code`` is an order category's code, checked by the caller (``orders``)."""
    _require_unit_or_dispatcher(actor, unit)
    if not isinstance(capacity_per_month, int) or not 1 <= capacity_per_month <= 10000:
        raise UnitError("bad_capacity", _("每月可提供次数应为 1 到 10000。"))
    if valid_until is not None and valid_until < valid_from:
        raise UnitError("bad_period", _("有效期止不能早于有效期起。"))
    allowed = {c.pk: c for c in selectors.unit_communities(unit=unit)}
    if not community_ids or not set(community_ids) <= set(allowed):
        raise UnitError("bad_area", _("请选择本单位所在或结对的社区。"))
    with transaction.atomic():
        resource = UnitResource.objects.create(
            unit=unit,
            title=_text(title, what=_("资源名称"), limit=100),
            category_code=_text(category_code, what=_("类别"), limit=40),
            description=_text(description, what=_("说明"), limit=1000, required=False),
            capacity_per_month=capacity_per_month,
            valid_from=valid_from,
            valid_until=valid_until,
            created_at=clock.now(),
        )
        resource.communities.set([allowed[pk] for pk in set(community_ids)])
    return resource


def resource_end(*, actor, resource_id: int, until: dt.date) -> UnitResource:
    """Withdraw a resource from a date on (its history stays for the reconciliation)."""
    with transaction.atomic():
        resource = writer.lock_row(
            UnitResource.objects.all(),
            resource_id,
            related=("unit__community",),
            missing=lambda: UnitError("not_found", _("资源不存在。")),
        )
        _require_unit_or_dispatcher(actor, resource.unit)
        if until < resource.valid_from:
            raise UnitError("bad_period", _("有效期止不能早于有效期起。"))
        resource.valid_until = until
        resource.save(update_fields=["valid_until"])
    return resource


# --- demand lists ------------------------------------------------------------------------


def demand_create(
    *,
    actor,
    community: Area,
    title: str,
    description: str,
    category_code: str,
    source: str,
    order_reference: str = "",
    visit: Visit | None = None,
    meeting_id: int | None = None,
) -> DemandItem:
    """A demand item from residents' needs. The order or meeting it names is found by the
    caller through its scoped selector (``parties`` cannot read orders)."""
    if community.level != AreaLevel.COMMUNITY:
        raise UnitError("bad_area", _("请选择社区。"))
    _require_dispatcher(actor, community)
    if source not in DemandSource.values:
        raise UnitError("bad_source", _("请选择需求来源。"))
    if source == DemandSource.ORDER and not order_reference:
        raise UnitError("no_order", _("请填写来源工单编号。"))
    if source == DemandSource.VISIT and (
        visit is None or not visit.area_path.startswith(community.path)
    ):
        raise UnitError("no_visit", _("请选择本社区的走访记录。"))
    if source == DemandSource.MEETING and meeting_id is None:
        raise UnitError("no_meeting", _("请选择来源议事会。"))
    return DemandItem.objects.create(
        community=community,
        community_path=community.path,
        title=_text(title, what=_("需求"), limit=100),
        description=_text(description, what=_("说明"), limit=2000),
        category_code=_text(category_code, what=_("类别"), limit=40),
        source=source,
        order_reference=order_reference if source == DemandSource.ORDER else "",
        visit=visit if source == DemandSource.VISIT else None,
        meeting_id=meeting_id if source == DemandSource.MEETING else None,
        created_by=actor,
        created_at=clock.now(),
    )


def demand_close(*, actor, demand_id: int) -> DemandItem:
    with transaction.atomic():
        demand = writer.lock_row(
            DemandItem.objects.all(),
            demand_id,
            related=("community",),
            missing=lambda: UnitError("not_found", _("需求不存在。")),
        )
        _require_dispatcher(actor, demand.community)
        if demand.status != DemandStatus.OPEN:
            raise UnitError("not_open", _("只能关闭待匹配的需求。"))
        demand.status = DemandStatus.CLOSED
        demand.save(update_fields=["status"])
    return demand


# --- project-list items ------------------------------------------------------------------


def project_create(
    *,
    actor,
    resource_id: int,
    community: Area,
    title: str,
    description: str,
    due_date: dt.date,
    capacity_used: int = 1,
    demand_id: int | None = None,
    order_reference: str = "",
) -> UnitProject:
    """供需匹配: a demand item (or a tier-3 order) matched to a resource becomes a project
    of the resource's unit. The resource row is locked, so two matches at once never take
    it past its month's capacity. Made by the community's dispatcher, or claimed (认领) by
    a liaison of the resource's unit in a community the unit serves (结对包建)."""
    if not isinstance(capacity_used, int) or not 1 <= capacity_used <= 10000:
        raise UnitError("bad_capacity", _("占用资源次数应为 1 到 10000。"))
    today = timezone.localdate(clock.now())
    if due_date < today:
        raise UnitError("bad_due", _("完成时限不能早于今天。"))
    month = month_start(today)
    with transaction.atomic():
        resource = writer.lock_row(
            UnitResource.objects.all(),
            resource_id,
            related=("unit",),
            missing=lambda: UnitError("not_found", _("资源不存在。")),
        )
        _require_dispatcher_or_claimer(actor, community, resource.unit)
        if not selectors.resource_serves(resource=resource, community=community, day=today):
            raise UnitError("not_offered", _("这项资源本月不向这个社区提供。"))
        remaining = selectors.remaining_capacity(resources=[resource], month=month)[resource.pk]
        if capacity_used > remaining:
            raise UnitError(
                "no_capacity",
                _("这项资源本月只剩 %(n)d 次。") % {"n": remaining},
            )
        demand = None
        if demand_id is not None:
            demand = writer.lock_row(
                DemandItem.objects.all(),
                demand_id,
                missing=lambda: UnitError("not_found", _("需求不存在。")),
            )
            if demand.community_id != community.pk:
                raise UnitError("not_found", _("需求不存在。"))
            if demand.status != DemandStatus.OPEN:
                raise UnitError("not_open", _("这条需求已经匹配或关闭。"))
            demand.status = DemandStatus.MATCHED
            demand.save(update_fields=["status"])
            order_reference = demand.order_reference
        now = clock.now()
        project = UnitProject.objects.create(
            unit=resource.unit,
            resource=resource,
            demand=demand,
            order_reference=order_reference,
            community=community,
            community_path=community.path,
            title=_text(title, what=_("项目"), limit=100),
            description=_text(description, what=_("内容"), limit=2000),
            due_date=due_date,
            capacity_used=capacity_used,
            capacity_month=month,
            created_by=actor,
            created_at=now,
        )
        UnitProjectEvent.objects.create(
            project=project,
            action=UnitProjectAction.CREATE,
            actor=actor,
            at=now,
            from_status="",
            to_status=project.status,
        )
    return project


def lock_project(project_id: int) -> UnitProject:
    return writer.lock_row(
        UnitProject.objects.all(),
        project_id,
        related=("community", "unit"),
        missing=lambda: UnitError("not_found", _("项目不存在。")),
    )


def _refusal(project: UnitProject, action: str) -> UnitError:
    return UnitError(
        "bad_move",
        _("项目现在“%(status)s”，不能%(action)s。")
        % {
            "status": UnitProjectStatus(project.status).label,
            "action": UnitProjectAction(action).label,
        },
    )


def _move(*, project_id: int, action: str, actor, apply) -> UnitProject:
    def record(row, from_status, change, now):
        UnitProjectEvent.objects.create(
            project=row,
            action=action,
            actor=actor,
            at=now,
            from_status=from_status,
            to_status=change.to_status,
            note=change.note,
        )

    def authorise(row):
        if action == UnitProjectAction.CANCEL:
            _require_dispatcher(actor, row.community)
        else:
            _require_unit_or_dispatcher(actor, row.unit)

    return writer.transition(
        row_id=project_id,
        lock=lock_project,
        moves=MOVES,
        action=action,
        apply=apply,
        record=record,
        refuse=lambda row: _refusal(row, action),
        authorise=authorise,
    )


def project_start(*, project_id: int, actor, note: str = "") -> UnitProject:
    def apply(row, now):
        row.started_at = now
        note_text = _text(note, what=_("说明"), limit=1000, required=False)
        return writer.Change(UnitProjectStatus.IN_PROGRESS, note=note_text)

    return _move(project_id=project_id, action=UnitProjectAction.START, actor=actor, apply=apply)


def project_progress(*, project_id: int, actor, note: str) -> UnitProject:
    """A progress note, public on the community wall."""

    def apply(row, now):
        return writer.Change(
            UnitProjectStatus.IN_PROGRESS, note=_text(note, what=_("进展"), limit=1000)
        )

    return _move(project_id=project_id, action=UnitProjectAction.PROGRESS, actor=actor, apply=apply)


def project_complete(*, project_id: int, actor, result: str) -> UnitProject:
    """The unit reports completion with the result shown to residents."""

    def apply(row, now):
        row.public_result = _text(result, what=_("公开结果"), limit=2000)
        row.done_at = now
        return writer.Change(UnitProjectStatus.DONE, note=row.public_result)

    return _move(project_id=project_id, action=UnitProjectAction.COMPLETE, actor=actor, apply=apply)


def project_cancel(*, project_id: int, actor, reason: str) -> UnitProject:
    """Cancelling frees the resource's capacity and reopens the demand item."""

    def apply(row, now):
        if row.demand_id:
            DemandItem.objects.filter(pk=row.demand_id).update(status=DemandStatus.OPEN)
        return writer.Change(
            UnitProjectStatus.CANCELLED, note=_text(reason, what=_("撤销理由"), limit=300)
        )

    return _move(project_id=project_id, action=UnitProjectAction.CANCEL, actor=actor, apply=apply)


def project_evaluate(
    *, project_id: int, phone: str, rating: str, comment: str = ""
) -> UnitProjectEvaluation:
    """A resident's evaluation on the wall: a phone proved by the resident's own code
    (the caller reads it from the resident's session), once per phone, when done."""
    if not phone:
        raise UnitError("unverified", _("请先验证手机号。"))
    if rating not in Evaluation.values:
        raise UnitError("bad_rating", _("请选择满意、基本满意或不满意。"))
    comment = _text(comment, what=_("留言"), limit=300, required=False)
    with transaction.atomic():
        project = lock_project(project_id)
        if project.status != UnitProjectStatus.DONE:
            raise UnitError("not_done", _("项目完成后才能评价。"))
        try:
            with transaction.atomic():
                return UnitProjectEvaluation.objects.create(
                    project=project, phone=phone, rating=rating, comment=comment, at=clock.now()
                )
        except IntegrityError:
            raise UnitError("already", _("你已经评价过这个项目。")) from None


# --- monthly rotation --------------------------------------------------------------------


def rotation_set(*, actor, community: Area, month: dt.date, unit_ids: list[int]) -> list[int]:
    """The units on duty in ``community`` for ``month``: the current month or a later one
    (editable ahead; past months are history). Returns the unit ids now on duty."""
    if community.level != AreaLevel.COMMUNITY:
        raise UnitError("bad_area", _("请选择社区。"))
    _require_dispatcher(actor, community)
    if month.day != 1:
        raise UnitError("bad_month", _("月份无效。"))
    if month < this_month():
        raise UnitError("past_month", _("已过去的月份不能再排班。"))
    allowed = {u.pk for u in selectors.units_serving(community=community)}
    wanted = set(unit_ids)
    if not wanted <= allowed:
        raise UnitError("bad_unit", _("只能排本社区的共建单位。"))
    with transaction.atomic():
        # Lock the community row: two editors of one month queue behind each other.
        writer.lock_row(
            Area.objects.all(), community.pk, missing=lambda: UnitError("not_found", "")
        )
        current = set(
            RotationDuty.objects.filter(community=community, month=month).values_list(
                "unit_id", flat=True
            )
        )
        RotationDuty.objects.filter(
            community=community, month=month, unit_id__in=current - wanted
        ).delete()
        RotationDuty.objects.bulk_create(
            [RotationDuty(community=community, month=month, unit_id=u) for u in wanted - current]
        )
    return sorted(wanted)


# --- monthly reconciliation --------------------------------------------------------------

FIGURE_FIELDS = (
    "orders_received",
    "signed_on_time",
    "resolved",
    "resolved_on_time",
    "returned",
    "rated",
    "satisfied",
    "projects_delivered",
    "resources_used",
    "resources_capacity",
)


def may_confirm(actor, unit: MemberUnit) -> bool:
    """The community secretary (社区党委书记, from the party organisation tree) confirms;
    where no secretary is recorded for the community, its dispatchers do."""
    if access.access_for(actor).is_superuser:
        return True
    secretary_id = selectors.community_secretary_id(community=unit.community)
    if secretary_id is not None:
        return secretary_id == actor.pk
    return access.area_in_scope(actor, unit.community, roles=DISPATCH_ROLES)


def _check_figures(figures: dict) -> dict:
    if set(figures) != set(FIGURE_FIELDS) or any(
        not isinstance(v, int) or v < 0 for v in figures.values()
    ):
        raise UnitError("bad_figures", _("对账数据无效。"))
    return figures


def reconciliation_confirm(
    *, actor, unit: MemberUnit, month: dt.date, figures: dict
) -> Reconciliation:
    """对账确认: record the month's figures as confirmed. The month is then locked:
    a second confirmation is refused and the entry is never updated (a correction is
    ``reconciliation_correct``, a new entry)."""
    if not may_confirm(actor, unit):
        raise UnitError("forbidden", _("只有社区书记可以确认对账。"))
    if month.day != 1 or month >= this_month():
        raise UnitError("open_month", _("月份结束后才能对账。"))
    figures = _check_figures(figures)
    try:
        with transaction.atomic():
            return Reconciliation.objects.create(
                unit=unit,
                month=month,
                sequence=1,
                confirmed_by=actor,
                confirmed_at=clock.now(),
                **figures,
            )
    except IntegrityError:
        raise UnitError("locked", _("这个月已经确认对账，已锁定；如有差错请提交更正。")) from None


def reconciliation_correct(
    *, actor, unit: MemberUnit, month: dt.date, figures: dict, reason: str
) -> Reconciliation:
    """A correction of a confirmed month: a new entry naming the latest one and why."""
    if not may_confirm(actor, unit):
        raise UnitError("forbidden", _("只有社区书记可以确认对账。"))
    figures = _check_figures(figures)
    reason = _text(reason, what=_("更正理由"), limit=300)
    with transaction.atomic():
        writer.lock_row(
            MemberUnit.objects.all(), unit.pk, missing=lambda: UnitError("not_found", "")
        )
        latest = Reconciliation.objects.filter(unit=unit, month=month).order_by("-sequence").first()
        if latest is None:
            raise UnitError("not_confirmed", _("这个月还没有确认对账。"))
        return Reconciliation.objects.create(
            unit=unit,
            month=month,
            sequence=latest.sequence + 1,
            corrects=latest,
            reason=reason,
            confirmed_by=actor,
            confirmed_at=clock.now(),
            **figures,
        )
