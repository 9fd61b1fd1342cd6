"""The micro-wish flow (先锋圆梦微心愿), from wish to wall::

    post ─► POSTED ─verify─► OPEN ─claim─► CLAIMED ─fulfil─► FULFILLED ─confirm─► CONFIRMED
               │              │ ▲            │
               decline        │ └─unclaim────┘
               ▼              release (stale: shown to the whole street)
            DECLINED

* **post** — a resident with a verified phone, or a grid worker / dispatcher on their
  behalf, posts a small concrete wish (category, description, needed date).
* **verify** / **decline** — community staff check it is 具体、即时、易落实, or decline it
  with a reason.
* **claim** — a verified party member of the community (or a member unit, recorded by
  staff) takes it; one claimer, under the wish's row lock. **unclaim** gives it back.
* **release** — an open wish nobody claimed within ``SIDAN_WISH_STALE_DAYS`` is shown to
  the members of the whole street, not only the community.
* **fulfil** — the claimer reports it done with a note; **confirm** — the resident (their
  phone) or staff on their behalf confirms; it then shows on the community's wall and the
  member's points are credited.

``MOVES`` is the single table; ``parties.wishes.services`` is the single writer.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WishStatus(models.TextChoices):
    POSTED = "posted", _("待审核")
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("待确认")
    CONFIRMED = "confirmed", _("已圆梦")
    DECLINED = "declined", _("未通过")


class WishAction(models.TextChoices):
    POST = "post", _("提交心愿")
    VERIFY = "verify", _("审核通过")
    DECLINE = "decline", _("不予通过")
    CLAIM = "claim", _("认领")
    UNCLAIM = "unclaim", _("放弃认领")
    RELEASE = "release", _("发布到全街道")
    FULFIL = "fulfil", _("完成心愿")
    CONFIRM = "confirm", _("确认圆梦")


class WishCategory(models.TextChoices):
    STUDY = "study", _("学习用品")
    DAILY = "daily", _("生活用品")
    CARE = "care", _("陪伴照料")
    REPAIR = "repair", _("维修帮助")
    OTHER = "other", _("其他")


S, A = WishStatus, WishAction

# action -> (statuses it may start from, statuses it may end in)
MOVES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    A.VERIFY: (frozenset({S.POSTED}), frozenset({S.OPEN})),
    A.DECLINE: (frozenset({S.POSTED}), frozenset({S.DECLINED})),
    A.CLAIM: (frozenset({S.OPEN}), frozenset({S.CLAIMED})),
    A.UNCLAIM: (frozenset({S.CLAIMED}), frozenset({S.OPEN})),
    A.RELEASE: (frozenset({S.OPEN}), frozenset({S.OPEN})),
    A.FULFIL: (frozenset({S.CLAIMED}), frozenset({S.FULFILLED})),
    A.CONFIRM: (frozenset({S.FULFILLED}), frozenset({S.CONFIRMED})),
}

# What the public claim pool and the wall show.
POOL_STATUSES = frozenset({S.OPEN})
WALL_STATUSES = frozenset({S.CONFIRMED})


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _t) in MOVES.items() if status in sources]
