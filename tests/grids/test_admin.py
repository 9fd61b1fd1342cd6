"""The Django admin for the tree and the posts."""

import pytest

from grids.models import Area, AreaLevel, Post, PostRole
from tests.factories import SuperuserFactory, UserFactory, area_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(SuperuserFactory())
    return client


def test_area_changelist_links_to_the_import(admin_client):
    area_chain(level=AreaLevel.MICROGRID)
    page = admin_client.get("/admin/grids/area/", {"level__exact": 3}).content.decode()
    assert 'href="/grids/areas/import/"' in page
    assert "查看下级" in page


def test_area_change_page_lists_children(admin_client):
    street, community = area_chain(level=AreaLevel.COMMUNITY)
    page = admin_client.get(f"/admin/grids/area/{street.pk}/change/").content.decode()
    assert community.code in page


def test_area_admin_add_keeps_the_path(admin_client):
    street = area_chain(level=AreaLevel.STREET)[0]
    response = admin_client.post(
        "/admin/grids/area/add/",
        {"code": "NEW1", "name": "新社区", "level": 2, "parent": street.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Area.objects.get(code="NEW1").path == street.path + "NEW1/"


def test_post_admin_refuses_a_role_on_the_wrong_level(admin_client):
    _street, community, grid = area_chain(level=AreaLevel.GRID)
    user = UserFactory()
    response = admin_client.post(
        "/admin/grids/post/add/",
        {"user": user.pk, "role": PostRole.GRID_LEADER, "area": community.pk},
    )
    assert response.status_code == 200 and "网格长只能设在网格上" in response.content.decode()
    assert not Post.objects.exists()

    response = admin_client.post(
        "/admin/grids/post/add/", {"user": user.pk, "role": PostRole.GRID_LEADER, "area": grid.pk}
    )
    assert response.status_code == 302
    assert Post.objects.get().area == grid


def test_area_admin_recode_moves_the_descendants(admin_client):
    street, community, grid = area_chain(level=AreaLevel.GRID)
    response = admin_client.post(
        f"/admin/grids/area/{community.pk}/change/",
        {
            "code": "RENAMED",
            "name": "改名社区",
            "parent": street.pk,
            "children-TOTAL_FORMS": "1",
            "children-INITIAL_FORMS": "1",
            "children-MIN_NUM_FORMS": "0",
            "children-MAX_NUM_FORMS": "1000",
            "children-0-id": grid.pk,
            "children-0-parent": community.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    grid.refresh_from_db()
    assert grid.path == f"{street.code}/RENAMED/{grid.code}/"
