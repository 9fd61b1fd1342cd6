"""Pages as each role sees them."""

import pytest

from grids.models import ROLE_LEVEL, PostRole
from grids.roles import ROLE_GUIDE
from tests.factories import SuperuserFactory, UserFactory, area_chain, user_with_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", PostRole.values)
def test_home_shows_the_roles_guide(client, role):
    area = area_chain(level=ROLE_LEVEL[role])[-1]
    client.force_login(user_with_post(role=role, area=area))
    page = client.get("/").content.decode()
    assert str(ROLE_GUIDE[role]["summary"]) in page
    assert f'data-role="{role}"' in page
    others = [r for r in PostRole.values if r != role]
    assert not any(f'data-role="{r}"' in page for r in others)
    assert area.code in page


@pytest.mark.parametrize("role", PostRole.values)
def test_import_is_in_the_navigation_only_for_street_officials(client, role):
    area = area_chain(level=ROLE_LEVEL[role])[-1]
    client.force_login(user_with_post(role=role, area=area))
    page = client.get("/").content.decode()
    assert ('href="/grids/areas/import/"' in page) is (role == PostRole.STREET_OFFICIAL)


def test_user_without_posts_is_told_so(client):
    client.force_login(UserFactory())
    assert "还没有分配岗位" in client.get("/").content.decode()


def test_superuser_home_and_import_page(client):
    client.force_login(SuperuserFactory())
    assert client.get("/").status_code == 200
    assert "上传并预览" in client.get("/grids/areas/import/").content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/grids/areas/", "/grids/areas/import/", "/grids/areas/import/preview/?token=x"]
)
def test_login_required(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_confirm_requires_post(client):
    client.force_login(SuperuserFactory())
    assert client.get("/grids/areas/import/confirm/").status_code == 405
