"""Reads of orders, always scoped to the user through ``grids.access``."""

from __future__ import annotations

from orders.selectors.scope import order_for_token, order_for_user, orders_for_user, with_version
from orders.selectors.staff import (
    BOARD_PAGE_SIZE,
    INBOX_ROLES,
    QUEUES,
    BoardFilters,
    OrderDetail,
    board_communities,
    board_community_for_order,
    board_count_for,
    board_counts,
    board_orders,
    board_places,
    board_sort_links,
    board_tabs,
    community_grids,
    inbox_for_user,
    intake_areas,
    intake_picker,
    order_actions_for_user,
    order_detail_for_user,
    photo_for_user,
)

__all__ = [
    "with_version",
    "BOARD_PAGE_SIZE",
    "INBOX_ROLES",
    "QUEUES",
    "BoardFilters",
    "OrderDetail",
    "board_communities",
    "board_community_for_order",
    "board_count_for",
    "board_counts",
    "board_places",
    "board_orders",
    "board_sort_links",
    "board_tabs",
    "community_grids",
    "inbox_for_user",
    "intake_areas",
    "intake_picker",
    "order_actions_for_user",
    "order_detail_for_user",
    "order_for_token",
    "order_for_user",
    "orders_for_user",
    "photo_for_user",
]
