"""load_demo: the Luoxing street at its real scale, deterministic and safe to rerun."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.joint import DEPARTMENTS
from demo.street import DEMO_LOGINS, LUOXING_SCALE, build_demo, demo_tree
from grids.models import Area, AreaLevel, MemberUnit, Post, PostRole

pytestmark = pytest.mark.django_db
User = get_user_model()

SMALL = {"communities": 3, "grids": 5, "compounds": 8, "microgrids": 30}


def level_counts() -> dict[int, int]:
    return {level: Area.objects.filter(level=level).count() for level in AreaLevel.values}


def snapshot() -> tuple:
    return (
        list(Area.objects.order_by("path").values_list("code", "name", "level", "path")),
        list(MemberUnit.objects.order_by("id").values_list("name", "community__code")),
        list(User.objects.order_by("username").values_list("username", "first_name", "last_name")),
        sorted(Post.objects.values_list("user__username", "role", "area__code")),
    )


def test_small_demo_twice_is_idempotent():
    first = build_demo(**SMALL)
    assert level_counts() == {1: 1, 2: 3, 3: 5, 4: 8, 5: 30}
    assert first.areas_created == 47 and first.users_created > 0 and first.posts_created > 0
    before = snapshot()

    second = build_demo(**SMALL)

    assert (
        second.areas_created,
        second.units_created,
        second.users_created,
        second.posts_created,
    ) == (0, 0, 0, 0)
    assert snapshot() == before


def test_the_tree_is_deterministic_and_well_formed():
    nodes = demo_tree(**LUOXING_SCALE)
    assert nodes == demo_tree(**LUOXING_SCALE)
    codes = [n[0] for n in nodes]
    assert len(set(codes)) == len(codes)
    assert all(len(c) <= 40 and "/" not in c for c in codes)
    parents = {n[0]: n[2] for n in nodes}
    for code, _name, level, parent in nodes:
        assert (parent is None) == (level == AreaLevel.STREET)
        if parent:
            assert parents[parent] == level - 1
    children: dict[str, int] = {}
    for _code, _name, _level, parent in nodes:
        if parent:
            children[parent] = children.get(parent, 0) + 1
    # Every node above micro-grid level has at least one child.
    assert all(
        children.get(code, 0) >= 1 for code, _n, level, _p in nodes if level < AreaLevel.MICROGRID
    )


def test_load_demo_at_the_real_scale(capsys, settings):
    settings.SIDAN_PUBLIC_BASE_URL = "http://127.0.0.1:8080"
    call_command("load_demo")

    out = capsys.readouterr().out
    # It ends with a ready resident URL on the public base and says where codes show.
    assert "http://127.0.0.1:8080/r/LX01-G01-C01-M001/" in out
    assert "/staff/outbox/" in out

    assert level_counts() == {1: 1, 2: 13, 3: 69, 4: 91, 5: 2826}
    street = Area.objects.get(code="LX")
    assert street.name == "罗星街道" and street.path == "LX/"
    micro = Area.objects.get(code="LX01-G01-C01-M001")
    assert micro.path == "LX/LX01/LX01-G01/LX01-G01-C01/LX01-G01-C01-M001/"
    assert micro.name == "1栋1单元"
    assert all(
        3 <= MemberUnit.objects.filter(community=c).count() <= 4
        for c in Area.objects.filter(level=2)
    )

    # One demo login per post type, each on a node of its role's level; the departments'
    # staff logins come with their departments (demo/joint.py, tests/orders/test_demo_joint.py).
    assert {role for _u, role, *_ in DEMO_LOGINS} | {PostRole.DEPARTMENT_STAFF} == set(
        PostRole.values
    )
    assert {login[0] for login in DEPARTMENTS} == {"demo_market", "demo_urban"}
    for username, role, *_ in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.check_password("sidan-demo-2026") and user.last_name and user.first_name
        roles = set(user.posts.values_list("role", flat=True))
        # A granted post is held by a verified party member (demo/party.py).
        member_post = role in (PostRole.SECOND_BUILDING_HEAD, PostRole.GRID_VOLUNTEER)
        assert roles == ({role, PostRole.PARTY_MEMBER} if member_post else {role})
    assert User.objects.get(username="admin").is_superuser
    liaison = Post.objects.get(user__username="demo_unit")
    assert liaison.member_unit.community == liaison.area == Area.objects.get(code="LX01")

    # Staff coverage: every compound has a property manager, every grid a leader,
    # every community a dispatcher and a liaison for each member unit.
    for role, level in (
        (PostRole.PROPERTY_MANAGER, 4),
        (PostRole.GRID_LEADER, 3),
        (PostRole.COMMUNITY_DISPATCHER, 2),
    ):
        covered = set(Post.objects.filter(role=role).values_list("area_id", flat=True))
        assert covered >= set(Area.objects.filter(level=level).values_list("id", flat=True))
    assert set(
        Post.objects.filter(role=PostRole.UNIT_LIAISON).values_list("member_unit_id", flat=True)
    ) == set(MemberUnit.objects.values_list("id", flat=True))

    assert "demo_street" in out and "sidan-demo-2026" in out

    before = snapshot()
    call_command("load_demo")
    assert "Created 0 areas, 0 member units, 0 users, 0 posts" in capsys.readouterr().out
    assert snapshot() == before


def test_demo_logins_work(client):
    build_demo(**SMALL)
    assert client.login(username="demo_grid_leader", password="sidan-demo-2026")
    page = client.get("/grids/areas/").content.decode()
    assert "第1网格" in page
    assert client.get("/grids/areas/", {"code": "LX02"}).status_code == 404
