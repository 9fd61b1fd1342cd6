"""Reads of the area tree, scoped to the user through ``grids.access``."""

from __future__ import annotations

from django.db.models import F, Func, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from grids.access import access_for, areas_in_scope
from grids.models import Area, Post, code_validator


def area_subtree(*, area: Area, include_self: bool = True) -> QuerySet[Area]:
    """Every node under ``area`` — one query whatever the depth."""
    return Area.objects.subtree_of(area, include_self=include_self)


def area_ancestors(*, area: Area, include_self: bool = True) -> list[Area]:
    """The chain from the street down to ``area`` — one query whatever the depth."""
    codes = area.ancestor_codes if include_self else area.ancestor_codes[:-1]
    by_code = {a.code: a for a in Area.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def area_children_with_counts(*, area: Area) -> list[Area]:
    """Direct children, each annotated with the size of its subtree — one query."""
    subtree_size = (
        Area.objects.filter(path__startswith=OuterRef("path"))
        .order_by()
        .annotate(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    return list(area.children.annotate(subtree_size=Subquery(subtree_size)).order_by("code"))


def area_for_user(*, user, code: str) -> Area:
    """The area with this code if the user's scope covers it, else 404.

    ``code`` comes from the URL or the query string: anything not shaped like a code is
    404 before the database sees it (PostgreSQL refuses a NUL byte with an error).
    """
    if not code_validator.regex.match(code or ""):
        raise Http404
    return get_object_or_404(areas_in_scope(user), code=code)


def scope_roots(*, user) -> list[Area]:
    access = access_for(user)
    if access.is_superuser:
        return list(Area.objects.filter(parent__isnull=True))
    return list(Area.objects.filter(path__in=access.paths))


def posts_for_user(*, user) -> QuerySet[Post]:
    return user.posts.select_related("area", "member_unit").order_by("area__path", "role")


def areas_of_level_in_scope(*, user, level: int) -> QuerySet[Area]:
    return areas_in_scope(user).filter(level=level).order_by("path")
