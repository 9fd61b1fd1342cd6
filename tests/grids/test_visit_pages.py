"""Grid-work pages as each role sees them: scope (404 outside), query counts, no leaks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from grids.visits import services
from tests.factories import user_with_post
from tests.grids.visit_helpers import NOW, build_street

pytestmark = pytest.mark.django_db


@pytest.fixture
def st():
    return build_street()


def test_due_list_shows_only_the_workers_households(client, st, django_assert_max_num_queries):
    for i in range(6):
        st.household(room=f"1-{i}", care=[st.elderly], at=NOW - timedelta(days=9))
    st.household(area=st.compound2, room="X-1", care=[st.elderly], at=NOW - timedelta(days=9))
    client.force_login(st.worker1)
    client.get("/grids/visits/due/")  # warm session and caches
    with clock.travel_to(NOW), django_assert_max_num_queries(9):
        page = client.get("/grids/visits/due/").content.decode()
    assert page.count('class="due-item due-overdue"') == 6
    assert "X-1" not in page
    assert "超期 2 天" in page


def test_household_page_404_outside_scope(client, st):
    mine = st.household()
    theirs = st.household(area=st.compound2, room="X-1")
    client.force_login(st.worker1)
    assert client.get(f"/grids/households/{mine.pk}/").status_code == 200
    assert client.get(f"/grids/households/{theirs.pk}/").status_code == 404
    assert client.get("/grids/households/999999/").status_code == 404
    client.force_login(st.other_worker)
    assert client.get(f"/grids/households/{mine.pk}/").status_code == 404


def test_household_page_query_count(client, st, django_assert_max_num_queries):
    household = st.household(care=[st.elderly])
    for day in range(3):
        services.visit_log(
            household_id=household.pk,
            worker=st.worker1,
            kind="door",
            found="ok",
            at=NOW - timedelta(days=day),
        )
    client.force_login(st.worker1)
    client.get(f"/grids/households/{household.pk}/")
    with django_assert_max_num_queries(8):
        page = client.get(f"/grids/households/{household.pk}/").content.decode()
    assert page.count("入户走访") >= 3 and "张大爷" in page


@pytest.mark.parametrize("role", ["property_manager", "unit_liaison", "party_member"])
def test_roles_without_visits_get_404(client, st, role):
    from grids.models import ROLE_LEVEL, PostRole
    from tests.factories import area_chain

    area = area_chain(level=ROLE_LEVEL[role])[-1]
    client.force_login(user_with_post(role=PostRole(role), area=area))
    for url in ("/grids/visits/due/", "/grids/visits/coverage/", "/grids/households/import/"):
        assert client.get(url).status_code == 404


def test_coverage_page_per_role(client, st, django_assert_max_num_queries):
    st.household()
    st.household(area=st.compound2, room="2")
    client.force_login(st.official)
    client.get("/grids/visits/coverage/")
    with django_assert_max_num_queries(8):
        page = client.get("/grids/visits/coverage/").content.decode()
    assert 'data-code="HX01"' in page and 'data-code="HX01-2"' in page
    client.force_login(st.leader1)
    page = client.get("/grids/visits/coverage/").content.decode()
    assert 'data-code="HX01-1"' in page and 'data-code="HX01-2"' not in page
    client.force_login(st.worker1)
    assert client.get("/grids/visits/coverage/").status_code == 404


def test_bad_grid_code_is_404(client, st):
    client.force_login(st.worker1)
    assert client.get("/grids/visits/due/?grid=HX01-2").status_code == 404
    assert client.get("/grids/visits/due/?grid=%00").status_code == 404
