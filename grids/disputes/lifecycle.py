"""The dispute flow 搜集筛查 → 风险研判 → 分流交办 → 层级处置 → 反馈评估.

::

    (report) → screened ──assess──▶ assessed ──assign──▶ assigned ──handle──▶ handled
                                                                               │
                                                                           evaluate
                                                                               ▼
                                                                           evaluated

``regrade`` (a new colour with a reason) is allowed in every open status and keeps the
status. Every move writes one ``DisputeEvent``; ``grids.disputes.services`` is the only
writer of ``Dispute.status`` and ``Dispute.colour``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DisputeStatus(models.TextChoices):
    SCREENED = "screened", _("搜集筛查")
    ASSESSED = "assessed", _("风险研判")
    ASSIGNED = "assigned", _("分流交办")
    HANDLED = "handled", _("层级处置")
    EVALUATED = "evaluated", _("反馈评估")


class DisputeAction(models.TextChoices):
    REPORT = "report", _("登记")
    ASSESS = "assess", _("研判")
    ASSIGN = "assign", _("交办")
    HANDLE = "handle", _("处置")
    EVALUATE = "evaluate", _("评估")
    REGRADE = "regrade", _("调整风险等级")


class Colour(models.IntegerChoices):
    """Sorted red first: the value is the list order."""

    RED = 1, _("红色")
    ORANGE = 2, _("橙色")
    YELLOW = 3, _("黄色")
    BLUE = 4, _("蓝色")


class HandlingLevel(models.TextChoices):
    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")


S, A = DisputeStatus, DisputeAction
OPEN = frozenset({S.SCREENED, S.ASSESSED, S.ASSIGNED, S.HANDLED})

MOVES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    A.ASSESS: (frozenset({S.SCREENED}), frozenset({S.ASSESSED})),
    A.ASSIGN: (frozenset({S.ASSESSED}), frozenset({S.ASSIGNED})),
    A.HANDLE: (frozenset({S.ASSIGNED}), frozenset({S.HANDLED})),
    A.EVALUATE: (frozenset({S.HANDLED}), frozenset({S.EVALUATED})),
    A.REGRADE: (OPEN, OPEN),
}


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _targets) in MOVES.items() if status in sources]
