"""Who may take an order at a tier: the handler candidates and the obvious default."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core import memo
from grids.models import Area, AreaLevel, MemberUnit, Post, PostRole
from orders.errors import OrderError
from orders.lifecycle import Tier
from orders.models import Order

# Which post role answers for each tier, and at which level of the order's area it sits.
TIER_ROLE = {
    Tier.PROPERTY: (PostRole.PROPERTY_MANAGER, AreaLevel.COMPOUND),
    Tier.GRID: (PostRole.GRID_LEADER, AreaLevel.GRID),
    Tier.STREET: (PostRole.STREET_OFFICIAL, AreaLevel.STREET),
}


def handler_candidates(*, order: Order, tier: int) -> list:
    """Who may take ``order`` at ``tier``: users for tiers 1, 2, 4; member units for tier 3.

    The answer depends only on the order's area and the tier: within one sweep batch
    (``orders.memo``) it is read once per (area, tier)."""
    area = order.area
    return list(
        memo.remembered(
            ("handler_candidates", area.pk, area.path, tier),
            lambda: _read_handler_candidates(area=area, tier=tier),
        )
    )


def _read_handler_candidates(*, area: Area, tier: int) -> list:
    if tier == Tier.MEMBER_UNIT:
        community_code = area.ancestor_codes[AreaLevel.COMMUNITY - 1] if area.level >= 2 else None
        return list(
            MemberUnit.objects.filter(community__code=community_code, is_active=True).order_by(
                "name"
            )
        )
    role, _level = TIER_ROLE[Tier(tier)]
    ancestor_paths = [
        "/".join(area.ancestor_codes[:i]) + "/" for i in range(1, len(area.ancestor_codes) + 1)
    ]
    posts = (
        Post.objects.filter(role=role, area__path__in=ancestor_paths, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    seen, users = set(), []
    for post in posts:
        if post.user_id not in seen:
            seen.add(post.user_id)
            users.append(post.user)
    return users


def default_handler(*, order: Order, tier: int):
    """The obvious handler at ``tier``, or None when the dispatcher has to choose."""
    candidates = handler_candidates(order=order, tier=tier)
    return (
        candidates[0] if len(candidates) == 1 or (candidates and tier != Tier.MEMBER_UNIT) else None
    )


def check_handler(order: Order, tier: int, handler_user, handler_unit) -> None:
    if tier not in Tier.values:
        raise OrderError("bad_tier", _("派单层级无效。"))
    if tier == Tier.MEMBER_UNIT:
        if handler_unit is None or handler_user is not None:
            raise OrderError("bad_handler", _("第三级工单须派给一个成员单位。"))
    elif handler_user is None or handler_unit is not None:
        raise OrderError("bad_handler", _("请选择承办人。"))
    chosen = handler_unit if tier == Tier.MEMBER_UNIT else handler_user
    if chosen.pk not in {c.pk for c in handler_candidates(order=order, tier=tier)}:
        raise OrderError(
            "bad_handler",
            _("%(who)s 不能承接这张工单的「%(tier)s」一级。")
            % {"who": chosen, "tier": Tier(tier).label},
        )
