"""Navigation entries shown to a staff user, by the roles they hold.

Each app registers its entries here through ``NAV_ENTRIES`` so the base layout shows
only what the user's posts allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from grids.access import Access
from grids.models import PostRole

ALL_ROLES = tuple(PostRole.values)


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    roles: tuple[str, ...]


NAV_ENTRIES: list[NavEntry] = [
    NavEntry("home", _("首页"), ALL_ROLES),
    NavEntry("grids:area_tree", _("区域网格"), ALL_ROLES),
    NavEntry("orders:supervision", _("督办"), (PostRole.STREET_OFFICIAL,)),
    NavEntry("orders:callbacks", _("回访"), (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)),
    NavEntry("orders:outbox", _("消息发件箱"), (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)),
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
