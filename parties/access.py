"""Which communities a staff user works for, for party pages: a post on a street covers
its communities, a post on a community covers it, a post further down (a grid, a
building) covers the community it lies in — so a grid worker may post a wish on a
resident's behalf and follow the wishes of their community."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from grids.access import access_for
from grids.models import AreaLevel


def community_path_of(path: str, level: int) -> str:
    if level <= AreaLevel.COMMUNITY:
        return path
    return "/".join(path.split("/")[:2]) + "/"


def community_paths(user, roles: Iterable[str]) -> list[str] | None:
    """Path prefixes of the communities the user's posts with ``roles`` cover (None: all)."""
    access = access_for(user)
    if access.is_superuser:
        return None
    roles = set(roles)
    return sorted(
        {community_path_of(p.area_path, p.area_level) for p in access.posts if p.role in roles}
    )


def community_q(user, roles: Iterable[str], field: str = "community_path") -> Q:
    paths = community_paths(user, roles)
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def covers_community(user, community, roles: Iterable[str]) -> bool:
    paths = community_paths(user, roles)
    return paths is None or any(community.path.startswith(p) for p in paths)
