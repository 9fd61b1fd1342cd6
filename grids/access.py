"""The one place that decides what a staff user may see and do.

A user's scope is the union of the subtrees of the areas their posts sit on. Views and
selectors ask this module; nothing else decides. Objects outside the scope answer 404
(``get_object_or_404`` over a scoped queryset), never a "forbidden" page that would
confirm they exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from grids.models import AREALESS_ROLES, Area, AreaLevel, MemberUnit, PostRole, paths_q

_CACHE_ATTR = "_sidan_access"


@dataclass(frozen=True)
class PostInfo:
    role: str
    area_id: int
    area_path: str
    area_level: int
    member_unit_id: int | None
    department_id: int | None = None


@dataclass(frozen=True)
class Access:
    """What one user holds, read once per request (one query) and cached on the user."""

    is_superuser: bool
    posts: tuple[PostInfo, ...]

    @property
    def roles(self) -> set[str]:
        return {p.role for p in self.posts}

    @property
    def area_posts(self) -> tuple[PostInfo, ...]:
        """The posts whose area gives scope (``AREALESS_ROLES`` give none)."""
        return tuple(p for p in self.posts if p.role not in AREALESS_ROLES)

    @property
    def paths(self) -> list[str]:
        """Minimal list of scope roots: a path under another one adds nothing."""
        roots: list[str] = []
        for path in sorted({p.area_path for p in self.area_posts}):
            if not any(path.startswith(r) for r in roots):
                roots.append(path)
        return roots

    def paths_for(self, *roles: str) -> list[str]:
        return sorted({p.area_path for p in self.area_posts if p.role in roles})

    def member_unit_ids(self) -> set[int]:
        return {p.member_unit_id for p in self.posts if p.member_unit_id}

    def department_ids(self) -> set[int]:
        return {p.department_id for p in self.posts if p.department_id}

    @property
    def is_staff_user(self) -> bool:
        return self.is_superuser or bool(self.posts)


def access_for(user: AbstractBaseUser | AnonymousUser) -> Access:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Access(is_superuser=False, posts=())
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = user.posts.values_list(
        "role", "area_id", "area__path", "area__level", "member_unit_id", "department_id"
    )
    access = Access(is_superuser=user.is_superuser, posts=tuple(PostInfo(*row) for row in rows))
    setattr(user, _CACHE_ATTR, access)
    return access


def forget_access(user: AbstractBaseUser) -> None:
    """Drop the cached access after the user's posts change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_q(
    user: AbstractBaseUser | AnonymousUser, *, path_field: str, roles: Iterable[str] | None = None
) -> Q:
    """A Q limiting rows to the user's scope by a materialised-path field.

    ``roles`` narrows the scope to the subtrees of posts with those roles.
    """
    access = access_for(user)
    if access.is_superuser:
        return Q()
    paths = access.paths if roles is None else access.paths_for(*roles)
    return paths_q(paths, path_field)


def areas_in_scope(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Area]:
    return Area.objects.filter(scope_q(user, path_field="path"))


def area_in_scope(
    user: AbstractBaseUser | AnonymousUser, area: Area, *, roles: Iterable[str] | None = None
) -> bool:
    access = access_for(user)
    if access.is_superuser:
        return True
    paths = access.paths if roles is None else access.paths_for(*roles)
    return any(area.path.startswith(p) for p in paths)


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    access = access_for(user)
    return access.is_superuser or bool(access.roles.intersection(roles))


def is_staff_user(user: AbstractBaseUser | AnonymousUser) -> bool:
    return access_for(user).is_staff_user


# Roles that may take orders in and dispatch them for their community.
DISPATCH_ROLES = (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)
# Roles that may enter orders on a resident's behalf (patrols, visits, living room, hotline).
INTAKE_ROLES = (
    PostRole.COMMUNITY_DISPATCHER,
    PostRole.STREET_OFFICIAL,
    PostRole.GRID_LEADER,
    PostRole.GRID_WORKER,
    PostRole.BUILDING_HEAD,
    PostRole.MICROGRID_LEADER,
    # A verified party member serving in a building or a grid (granted by the community).
    PostRole.SECOND_BUILDING_HEAD,
    PostRole.GRID_VOLUNTEER,
)


# --- member units: where a liaison works (issue 12) ----------------------------------------


def unit_community_areas(unit_ids: Iterable[int]) -> QuerySet[Area]:
    """The communities active member units ``unit_ids`` serve — their own and those they
    are paired with (结对包建; a paired compound brings its community): where their
    liaisons may enter orders on a resident's behalf and claim open orders (认领), and
    where their resources may serve. One query."""
    ids = sorted(set(unit_ids))
    paired_under = MemberUnit.paired_areas.through.objects.filter(
        memberunit_id__in=ids,
        memberunit__is_active=True,
        area__path__startswith=OuterRef("path"),
    )
    return (
        Area.objects.filter(level=AreaLevel.COMMUNITY)
        .filter(
            Q(pk__in=MemberUnit.objects.filter(pk__in=ids, is_active=True).values("community_id"))
            | Exists(paired_under)
        )
        .order_by("path")
    )


def unit_communities(unit_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(id, path) of ``unit_community_areas`` (one query; none without units)."""
    ids = sorted(set(unit_ids))
    if not ids:
        return []
    return list(unit_community_areas(ids).values_list("pk", "path"))


def unit_community_paths(unit_ids: Iterable[int]) -> list[str]:
    return [path for _id, path in unit_communities(unit_ids)]


def liaison_paths(user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """``unit_community_paths`` of the user's member units (one query; none without)."""
    access = access_for(user)
    return unit_community_paths(access.member_unit_ids())


# Roles that may enter an order on a resident's behalf through the staff intake page: the
# intake roles over their posts' subtrees, and unit liaisons in their units' communities.
ORDER_INTAKE_ROLES = (*INTAKE_ROLES, PostRole.UNIT_LIAISON)


def intake_scope_q(user: AbstractBaseUser | AnonymousUser, *, path_field: str = "path") -> Q:
    """Areas where ``user`` may place an order on a resident's behalf."""
    q = scope_q(user, path_field=path_field, roles=INTAKE_ROLES)
    if access_for(user).is_superuser:
        return q
    return q | paths_q(liaison_paths(user), path_field)


def may_intake_at(user: AbstractBaseUser | AnonymousUser, area: Area) -> bool:
    if area_in_scope(user, area, roles=INTAKE_ROLES):
        return True
    return any(area.path.startswith(p) for p in liaison_paths(user))
