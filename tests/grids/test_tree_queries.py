"""Tree reads cost one query whatever the depth or size; moves rewrite descendants' paths."""

import pytest

from demo.street import demo_tree
from grids import selectors, services
from grids.models import Area
from tests.factories import area_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_chain():
    return area_chain(level=5, prefix="T")  # 5 nodes: one per level


@pytest.fixture
def big_tree():
    nodes = demo_tree(communities=5, grids=20, compounds=50, microgrids=424)
    services.areas_bulk_create(nodes=nodes)
    assert Area.objects.count() == 500
    return Area.objects.get(code="LX")


def deepest_chain(street: Area) -> list[Area]:
    chain = [street]
    while True:
        child = Area.objects.filter(parent=chain[-1]).order_by("code").first()
        if child is None:
            return chain
        chain.append(child)


@pytest.mark.parametrize("size", ["tiny", "big"])
@pytest.mark.parametrize("depth", [1, 2, 3, 4, 5])
def test_ancestors_and_subtree_are_one_query_each(size, depth, request, django_assert_num_queries):
    if size == "tiny":
        chain = request.getfixturevalue("tiny_chain")
    else:
        chain = deepest_chain(request.getfixturevalue("big_tree"))
    node = chain[depth - 1]

    with django_assert_num_queries(1):
        ancestors = selectors.area_ancestors(area=node)
    assert [a.code for a in ancestors] == [a.code for a in chain[:depth]]

    with django_assert_num_queries(1):
        subtree = list(selectors.area_subtree(area=node))
    assert subtree[0] == node  # ordered by path: the node first
    assert all(a.path.startswith(node.path) for a in subtree)
    assert len(subtree) == Area.objects.filter(path__startswith=node.path).count()


def test_subtree_of_the_big_street_is_everything_in_one_query(big_tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(selectors.area_subtree(area=big_tree, include_self=False))) == 499


def test_ancestors_without_self(tiny_chain, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.area_ancestors(area=tiny_chain[-1], include_self=False) == tiny_chain[:-1]


@pytest.mark.parametrize("size", ["tiny", "big"])
def test_children_with_counts_is_one_query(size, request, django_assert_num_queries):
    street = (
        request.getfixturevalue("tiny_chain")[0]
        if size == "tiny"
        else request.getfixturevalue("big_tree")
    )
    with django_assert_num_queries(1):
        children = selectors.area_children_with_counts(area=street)
    assert children
    for child in children:
        assert child.subtree_size == Area.objects.filter(path__startswith=child.path).count()
    assert sum(c.subtree_size for c in children) == Area.objects.count() - 1


def test_moving_a_grid_rewrites_its_descendants_paths(big_tree):
    grid = Area.objects.get(code="LX01-G01")
    target = Area.objects.get(code="LX02")
    below = list(
        Area.objects.filter(path__startswith=grid.path)
        .exclude(pk=grid.pk)
        .values_list("code", flat=True)
    )
    assert below

    services.area_update(area=grid, code=grid.code, name=grid.name, parent=target)

    assert Area.objects.get(code="LX01-G01").path == "LX/LX02/LX01-G01/"
    for code in below:
        area = Area.objects.get(code=code)
        assert area.path.startswith("LX/LX02/LX01-G01/")
        assert area.path == area.parent.path + code + "/"
    assert not Area.objects.filter(path__startswith="LX/LX01/LX01-G01/").exists()


def test_recoding_a_community_rewrites_every_path_below(big_tree):
    community = Area.objects.get(code="LX01")
    size = Area.objects.filter(path__startswith="LX/LX01/").count()

    services.area_update(area=community, code="LX01X", name="新东湖社区", parent=community.parent)

    assert Area.objects.filter(path__startswith="LX/LX01X/").count() == size
    assert not Area.objects.filter(path__startswith="LX/LX01/").exists()
    micro = Area.objects.filter(level=5, path__startswith="LX/LX01X/").first()
    assert micro.path == "/".join(micro.ancestor_codes) + "/"
    assert [a.code for a in selectors.area_ancestors(area=micro)][:2] == ["LX", "LX01X"]


def test_cannot_move_a_node_under_itself(tiny_chain):
    from django.core.exceptions import ValidationError

    community, grid = tiny_chain[1], tiny_chain[2]
    with pytest.raises(ValidationError):
        services.area_update(area=community, code=community.code, name="x", parent=grid)
