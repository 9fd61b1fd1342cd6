"""Navigation entries shown to a staff user, by the roles they hold.

Each app registers its entries here through ``NAV_ENTRIES`` so the base layout shows
only what the user's posts allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from grids.access import DISPATCH_ROLES, INTAKE_ROLES, Access
from grids.models import PostRole

ALL_ROLES = tuple(PostRole.values)


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    roles: tuple[str, ...]


# Staff order pages (orders.views.staff); the same tuples the views check.
BOARD_ROLES = DISPATCH_ROLES
# Mirrors orders.selectors.INBOX_ROLES (grids does not import orders).
INBOX_ROLES = (
    PostRole.PROPERTY_MANAGER,
    PostRole.GRID_LEADER,
    PostRole.UNIT_LIAISON,
    PostRole.STREET_OFFICIAL,
)

NAV_ENTRIES: list[NavEntry] = [
    NavEntry("home", _("首页"), ALL_ROLES),
    NavEntry("orders:staff_board", _("派单台"), BOARD_ROLES),
    NavEntry("orders:staff_inbox", _("我的待办"), INBOX_ROLES),
    NavEntry("orders:staff_intake", _("代居民录入"), INTAKE_ROLES),
    NavEntry("grids:visits_due", _("待走访"), INTAKE_ROLES),
    NavEntry(
        "grids:visits_coverage",
        _("走访覆盖率"),
        (PostRole.GRID_LEADER, PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL),
    ),
    NavEntry("grids:disputes", _("矛盾纠纷"), INTAKE_ROLES),
    NavEntry("orders:meetings", _("议事会"), DISPATCH_ROLES),
    NavEntry("orders:projects", _("微项目"), DISPATCH_ROLES),
    NavEntry("orders:notices", _("公告"), DISPATCH_ROLES),
    NavEntry("grids:area_tree", _("区域网格"), ALL_ROLES),
    NavEntry("grids:area_import", _("导入区域"), (PostRole.STREET_OFFICIAL,)),
    NavEntry("orders:supervision", _("督办"), (PostRole.STREET_OFFICIAL,)),
    # Mirrors orders.selectors.stats.STATS_ROLES / RANKING_ROLES (issue 9).
    NavEntry(
        "orders:stats",
        _("数据看板"),
        (PostRole.STREET_OFFICIAL, PostRole.COMMUNITY_DISPATCHER, PostRole.GRID_LEADER),
    ),
    NavEntry("orders:stats_ranking", _("红黑榜"), (PostRole.STREET_OFFICIAL,)),
    NavEntry(
        "orders:callbacks", _("回访"), (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)
    ),
    NavEntry(
        "orders:outbox", _("消息发件箱"), (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)
    ),
    NavEntry("accounts:password_change", _("修改密码"), ALL_ROLES),
    NavEntry("accounts:audit_log", _("审计日志"), ()),  # superusers only
]


def navigation_for(access: Access) -> list[dict]:
    items = []
    for entry in NAV_ENTRIES:
        if access.is_superuser or access.roles.intersection(entry.roles):
            try:
                items.append(
                    {"url": reverse(entry.url_name), "label": entry.label, "name": entry.url_name}
                )
            except NoReverseMatch:
                continue
    return items
