"""The micro-project flow (意见征集—举手立项—居民全过程参与—公示评价)::

    proposed ──qualify──▶ qualified ──approve──▶ project ──complete──▶ done
    (征集中)   (hands ≥     (达到门槛)  (budget,    (已立项)               (已完工, residents
               threshold)              owner)                              evaluate)

``qualify`` is made by the hand that reaches the community's threshold, exactly once
(under the proposal's row lock); a hand withdrawn later does not undo it. Progress
updates are posted while it is a project.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("征集中")
    QUALIFIED = "qualified", _("达到立项门槛")
    PROJECT = "project", _("已立项")
    DONE = "done", _("已完工")


class ProjectAction(models.TextChoices):
    PROPOSE = "propose", _("提出")
    QUALIFY = "qualify", _("举手达到门槛")
    APPROVE = "approve", _("立项")
    PROGRESS = "progress", _("进展")
    COMPLETE = "complete", _("完工")


class Evaluation(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


S, A = ProjectStatus, ProjectAction
MOVES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    A.QUALIFY: (frozenset({S.PROPOSED}), frozenset({S.QUALIFIED})),
    A.APPROVE: (frozenset({S.QUALIFIED}), frozenset({S.PROJECT})),
    A.PROGRESS: (frozenset({S.PROJECT}), frozenset({S.PROJECT})),
    A.COMPLETE: (frozenset({S.PROJECT}), frozenset({S.DONE})),
}
HANDS_OPEN = frozenset({S.PROPOSED, S.QUALIFIED})


def allowed_actions(status: str) -> list[str]:
    return [a for a, (sources, _t) in MOVES.items() if status in sources and a != A.QUALIFY]
