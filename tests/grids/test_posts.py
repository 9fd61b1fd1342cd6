"""post_create: a role sits on a node of its level; liaisons need their community's unit."""

import pytest
from django.core.exceptions import ValidationError

from grids import services
from grids.access import area_in_scope
from grids.models import AREALESS_ROLES, ROLE_LEVEL, AreaLevel, Post, PostRole
from tests.factories import (
    AreaFactory,
    DepartmentFactory,
    MemberUnitFactory,
    UserFactory,
    area_chain,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    return {a.level: a for a in area_chain(level=AreaLevel.MICROGRID)}


@pytest.mark.parametrize("role", PostRole.values)
@pytest.mark.parametrize("level", list(AreaLevel.values))
def test_role_must_sit_on_its_level(chain, role, level):
    area = chain[level]
    unit = (
        MemberUnitFactory(community=area)
        if role == PostRole.UNIT_LIAISON and level == AreaLevel.COMMUNITY
        else None
    )
    department = (
        DepartmentFactory(street=area)
        if role == PostRole.DEPARTMENT_STAFF and level == AreaLevel.STREET
        else None
    )
    user = UserFactory()
    if level == ROLE_LEVEL[role]:
        post = services.post_create(
            user=user, role=role, area=area, member_unit=unit, department=department
        )
        # A department's post gives no area scope (issue 12).
        assert post.pk and area_in_scope(user, area) is (role not in AREALESS_ROLES)
    else:
        with pytest.raises(ValidationError) as exc:
            services.post_create(user=user, role=role, area=area, member_unit=unit)
        assert "area" in exc.value.message_dict
        assert not Post.objects.exists()


def test_liaison_needs_a_member_unit_of_that_community(chain):
    community = chain[AreaLevel.COMMUNITY]
    other = AreaFactory(parent=chain[AreaLevel.STREET])
    with pytest.raises(ValidationError, match="必须选择成员单位"):
        services.post_create(user=UserFactory(), role=PostRole.UNIT_LIAISON, area=community)
    with pytest.raises(ValidationError, match="不属于"):
        services.post_create(
            user=UserFactory(),
            role=PostRole.UNIT_LIAISON,
            area=community,
            member_unit=MemberUnitFactory(community=other),
        )
    assert not Post.objects.exists()


def test_only_liaisons_take_a_member_unit(chain):
    community = chain[AreaLevel.COMMUNITY]
    with pytest.raises(ValidationError, match="只有成员单位联络员"):
        services.post_create(
            user=UserFactory(),
            role=PostRole.COMMUNITY_DISPATCHER,
            area=community,
            member_unit=MemberUnitFactory(community=community),
        )


def test_the_same_post_twice_is_refused(chain):
    user = UserFactory()
    services.post_create(user=user, role=PostRole.GRID_LEADER, area=chain[AreaLevel.GRID])
    with pytest.raises(ValidationError):
        services.post_create(user=user, role=PostRole.GRID_LEADER, area=chain[AreaLevel.GRID])
    assert Post.objects.count() == 1


def test_new_post_widens_a_cached_scope(chain):
    user = UserFactory()
    assert not area_in_scope(user, chain[AreaLevel.GRID])  # caches the empty access
    services.post_create(user=user, role=PostRole.GRID_LEADER, area=chain[AreaLevel.GRID])
    assert area_in_scope(user, chain[AreaLevel.MICROGRID])


def test_department_staff_need_a_department_of_that_street(chain):
    street = chain[AreaLevel.STREET]
    with pytest.raises(ValidationError) as exc:
        services.post_create(user=UserFactory(), role=PostRole.DEPARTMENT_STAFF, area=street)
    assert "department" in exc.value.message_dict
    elsewhere = DepartmentFactory()
    with pytest.raises(ValidationError) as exc:
        services.post_create(
            user=UserFactory(),
            role=PostRole.DEPARTMENT_STAFF,
            area=street,
            department=elsewhere,
        )
    assert "department" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.post_create(
            user=UserFactory(),
            role=PostRole.STREET_OFFICIAL,
            area=street,
            department=DepartmentFactory(street=street),
        )
    assert "department" in exc.value.message_dict
    assert not Post.objects.exists()
