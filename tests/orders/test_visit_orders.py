"""A visit's need becomes an order in the same step (channel: grid visit)."""

from __future__ import annotations

import pytest

from grids.models import Visit
from orders.catalogue import ensure_catalogue
from orders.models import Category, Channel, Order, Status, VisitOrder
from tests.grids.visit_helpers import build_street

pytestmark = pytest.mark.django_db


@pytest.fixture
def st():
    ensure_catalogue()
    return build_street()


def _post(client, household, **data):
    fields = {
        "kind": "door",
        "found": "老人腿脚不便",
        "need": "",
        "category": "",
        "urgency": "normal",
    }
    fields.update(data)
    return client.post(f"/staff/visits/{household.pk}/", fields)


def test_visit_form_renders_with_bounded_queries(client, st, django_assert_max_num_queries):
    household = st.household()
    client.force_login(st.worker1)
    client.get(f"/staff/visits/{household.pk}/")
    with django_assert_max_num_queries(8):
        response = client.get(f"/staff/visits/{household.pk}/")
    assert response.status_code == 200 and "保存走访" in response.content.decode()


def test_visit_with_need_places_a_grid_visit_order(client, st):
    household = st.household()
    category = Category.objects.filter(is_active=True).first()
    client.force_login(st.worker1)
    response = _post(client, household, need="楼道灯坏了", category=category.pk)
    assert response.status_code == 302
    visit = Visit.objects.get()
    order = Order.objects.get()
    assert (order.channel, order.status) == (Channel.GRID_VISIT, Status.AWAITING_DISPATCH)
    assert order.area == household.area and order.resident_phone == household.phone
    assert order.placed_by == st.worker1 and order.description == "楼道灯坏了"
    assert VisitOrder.objects.get().visit == visit
    household.refresh_from_db()
    assert household.last_visit_at == visit.visited_at


def test_visit_without_category_keeps_the_need_as_an_item(client, st):
    household = st.household()
    client.force_login(st.worker1)
    assert _post(client, household, need="想参加老年大学").status_code == 302
    assert Visit.objects.get().need == "想参加老年大学"
    assert not Order.objects.exists()


def test_order_refused_means_no_visit_either(client, st):
    household = st.household(phone="")
    category = Category.objects.filter(is_active=True).first()
    client.force_login(st.worker1)
    page = _post(client, household, need="漏水", category=category.pk).content.decode()
    assert "没有登记联系电话" in page
    assert not Visit.objects.exists() and not Order.objects.exists()


def test_category_without_need_is_a_form_error(client, st):
    household = st.household()
    category = Category.objects.filter(is_active=True).first()
    client.force_login(st.worker1)
    page = _post(client, household, category=category.pk).content.decode()
    assert "转为工单时请填写发现的需求" in page
    assert not Visit.objects.exists()


def test_visit_outside_scope_is_404(client, st):
    theirs = st.household(area=st.compound2)
    client.force_login(st.worker1)
    assert client.get(f"/staff/visits/{theirs.pk}/").status_code == 404
    assert _post(client, theirs).status_code == 404
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "bad", [{"kind": "x"}, {"found": ""}, {"category": "abc"}, {"urgency": "?"}]
)
def test_bad_input_changes_nothing(client, st, bad):
    household = st.household()
    client.force_login(st.worker1)
    assert _post(client, household, **bad).status_code == 200
    assert not Visit.objects.exists()
