"""The one writer of disputes: report, the four moves of the flow, and regrading.

Every move goes through ``core.writer.transition`` with ``MOVES`` and writes one
``DisputeEvent``. A dispute that becomes red (reported red, or regraded to red) tells
every street official over it at once through the outbox (deduplicated per event).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock, outbox, writer
from core.actors import Actor
from core.errors import DomainError
from grids import access
from grids.disputes.lifecycle import MOVES, Colour, DisputeAction, DisputeStatus, HandlingLevel
from grids.models import Area, AreaLevel, Dispute, DisputeEvent, Post, PostRole, Visit

# Who may register a dispute and record its handling: the visit roles.
REPORT_ROLES = access.INTAKE_ROLES
# Who may assess, assign, evaluate and regrade: grid leaders, community and street staff.
MANAGE_ROLES = (PostRole.GRID_LEADER, PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)
ROLES_FOR: dict[str, tuple[str, ...]] = {
    DisputeAction.ASSESS: MANAGE_ROLES,
    DisputeAction.ASSIGN: MANAGE_ROLES,
    DisputeAction.HANDLE: tuple(REPORT_ROLES),
    DisputeAction.EVALUATE: MANAGE_ROLES,
    DisputeAction.REGRADE: MANAGE_ROLES,
}
SOURCES = ("visit", "order", "report")
RED_TEMPLATE = "dispute_red"


class DisputeError(DomainError):
    pass


def _text(value: str, *, what: str, limit: int, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise DisputeError("required", _("请填写%(what)s。") % {"what": what})
    if len(value) > limit:
        raise DisputeError("too_long", _("%(what)s最多 %(n)d 个字。") % {"what": what, "n": limit})
    return value


def _colour(value) -> int:
    try:
        colour = int(value)
    except (TypeError, ValueError):
        colour = 0
    if colour not in Colour.values:
        raise DisputeError("bad_colour", _("请选择风险等级（红/橙/黄/蓝）。"))
    return colour


def _event(dispute, *, action, actor, from_status, to_status, note="", data=None, at):
    return DisputeEvent.objects.create(
        dispute=dispute,
        action=action,
        actor=actor,
        actor_kind="",
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def _tell_street_if_red(dispute: Dispute, event: DisputeEvent) -> None:
    if dispute.colour != Colour.RED:
        return
    street_path = dispute.area_path.split("/")[0] + "/"
    officials = Post.objects.filter(
        role=PostRole.STREET_OFFICIAL, area__path=street_path
    ).select_related("user")
    body = _("红色矛盾纠纷：%(title)s（%(area)s）。理由：%(reason)s") % {
        "title": dispute.title,
        "area": dispute.area.name,
        "reason": dispute.colour_reason,
    }
    for post in officials:
        channel, recipient = outbox.staff_address(post.user)
        outbox.queue_message(
            recipient=recipient,
            channel=channel,
            template=RED_TEMPLATE,
            body=body,
            area_path=dispute.area_path,
            dedupe_key=f"{RED_TEMPLATE}:{event.pk}:{post.user_id}",
        )


def dispute_report(
    *,
    actor,
    area: Area,
    title: str,
    description: str,
    colour,
    colour_reason: str,
    source: str = "report",
    visit: Visit | None = None,
    order_reference: str = "",
) -> Dispute:
    """搜集筛查: register a dispute with its first grade."""
    if area.level < AreaLevel.GRID:
        raise DisputeError("bad_area", _("请选择网格、小区/楼栋或微网格。"))
    if not access.area_in_scope(actor, area, roles=REPORT_ROLES):
        raise DisputeError("forbidden", _("这个位置不在你的岗位范围内。"))
    if source not in SOURCES:
        raise DisputeError("bad_source", _("未知的来源。"))
    now = clock.now()
    with transaction.atomic():
        dispute = Dispute.objects.create(
            area=area,
            area_path=area.path,
            title=_text(title, what=_("事由"), limit=100),
            description=_text(description, what=_("情况"), limit=2000),
            source=source,
            visit=visit,
            order_reference=(order_reference or "")[:32],
            colour=_colour(colour),
            colour_reason=_text(colour_reason, what=_("定级理由"), limit=300),
            status=DisputeStatus.SCREENED,
            reported_by=actor,
            created_at=now,
            updated_at=now,
        )
        event = _event(
            dispute,
            action=DisputeAction.REPORT,
            actor=actor,
            from_status="",
            to_status=dispute.status,
            data={"colour": dispute.colour},
            at=now,
        )
        _tell_street_if_red(dispute, event)
    return dispute


def lock_dispute(dispute_id: int) -> Dispute:
    return writer.lock_row(
        Dispute.objects.all(),
        dispute_id,
        related=("area",),
        missing=lambda: DisputeError("not_found", _("纠纷不存在。")),
    )


def _authorise(actor, action: str) -> Callable[[Dispute], None]:
    def check(dispute: Dispute) -> None:
        if not access.area_in_scope(actor, dispute.area, roles=ROLES_FOR[action]):
            raise DisputeError("forbidden", _("你不能对这条纠纷做这一步。"))

    return check


def _move(*, dispute_id: int, action: str, actor, apply) -> Dispute:
    who = Actor.staff(actor)

    def record(dispute, from_status, change, now):
        dispute.updated_at = now
        dispute.save(update_fields=["updated_at"])
        event = _event(
            dispute,
            action=action,
            actor=who.user,
            from_status=from_status,
            to_status=change.to_status,
            note=change.note,
            data=change.data,
            at=now,
        )
        if change.data.get("colour") == Colour.RED and change.data.get("was") != Colour.RED:
            _tell_street_if_red(dispute, event)

    return writer.transition(
        row_id=dispute_id,
        lock=lock_dispute,
        moves=MOVES,
        action=action,
        apply=apply,
        record=record,
        refuse=lambda d: DisputeError(
            "bad_move",
            _("这条纠纷现在处于“%(status)s”，不能%(action)s。")
            % {
                "status": DisputeStatus(d.status).label,
                "action": DisputeAction(action).label,
            },
        ),
        authorise=_authorise(actor, action),
    )


def dispute_assess(*, dispute_id: int, actor, colour, reason: str) -> Dispute:
    """风险研判: confirm or change the grade, with the reason."""

    def apply(dispute, now):
        was = dispute.colour
        dispute.colour = _colour(colour)
        dispute.colour_reason = _text(reason, what=_("研判理由"), limit=300)
        data = {"colour": dispute.colour, "was": was}
        return writer.Change(DisputeStatus.ASSESSED, note=dispute.colour_reason, data=data)

    return _move(dispute_id=dispute_id, action=DisputeAction.ASSESS, actor=actor, apply=apply)


def dispute_assign(*, dispute_id: int, actor, level: str, assignee: str) -> Dispute:
    """分流交办: to the grid, the community or the street, naming who takes it."""

    def apply(dispute, now):
        if level not in HandlingLevel.values:
            raise DisputeError("bad_level", _("请选择处置层级。"))
        dispute.handling_level = level
        dispute.assignee = _text(assignee, what=_("承办人或单位"), limit=100)
        data = {"level": level, "assignee": dispute.assignee}
        return writer.Change(DisputeStatus.ASSIGNED, data=data)

    return _move(dispute_id=dispute_id, action=DisputeAction.ASSIGN, actor=actor, apply=apply)


def dispute_handle(*, dispute_id: int, actor, note: str) -> Dispute:
    """层级处置: what was done."""

    def apply(dispute, now):
        return writer.Change(
            DisputeStatus.HANDLED, note=_text(note, what=_("处置情况"), limit=1000)
        )

    return _move(dispute_id=dispute_id, action=DisputeAction.HANDLE, actor=actor, apply=apply)


def dispute_evaluate(*, dispute_id: int, actor, outcome: str) -> Dispute:
    """反馈评估: the outcome; the dispute leaves the open list."""

    def apply(dispute, now):
        dispute.outcome = _text(outcome, what=_("评估结果"), limit=1000)
        return writer.Change(DisputeStatus.EVALUATED, note=dispute.outcome)

    return _move(dispute_id=dispute_id, action=DisputeAction.EVALUATE, actor=actor, apply=apply)


def dispute_regrade(*, dispute_id: int, actor, colour, reason: str) -> Dispute:
    """A new colour as the dispute changes; the step stays where it is."""

    def apply(dispute, now):
        was, new = dispute.colour, _colour(colour)
        if new == was:
            raise DisputeError("same_colour", _("风险等级没有变化。"))
        dispute.colour = new
        dispute.colour_reason = _text(reason, what=_("调整理由"), limit=300)
        data = {"colour": new, "was": was}
        return writer.Change(dispute.status, note=dispute.colour_reason, data=data)

    return _move(dispute_id=dispute_id, action=DisputeAction.REGRADE, actor=actor, apply=apply)
