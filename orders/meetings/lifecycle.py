"""The six steps of a deliberation meeting (六步议事)::

    collecting ──fix_topics──▶ topics_set ──deliberate──▶ deliberating ──close_vote──▶ voted
    (收集议题)                 (确定议题)                  (协商议事)                   (表决)
                                                                                        │
                                                                                     publish
                                                                                        ▼
                                            implementing ◀──implement── published (公开公示)
                                            (研究落实)

Topics are added while collecting; votes are recorded per topic while deliberating;
``close_vote`` needs every topic voted; ``publish`` puts the outcome on the community's
public page. Orders are taken in (batch intake) from topics_set until voted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    COLLECTING = "collecting", _("收集议题")
    TOPICS_SET = "topics_set", _("确定议题")
    DELIBERATING = "deliberating", _("协商议事")
    VOTED = "voted", _("表决")
    PUBLISHED = "published", _("公开公示")
    IMPLEMENTING = "implementing", _("研究落实")


class MeetingAction(models.TextChoices):
    CREATE = "create", _("召集")
    FIX_TOPICS = "fix_topics", _("确定议题")
    DELIBERATE = "deliberate", _("开始协商")
    CLOSE_VOTE = "close_vote", _("完成表决")
    PUBLISH = "publish", _("公开公示")
    IMPLEMENT = "implement", _("研究落实")


class TopicSource(models.TextChoices):
    RESIDENT = "resident", _("居民提出")
    STAFF = "staff", _("社区提出")


S, A = MeetingStatus, MeetingAction
STEPS = [S.COLLECTING, S.TOPICS_SET, S.DELIBERATING, S.VOTED, S.PUBLISHED, S.IMPLEMENTING]

MOVES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    A.FIX_TOPICS: (frozenset({S.COLLECTING}), frozenset({S.TOPICS_SET})),
    A.DELIBERATE: (frozenset({S.TOPICS_SET}), frozenset({S.DELIBERATING})),
    A.CLOSE_VOTE: (frozenset({S.DELIBERATING}), frozenset({S.VOTED})),
    A.PUBLISH: (frozenset({S.VOTED}), frozenset({S.PUBLISHED})),
    A.IMPLEMENT: (frozenset({S.PUBLISHED}), frozenset({S.IMPLEMENTING})),
}
INTAKE_OPEN = frozenset({S.TOPICS_SET, S.DELIBERATING, S.VOTED})
PUBLIC = frozenset({S.PUBLISHED, S.IMPLEMENTING})


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _targets) in MOVES.items() if status in sources]
