"""Reads for "本片工单": every staff role's orders of its patch, with the board's filters.

A grid worker, building head, micro-grid leader, property manager, unit liaison (and any
other staff post) lists the orders in the subtrees of their posts, or handled by them or
their unit — ``orders_for_user``, the same scope the order detail uses, so a row always
opens. Read-only: the detail offers only the actions the user may take, plus a follow-up
note (``authority.may_follow_up``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from grids import access
from grids.models import Area, AreaLevel, PostRole
from orders.models import Order
from orders.selectors.scope import orders_for_user
from orders.selectors.staff import BoardFilters, filter_orders

# Every staff role but the party member (who serves through micro-wishes, not orders).
PATCH_ROLES = tuple(role for role in PostRole.values if role != PostRole.PARTY_MEMBER)
PATCH_PAGE_SIZE = 25
# The list's tabs: the open orders (default) and all of them.
PATCH_QUEUES = ("open", "all")


def patch_grids(*, user: AbstractBaseUser) -> list[Area]:
    """The grids inside the user's posts, for the grid filter — one query."""
    return list(
        Area.objects.filter(access.scope_q(user, path_field="path"), level=AreaLevel.GRID).order_by(
            "path"
        )
    )


def patch_orders(*, user: AbstractBaseUser, filters: BoardFilters) -> QuerySet[Order]:
    """The user's patch, filtered and sorted as the board is (open orders by default)."""
    return filter_orders(orders_for_user(user=user), filters=filters)
