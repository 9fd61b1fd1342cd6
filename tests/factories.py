"""Factories shared by every app's tests. Areas and posts go through ``grids.services``
so the tests build data the way the application does (paths, level and role checks)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from grids import services
from grids.models import (
    ROLE_LEVEL,
    Area,
    AreaLevel,
    Department,
    DepartmentKind,
    MemberUnit,
    Post,
    PostRole,
)

DEFAULT_PASSWORD = "pw-for-tests-1"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "小明"
    last_name = "王"
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class AreaFactory(DjangoModelFactory):
    """``AreaFactory(parent=community)`` makes a grid; with no parent, a street."""

    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"A{n:04d}")
    name = factory.LazyAttribute(lambda o: f"区域{o.code}")
    parent = None
    level = factory.LazyAttribute(lambda o: o.parent.level + 1 if o.parent else AreaLevel.STREET)

    @classmethod
    def _create(cls, model_class, *, code, name, level, parent, **kwargs):
        return services.area_create(code=code, name=name, level=level, parent=parent)


def area_chain(*, level: int, prefix: str | None = None) -> list[Area]:
    """A fresh street and one node per level below it, down to ``level``."""
    chain = [AreaFactory(code=prefix) if prefix else AreaFactory()]
    while chain[-1].level < level:
        chain.append(AreaFactory(parent=chain[-1]))
    return chain


def build_tree(*, prefix: str, widths: tuple[int, ...] = (2, 2, 2, 2)) -> dict[str, Area]:
    """A street ``prefix`` with ``widths[i]`` children per node at each level below.

    Codes are readable: "S", "S-1", "S-1-2", ...; returns them all by code.
    """
    street = AreaFactory(code=prefix, name=f"{prefix}街道")
    nodes = {street.code: street}
    frontier = [street]
    for width in widths:
        next_frontier = []
        for parent in frontier:
            for i in range(1, width + 1):
                child = AreaFactory(code=f"{parent.code}-{i}", parent=parent)
                nodes[child.code] = child
                next_frontier.append(child)
        frontier = next_frontier
    return nodes


class MemberUnitFactory(DjangoModelFactory):
    class Meta:
        model = MemberUnit

    name = factory.Sequence(lambda n: f"成员单位{n}")
    community = factory.LazyFunction(lambda: area_chain(level=AreaLevel.COMMUNITY)[-1])
    remit = "综合"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"职能部门{n}")
    kind = DepartmentKind.URBAN
    street = factory.LazyFunction(lambda: area_chain(level=AreaLevel.STREET)[-1])


class PostFactory(DjangoModelFactory):
    """``PostFactory(role=..., area=...)``; without an area, a fresh chain to the role's level."""

    class Meta:
        model = Post

    user = factory.SubFactory(UserFactory)
    role = PostRole.GRID_LEADER
    area = factory.LazyAttribute(lambda o: area_chain(level=ROLE_LEVEL[o.role])[-1])
    member_unit = factory.LazyAttribute(
        lambda o: MemberUnitFactory(community=o.area) if o.role == PostRole.UNIT_LIAISON else None
    )
    department = factory.LazyAttribute(
        lambda o: DepartmentFactory(street=o.area) if o.role == PostRole.DEPARTMENT_STAFF else None
    )

    @classmethod
    def _create(cls, model_class, *, user, role, area, member_unit=None, department=None, **kwargs):
        return services.post_create(
            user=user, role=role, area=area, member_unit=member_unit, department=department
        )


def user_with_post(*, role: str, area: Area, **user_fields) -> object:
    """A user holding one post; the usual way to log in as a role in tests."""
    post = PostFactory(role=role, area=area, user=UserFactory(**user_fields))
    return post.user
