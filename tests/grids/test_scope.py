"""Who sees what: every role, inside and outside its post's subtree, as one table."""

import pytest

from grids.access import area_in_scope, areas_in_scope, scope_q
from grids.models import AREALESS_ROLES, ROLE_LEVEL, Area, PostRole
from tests.factories import AreaFactory, PostFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

# S1 ─ C1 ─ G1 ─ K1 ─ M1, M2
#    │    │    └ K2
#    │    └ G2
#    └ C2 ─ G3 ─ K3 ─ M3
# S2 ─ C3
TREE = [
    ("S1", None),
    ("C1", "S1"),
    ("G1", "C1"),
    ("K1", "G1"),
    ("M1", "K1"),
    ("M2", "K1"),
    ("K2", "G1"),
    ("G2", "C1"),
    ("C2", "S1"),
    ("G3", "C2"),
    ("K3", "G3"),
    ("M3", "K3"),
    ("S2", None),
    ("C3", "S2"),
]
POST_AT = {1: "S1", 2: "C1", 3: "G1", 4: "K1", 5: "M1"}
SIBLING = {1: "S2", 2: "C2", 3: "G2", 4: "K2", 5: "M2"}
OTHER_COMMUNITY = {1: "C3", 2: "C2", 3: "G3", 4: "K3", 5: "M3"}
PARENT = {2: "S1", 3: "C1", 4: "G1", 5: "K1"}


def _cases():
    for role in PostRole.values:
        level = ROLE_LEVEL[role]
        # A department's staff (issue 12) get no area scope from their post: they see only
        # what was whistled to them (tests/orders/test_whistles.py, test_joint_pages.py).
        arealess = role in AREALESS_ROLES
        yield role, "self", POST_AT[level], not arealess
        if level < 5:
            yield role, "descendant", "M1", not arealess
        yield role, "sibling subtree", SIBLING[level], False
        yield role, "other community", OTHER_COMMUNITY[level], False
        if level > 1:
            yield role, "parent level", PARENT[level], False


CASES = list(_cases())


@pytest.fixture
def tree() -> dict[str, Area]:
    nodes: dict[str, Area] = {}
    for code, parent in TREE:
        nodes[code] = AreaFactory(code=code, parent=nodes[parent] if parent else None)
    return nodes


def test_the_table_covers_every_role():
    assert {c[0] for c in CASES} == set(PostRole.values)


@pytest.mark.parametrize(
    ("role", "case", "target", "visible"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_scope_table(tree, role, case, target, visible):
    post = PostFactory(role=role, area=tree[POST_AT[ROLE_LEVEL[role]]])
    user, area = post.user, tree[target]

    assert area_in_scope(user, area) is visible
    assert areas_in_scope(user).filter(pk=area.pk).exists() is visible
    assert Area.objects.filter(scope_q(user, path_field="path"), pk=area.pk).exists() is visible


@pytest.mark.parametrize("role", PostRole.values)
def test_scope_is_exactly_the_posts_subtree(tree, role):
    post = PostFactory(role=role, area=tree[POST_AT[ROLE_LEVEL[role]]])
    expected = {a.code for a in Area.objects.filter(path__startswith=post.area.path)}
    if role in AREALESS_ROLES:
        expected = set()
    assert {a.code for a in areas_in_scope(post.user)} == expected


def test_union_of_two_posts(tree):
    user = UserFactory()
    PostFactory(user=user, role=PostRole.GRID_LEADER, area=tree["G2"])
    PostFactory(user=user, role=PostRole.PROPERTY_MANAGER, area=tree["K3"])
    assert {a.code for a in areas_in_scope(user)} == {"G2", "K3", "M3"}
    assert area_in_scope(user, tree["M3"]) and area_in_scope(user, tree["G2"])
    assert not area_in_scope(user, tree["G1"])
    # Narrowed to one role's posts:
    assert area_in_scope(user, tree["M3"], roles=[PostRole.PROPERTY_MANAGER])
    assert not area_in_scope(user, tree["G2"], roles=[PostRole.PROPERTY_MANAGER])


def test_superuser_sees_everything(tree):
    admin = SuperuserFactory()
    assert areas_in_scope(admin).count() == len(TREE)
    assert all(area_in_scope(admin, a) for a in tree.values())


def test_user_without_posts_sees_nothing(tree):
    user = UserFactory()
    assert not areas_in_scope(user).exists()
    assert not any(area_in_scope(user, a) for a in tree.values())


def test_inactive_user_sees_nothing(tree):
    post = PostFactory(role=PostRole.STREET_OFFICIAL, area=tree["S1"])
    post.user.is_active = False
    post.user.save()
    assert not areas_in_scope(post.user).exists()
    assert not area_in_scope(post.user, tree["M1"])


def test_area_tree_view_answers_404_outside_the_scope(client, tree):
    post = PostFactory(role=PostRole.GRID_LEADER, area=tree["G1"])
    client.force_login(post.user)
    assert client.get("/grids/areas/", {"code": "M1"}).status_code == 200
    assert client.get("/grids/areas/", {"code": "G1"}).status_code == 200
    for outside in ("G2", "C1", "S1", "M3", "S2", "NOPE"):
        assert client.get("/grids/areas/", {"code": outside}).status_code == 404, outside


def test_area_tree_links_each_node_to_its_qr_sheet_and_resident_form(client, tree):
    post = PostFactory(role=PostRole.GRID_LEADER, area=tree["G1"])
    client.force_login(post.user)
    grid = client.get("/grids/areas/", {"code": "G1"}).content.decode()
    assert f'href="/staff/qr/{tree["G1"].code}/"' in grid
    assert f'href="/r/{tree["G1"].code}/"' in grid
    micro = client.get("/grids/areas/", {"code": "M1"}).content.decode()
    assert "/staff/qr/" not in micro and f'href="/r/{tree["M1"].code}/"' in micro
