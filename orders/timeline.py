"""Events in plain words, for the staff timeline and the resident's tracking page."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.people import person_name
from orders import events
from orders.lifecycle import Action, Status, Tier
from orders.models import OrderEvent

# What a resident reads for each event; staff names and internal notes stay hidden.
# Lazy: the module is imported once, the words are read in each request's language.
RESIDENT_WORDS = {
    Action.PLACE: gettext_lazy("您的诉求已提交，等待社区派单。"),
    Action.DISPATCH: gettext_lazy("社区已派单给「%(tier)s」办理。"),
    Action.SIGN: gettext_lazy("承办方已签收，正在办理。"),
    Action.RETURN: gettext_lazy("承办方认为不属于其职责，社区正在重新派单。"),
    Action.REQUEST_EXTENSION: gettext_lazy("承办方申请延长办理时间。"),
    Action.APPROVE_EXTENSION: gettext_lazy("社区同意延长办理时间。"),
    Action.REFUSE_EXTENSION: gettext_lazy("社区要求按原时限办结。"),
    Action.ESCALATE: gettext_lazy("事项已升级到「%(tier)s」办理。"),
    Action.RESOLVE: gettext_lazy("已办理完毕，请您评价。"),
    Action.RATE: gettext_lazy("您已评价。"),
    Action.CLOSE_UNRATED: gettext_lazy("评价期已过，工单已办结（未评价）。"),
    Action.CANCEL: gettext_lazy("工单已撤销。"),
    Action.CHASE: gettext_lazy("社区已催办。"),
    Action.SUPERVISE: gettext_lazy("街道已督办。"),
    Action.RATING_REQUESTED: gettext_lazy("已邀请您评价。"),
    Action.CALLBACK: gettext_lazy("社区工作人员已电话回访。"),
    Action.ASK_RESIDENT: gettext_lazy("承办方请您补充情况。"),
    Action.RESIDENT_ADD: gettext_lazy("您补充了情况。"),
    Action.MERGE: gettext_lazy(
        "您反映的问题与社区正在办理的同一问题合并办理，下面是那张工单的进度，办理结果会同样告知您。"
    ),
    Action.MERGED_IN: gettext_lazy("其他居民反映的同一问题已并入本诉求一并办理。"),
    # The open pool (党员接单).
    Action.TO_POOL: gettext_lazy("社区已把您的诉求放入党员接单池，等待在职党员接单。"),
    Action.WITHDRAW_POOL: gettext_lazy("社区正在重新派单。"),
    Action.CLAIM: gettext_lazy("一位在职党员已接单，正在办理。"),
    Action.RETURN_TO_POOL: gettext_lazy("接单党员无法继续办理，诉求已回到党员接单池。"),
    Action.UNIT_CLAIM: gettext_lazy("成员单位已认领，正在办理。"),
    Action.WHISTLE: gettext_lazy("社区已“吹哨”，请职能部门到场处理。"),
    Action.WHISTLE_REPORT: gettext_lazy("职能部门已报到。"),
    Action.WHISTLE_RESOLVE: gettext_lazy("职能部门已办结其负责的部分。"),
}
RESIDENT_VISIBLE = frozenset(RESIDENT_WORDS)


# A dissatisfied rating sends the order back for redo, one tier up.
REDO_WORDS = gettext_lazy("您对办理结果不满意，社区将交由「%(tier)s」重新办理。")


def resident_text(event: OrderEvent) -> str:
    template = str(RESIDENT_WORDS.get(event.action, ""))
    if event.action == Action.RATE and event.to_status == Status.AWAITING_DISPATCH:
        template = str(REDO_WORDS)
    tier = Tier(event.tier).label if event.tier else ""
    return template % {"tier": tier} if "%(tier)s" in template else template


def resident_timeline(events) -> list[dict]:
    return [
        {"at": e.at, "action": e.action, "label": e.get_action_display(), "text": resident_text(e)}
        for e in events
        if e.action in RESIDENT_VISIBLE
    ]


def staff_text(event: OrderEvent) -> str:
    """One line for staff: what happened, to whom, at which tier."""
    parts = [event.get_action_display()]
    if event.to_status and event.from_status != event.to_status:
        parts.append(_("→ %(status)s") % {"status": event.get_to_status_display()})
    who = joint_party(event)
    if who:
        parts.append(_("（%(who)s）") % {"who": who})
    if event.action in (Action.DISPATCH, Action.ESCALATE) and event.tier:
        # Display names, surname first — never a username.
        if event.handler_unit_id:
            who = event.handler_unit.name
        elif event.handler_user_id:
            who = person_name(event.handler_user)
        else:
            who = _("待指定")
        parts.append(_("（%(tier)s：%(who)s）") % {"tier": Tier(event.tier).label, "who": who})
    linked = _linked_reference(event)
    if linked:
        parts.append(linked)
    return " ".join(str(p) for p in parts)


def _linked_reference(event: OrderEvent) -> str:
    """The other order a merge or a kept repeat names."""
    data = event.data or {}
    if event.action == Action.MERGE:
        return _("（并入 %(ref)s）") % {"ref": data.get(events.MERGED_INTO_KEY, "")}
    if event.action == Action.MERGED_IN:
        return _("（%(ref)s）") % {"ref": data.get(events.MERGED_FROM_KEY, "")}
    if event.action == Action.KEEP_BOTH:
        return _("（与 %(ref)s 分别办理）") % {"ref": data.get(events.REPEAT_OF_KEY, "")}
    return ""


# Issue 12's events name the department or unit they are about (as it was named then).
JOINT_ACTIONS = frozenset(
    {
        Action.UNIT_CLAIM,
        Action.WHISTLE,
        Action.WHISTLE_REPORT,
        Action.WHISTLE_RESOLVE,
        Action.WHISTLE_WITHDRAW,
        Action.WHISTLE_OVERDUE,
        Action.CO_ADD,
        Action.CO_SIGN,
        Action.CO_REPORT,
        Action.CO_WITHDRAW,
    }
)


def joint_party(event: OrderEvent) -> str:
    if event.action not in JOINT_ACTIONS:
        return ""
    data = event.data or {}
    return str(data.get("department") or data.get("unit") or "")


def _due_label(data: dict) -> dict:
    """One folded due change: {"what": the due time's name, "new": the new time or None}."""
    from orders.models import Order

    field = data.get("field", "")
    try:
        what = Order._meta.get_field(field).verbose_name
    except Exception:  # an old row naming a field that no longer exists
        what = field
    new = data.get("new")
    return {"what": what, "new": parse_datetime(new) if new else None}


def staff_rows(events) -> list[dict]:
    """The staff timeline: one row per event, with the due-time changes a move wrote
    right after it (same moment, same actor) folded into that move's row."""
    rows: list[dict] = []
    for event in events:
        previous = rows[-1]["event"] if rows else None
        if (
            event.action == Action.DUE_CHANGED
            and previous is not None
            and previous.action != Action.DUE_CHANGED
            and previous.at == event.at
            and previous.actor_id == event.actor_id
        ):
            rows[-1]["dues"].append(_due_label(event.data or {}))
            continue
        dues = [_due_label(event.data or {})] if event.action == Action.DUE_CHANGED else []
        rows.append({"event": event, "text": staff_text(event), "dues": dues})
    return rows
