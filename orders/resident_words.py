"""How an order's state reads to residents: on the tracking page, "my orders" and walls.

Staff words ("延期待审", "待签收", a tier's internal name) say what staff must do next;
a resident wants to know whether someone has it and by when. The expected time is the
current resolution limit, and who handles it is the tier — never a person's name.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from orders.lifecycle import BEING_HANDLED, Action, Status, Tier

RESIDENT_STATUS = {
    Status.AWAITING_DISPATCH: _("已受理，正在安排"),
    Status.AWAITING_SIGN: _("已安排办理"),
    Status.IN_PROGRESS: _("正在办理"),
    # An extension under review is still being handled, as far as the resident can tell.
    Status.EXTENSION_REQUESTED: _("正在办理"),
    Status.AWAITING_RATING: _("已办结，待评价"),
    Status.CLOSED: _("已办结"),
    Status.CANCELLED: _("已撤销"),
    Status.IN_POOL: _("已受理，等待在职党员接单"),
}
# A status added later without resident words reads as "being arranged", never internal.
FALLBACK = _("正在安排")

RESIDENT_TIER = {
    Tier.PROPERTY: _("物业服务企业"),
    Tier.GRID: _("网格"),
    Tier.MEMBER_UNIT: _("社区大党委成员单位"),
    Tier.STREET: _("街道联席会议"),
}


def resident_status(status: str) -> str:
    return str(RESIDENT_STATUS.get(status, FALLBACK))


def handled_by(order) -> str:
    """The tier handling ``order`` as residents read it, or "" when nobody has it yet."""
    if order.status not in BEING_HANDLED or not order.tier:
        return ""
    return str(RESIDENT_TIER.get(order.tier, ""))


def expected_by(order):
    """When ``order`` is expected to be resolved (its resolution limit), or None."""
    if order.status not in BEING_HANDLED:
        return None
    return order.resolve_due_at


def open_question(events) -> str:
    """What staff last asked the resident, while the resident has not added anything
    since ("" when nothing is asked). ``events`` in time order."""
    question = ""
    for event in events:
        if event.action == Action.ASK_RESIDENT:
            question = event.note
        elif event.action == Action.RESIDENT_ADD:
            question = ""
    return question
