"""Navigation entries shown to a staff user, by the roles they hold.

Each app registers its entries here through ``NAV_ENTRIES`` so the base layout shows
only what the user's posts allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from grids.access import DISPATCH_ROLES, INTAKE_ROLES, ORDER_INTAKE_ROLES, Access
from grids.models import AREALESS_ROLES, PostRole

ALL_ROLES = tuple(PostRole.values)
# Roles whose posts give an area scope (a department's staff have none: issue 12).
AREA_ROLES = tuple(r for r in ALL_ROLES if r not in AREALESS_ROLES)
# Mirrors orders.selectors.patch.PATCH_ROLES, less the dispatchers and street officials,
# whose board already lists every order of their communities (the page still opens).
PATCH_NAV_ROLES = tuple(
    role
    for role in PostRole.values
    if role not in (PostRole.PARTY_MEMBER, *DISPATCH_ROLES, *AREALESS_ROLES)
)


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    roles: tuple[str, ...]
    # Entries of one group share a drop-down in the header (a group with one entry for
    # this user is a plain link); "" stands on the bar itself.
    group: str = ""


# The header's drop-downs, in this order after the plain links.
GROUPS = {
    "grid": _("网格工作"),
    "community": _("社区议事"),
    "party": _("党员微心愿"),
    "oversight": _("督办回访"),
    "stats": _("数据"),
}
# Entries about the user's own account sit by their name, not in the bar.
ACCOUNT = "account"


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
    NavEntry("orders:staff_patch", _("本片工单"), PATCH_NAV_ROLES),
    NavEntry("orders:staff_intake", _("代居民录入"), ORDER_INTAKE_ROLES),
    # Issue 12 (docs/departments.md): a department's whistles; a unit's co-handling and claims.
    NavEntry("orders:department_inbox", _("部门待办"), (PostRole.DEPARTMENT_STAFF,)),
    NavEntry("orders:unit_work", _("协办与认领"), (PostRole.UNIT_LIAISON,)),
    NavEntry("grids:visits_due", _("待走访"), INTAKE_ROLES, "grid"),
    NavEntry(
        "grids:visits_coverage",
        _("走访覆盖率"),
        (PostRole.GRID_LEADER, PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL),
        "grid",
    ),
    NavEntry("grids:disputes", _("矛盾纠纷"), INTAKE_ROLES, "grid"),
    NavEntry("grids:area_tree", _("区域网格"), AREA_ROLES, "grid"),
    NavEntry("grids:area_import", _("导入区域"), (PostRole.STREET_OFFICIAL,), "grid"),
    NavEntry("orders:meetings", _("议事会"), DISPATCH_ROLES, "community"),
    NavEntry("orders:projects", _("微项目"), DISPATCH_ROLES, "community"),
    NavEntry("orders:notices", _("公告"), DISPATCH_ROLES, "community"),
    # The co-building alliance (orders/views/units.py; the roles mirror UNIT_PAGE_ROLES).
    NavEntry("orders:units", _("共建单位"), (*DISPATCH_ROLES, PostRole.UNIT_LIAISON), "community"),
    # Mirrors orders.views.units.DEMAND_ROLES: liaisons claim (认领) open demand items.
    NavEntry(
        "orders:demands", _("需求清单"), (*DISPATCH_ROLES, PostRole.UNIT_LIAISON), "community"
    ),
    NavEntry(
        "orders:unit_projects",
        _("项目清单"),
        (*DISPATCH_ROLES, PostRole.UNIT_LIAISON),
        "community",
    ),
    NavEntry("orders:rotation", _("月度轮值"), DISPATCH_ROLES, "community"),
    # Mirrors parties.units.orgs.IMPORT_ROLES.
    NavEntry("parties:party_orgs", _("党组织"), DISPATCH_ROLES, "party"),
    NavEntry("parties:member_home", _("党员服务"), (PostRole.PARTY_MEMBER,)),
    NavEntry("parties:staff_wishes", _("微心愿"), INTAKE_ROLES, "party"),
    # The open pool (orders.views.pool): members claim there, dispatchers oversee it.
    NavEntry(
        "orders:pool",
        _("党员接单"),
        (PostRole.PARTY_MEMBER, PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL),
        "party",
    ),
    # Mirrors orders.selectors.stats.STATS_ROLES / RANKING_ROLES and
    # orders.stats.handlers.HANDLER_ROLES (issue 9).
    NavEntry(
        "orders:stats",
        _("数据看板"),
        (PostRole.STREET_OFFICIAL, PostRole.COMMUNITY_DISPATCHER, PostRole.GRID_LEADER),
        "stats",
    ),
    NavEntry("orders:stats_ranking", _("红黑榜"), (PostRole.STREET_OFFICIAL,), "stats"),
    NavEntry("orders:stats_mine", _("我的数据"), INBOX_ROLES, "stats"),
    NavEntry(
        "parties:staff_members",
        _("报到党员"),
        (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL),
        "party",
    ),
    NavEntry("orders:supervision", _("督办"), (PostRole.STREET_OFFICIAL,), "oversight"),
    NavEntry(
        "orders:callbacks",
        _("回访"),
        (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL),
        "oversight",
    ),
    NavEntry(
        "orders:outbox",
        _("消息发件箱"),
        (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL),
        "oversight",
    ),
    NavEntry("accounts:password_change", _("修改密码"), ALL_ROLES, "account"),
    NavEntry("accounts:audit_log", _("审计日志"), (), "account"),  # superusers only
]


@lru_cache(maxsize=256)
def _entry_url(url_name: str, urlconf: str | None, prefix: str) -> str | None:
    """An entry's URL (None when not routed), reversed once per URLconf and script prefix:
    every staff page draws the menu, and reversing two dozen names each time added a
    millisecond to each."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def navigation_for(access: Access) -> list[dict]:
    items = []
    urlconf, prefix = get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    for entry in NAV_ENTRIES:
        if access.is_superuser or access.roles.intersection(entry.roles):
            url = _entry_url(entry.url_name, urlconf, prefix)
            if url is None:
                continue
            items.append(
                {"url": url, "label": entry.label, "name": entry.url_name, "group": entry.group}
            )
    return items


def menu_for(items: list[dict]) -> list[dict]:
    """The header bar: the plain links, then one drop-down per group
    (``{"label", "key", "entries"}``); a group holding a single entry for this user is
    shown as that plain link. Account entries are left out (see ``account_for``)."""
    plain = [item for item in items if not item["group"]]
    groups = []
    for key, label in GROUPS.items():
        members = [item for item in items if item["group"] == key]
        if len(members) == 1:
            plain.append(members[0])
        elif members:
            groups.append({"label": label, "key": key, "entries": members})
    return [*plain, *groups]


def account_for(items: list[dict]) -> list[dict]:
    return [item for item in items if item["group"] == ACCOUNT]
