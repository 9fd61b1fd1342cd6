"""Events in plain words, for the staff timeline and the resident's tracking page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from orders.lifecycle import Action, Tier
from orders.models import OrderEvent

# What a resident reads for each event; staff names and internal notes stay hidden.
RESIDENT_WORDS = {
    Action.PLACE: _("您的诉求已提交，等待社区派单。"),
    Action.DISPATCH: _("社区已派单给「%(tier)s」办理。"),
    Action.SIGN: _("承办方已签收，正在办理。"),
    Action.RETURN: _("承办方认为不属于其职责，社区正在重新派单。"),
    Action.REQUEST_EXTENSION: _("承办方申请延长办理时间。"),
    Action.APPROVE_EXTENSION: _("社区同意延长办理时间。"),
    Action.REFUSE_EXTENSION: _("社区要求按原时限办结。"),
    Action.ESCALATE: _("事项已升级到「%(tier)s」办理。"),
    Action.RESOLVE: _("已办理完毕，请您评价。"),
    Action.RATE: _("您已评价。"),
    Action.CLOSE_UNRATED: _("评价期已过，工单已办结（未评价）。"),
    Action.CANCEL: _("工单已撤销。"),
    Action.CHASE: _("社区已催办。"),
    Action.SUPERVISE: _("街道已督办。"),
    Action.RATING_REQUESTED: _("已邀请您评价。"),
    Action.CALLBACK: _("社区工作人员已电话回访。"),
}
RESIDENT_VISIBLE = frozenset(RESIDENT_WORDS)


def resident_text(event: OrderEvent) -> str:
    template = RESIDENT_WORDS.get(event.action, "")
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
    if event.action in (Action.DISPATCH, Action.ESCALATE) and event.tier:
        handler = event.handler_unit or event.handler_user
        parts.append(
            _("（%(tier)s：%(who)s）")
            % {"tier": Tier(event.tier).label, "who": handler if handler else _("待指定")}
        )
    return " ".join(str(p) for p in parts)
