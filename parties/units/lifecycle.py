"""The project-list item (项目清单) made from a match of a demand to a resource::

    planned ──start──▶ in_progress ──complete──▶ done (public result; residents evaluate)
    (已立项)            (实施中) ◀─progress─┘       (已完成)
       └──────────────cancel──────────────▶ cancelled (撤销)

The owner unit's liaisons and the community's dispatchers move it; every move is one
``UnitProjectEvent`` row written by ``parties.units.services``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitProjectStatus(models.TextChoices):
    PLANNED = "planned", _("已立项")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已撤销")


class UnitProjectAction(models.TextChoices):
    CREATE = "create", _("立项")
    START = "start", _("开始实施")
    PROGRESS = "progress", _("报告进展")
    COMPLETE = "complete", _("报告完成")
    CANCEL = "cancel", _("撤销")


S, A = UnitProjectStatus, UnitProjectAction
MOVES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    A.START: (frozenset({S.PLANNED}), frozenset({S.IN_PROGRESS})),
    A.PROGRESS: (frozenset({S.IN_PROGRESS}), frozenset({S.IN_PROGRESS})),
    A.COMPLETE: (frozenset({S.IN_PROGRESS}), frozenset({S.DONE})),
    A.CANCEL: (frozenset({S.PLANNED, S.IN_PROGRESS}), frozenset({S.CANCELLED})),
}
# Projects whose capacity counts against their resource's month.
USING_CAPACITY = frozenset({S.PLANNED, S.IN_PROGRESS, S.DONE})


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _targets) in MOVES.items() if status in sources]


class Evaluation(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class DemandStatus(models.TextChoices):
    OPEN = "open", _("待匹配")
    MATCHED = "matched", _("已匹配")
    CLOSED = "closed", _("已关闭")


class DemandSource(models.TextChoices):
    ORDER = "order", _("居民点单")
    VISIT = "visit", _("入户走访")
    MEETING = "meeting", _("党群议事会")
    SURVEY = "survey", _("问卷调查")


class PartyOrgKind(models.IntegerChoices):
    """One kind per level of the area tree it is attached to."""

    STREET_COMMITTEE = 1, _("街道党工委")
    COMMUNITY_COMMITTEE = 2, _("社区党委")
    GRID_BRANCH = 3, _("网格党支部")
    BUILDING_GROUP = 4, _("楼栋党小组")
    CENTRAL_HOUSEHOLD = 5, _("党员中心户")
