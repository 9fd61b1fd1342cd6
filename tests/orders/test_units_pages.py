"""The co-building alliance's pages: what each role sees (scope), what a page costs in
queries, that bad input changes nothing, and the residents' wall (docs/units.md)."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

import pytest
from django.test import Client

from core import clock
from grids.models import MemberUnit
from orders import services as order_services
from orders.calendar import SHANGHAI
from orders.lifecycle import Tier
from parties.units import services
from parties.units.lifecycle import DemandStatus, UnitProjectStatus
from parties.units.models import DemandItem, Reconciliation, RotationDuty, UnitProject
from tests.orders.public_helpers import prove_phone
from tests.orders.units_helpers import demand, project, resource, second_unit

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _march():
    with clock.travel_to(NOW):
        yield


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alliance(world):
    """Two units of 东湖社区 with resources, a project each, a demand; a unit of 西湖社区."""
    other_unit, other_liaison = second_unit(world, "区卫健局")
    mine = project(world, resource(world, title="助老上门"))
    theirs = project(
        world, resource(world, unit=other_unit, title="家庭医生"), title="老年人健康体检"
    )
    foreign = MemberUnit.objects.create(name="西湖小学", community=world.other_community)
    return {
        "other_unit": other_unit,
        "other_liaison": other_liaison,
        "mine": mine,
        "theirs": theirs,
        "foreign": foreign,
        "demand": demand(world),
    }


# --- role × scope -----------------------------------------------------------------------------


# (who, url, status): a unit liaison sees only their own unit's pages; dispatchers their
# communities'; other roles none of it.
def _cases(world, alliance):
    unit, other, foreign = world.unit, alliance["other_unit"], alliance["foreign"]
    mine, theirs = alliance["mine"], alliance["theirs"]
    return [
        (world.unit_liaison, f"/staff/units/{unit.pk}/", 200),
        (world.unit_liaison, f"/staff/units/{other.pk}/", 404),
        (world.unit_liaison, f"/staff/unit-projects/{mine.pk}/", 200),
        (world.unit_liaison, f"/staff/unit-projects/{theirs.pk}/", 404),
        (world.unit_liaison, f"/staff/units/{unit.pk}/reconciliation/", 200),
        (world.unit_liaison, f"/staff/units/{other.pk}/reconciliation/", 404),
        (world.unit_liaison, f"/staff/units/{other.pk}/reconciliation.xlsx", 404),
        (world.unit_liaison, "/staff/demands/", 200),
        (world.unit_liaison, f"/staff/demands/{alliance['demand'].pk}/", 200),
        (world.unit_liaison, "/staff/rotation/", 404),
        (world.dispatcher, f"/staff/units/{other.pk}/", 200),
        (world.dispatcher, f"/staff/units/{foreign.pk}/", 404),
        (world.dispatcher, f"/staff/unit-projects/{theirs.pk}/", 200),
        (world.dispatcher, f"/staff/demands/{alliance['demand'].pk}/", 200),
        (world.other_dispatcher, f"/staff/demands/{alliance['demand'].pk}/", 404),
        (world.other_dispatcher, f"/staff/unit-projects/{mine.pk}/", 404),
        (world.other_dispatcher, f"/staff/units/{unit.pk}/reconciliation/", 404),
        (world.street_official, f"/staff/units/{foreign.pk}/", 200),
        (world.property_manager, "/staff/units/", 404),
        (world.property_manager, f"/staff/unit-projects/{mine.pk}/", 404),
        (world.grid_leader, "/staff/unit-projects/", 404),
    ]


def test_role_by_scope_table(world, alliance):
    for user, url, status in _cases(world, alliance):
        assert login(user).get(url).status_code == status, (user.username, url)


def test_a_liaison_claims_an_open_demand_with_their_units_resource(world, alliance):
    """认领 (issue 12): a liaison sees the open demand items of the communities their unit
    serves, matches one with their own unit's resource only, and the project is theirs."""
    need = alliance["demand"]
    elsewhere = services.demand_create(
        actor=world.other_dispatcher,
        community=world.other_community,
        title="西湖社区的需求",
        description="d",
        category_code="elderly",
        source="survey",
    )
    own = resource(world, title="助老理发", capacity=2)
    theirs = resource(world, unit=alliance["other_unit"], title="别家资源", capacity=5)
    client = login(world.unit_liaison)
    listing = client.get("/staff/demands/").content.decode()
    assert need.title in listing and "西湖社区的需求" not in listing
    assert "列入需求清单" not in listing  # listing new needs stays with the dispatchers
    page = client.get(f"/staff/demands/{need.pk}/").content.decode()
    assert f'data-resource="{own.pk}"' in page and f'data-resource="{theirs.pk}"' not in page
    assert "关闭需求" not in page
    assert client.get(f"/staff/demands/{elsewhere.pk}/").status_code == 404
    form = {
        "title": "理发上门",
        "description": "每月一次",
        "due_date": (clock.today() + dt.timedelta(days=10)).isoformat(),
        "capacity_used": 1,
    }
    # Another unit's resource is refused and changes nothing.
    refused = client.post(f"/staff/demands/{need.pk}/match/", form | {"resource": theirs.pk})
    assert refused.status_code == 200
    need.refresh_from_db()
    assert need.status == DemandStatus.OPEN
    response = client.post(f"/staff/demands/{need.pk}/match/", form | {"resource": own.pk})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == DemandStatus.MATCHED and need.project.unit == world.unit
    # The service refuses a liaison outside the communities their unit serves.
    with pytest.raises(services.UnitError):
        services.project_create(
            actor=world.unit_liaison,
            resource_id=own.pk,
            community=world.other_community,
            title="t",
            description="d",
            due_date=clock.today() + dt.timedelta(days=5),
        )


def test_a_liaison_lists_only_their_units_projects_and_orders(world, alliance):
    client = login(world.unit_liaison)
    page = client.get("/staff/unit-projects/").content.decode()
    assert alliance["mine"].title in page and alliance["theirs"].title not in page
    assert client.get("/staff/units/").url == f"/staff/units/{world.unit.pk}/"

    from orders.selectors import orders_for_user

    theirs = world.place()
    order_services.order_dispatch(
        order_id=theirs.pk,
        actor=world.dispatcher,
        tier=Tier.MEMBER_UNIT,
        handler_unit=alliance["other_unit"],
    )
    ours = world.place()
    order_services.order_dispatch(
        order_id=ours.pk, actor=world.dispatcher, tier=Tier.MEMBER_UNIT, handler_unit=world.unit
    )
    unassigned = world.place()
    seen = set(orders_for_user(user=world.unit_liaison).values_list("pk", flat=True))
    assert seen == {ours.pk}
    assert client.get(f"/staff/orders/{theirs.pk}/").status_code == 404
    assert client.get(f"/staff/orders/{unassigned.pk}/").status_code == 404
    assert client.get(f"/staff/orders/{ours.pk}/").status_code == 200


# --- query budgets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "url", "budget"),
    [
        ("dispatcher", "/staff/units/", 7),
        ("dispatcher", "/staff/units/{unit}/", 16),
        ("unit_liaison", "/staff/units/{unit}/", 14),
        ("dispatcher", "/staff/demands/", 9),
        ("dispatcher", "/staff/demands/{demand}/", 11),
        ("dispatcher", "/staff/unit-projects/", 7),
        ("unit_liaison", "/staff/unit-projects/{project}/", 10),
        ("dispatcher", "/staff/rotation/", 10),
        ("unit_liaison", "/staff/units/{unit}/reconciliation/", 12),
        ("dispatcher", "/staff/units/{unit}/reconciliation.xlsx", 10),
    ],
)
def test_pages_stay_within_their_query_budget(
    world, alliance, django_assert_max_num_queries, who, url, budget
):
    # More rows do not cost more queries.
    for n in range(3):
        project(world, resource(world, title=f"资源{n}"))
        demand(world, title=f"需求{n}")
    url = url.format(unit=world.unit.pk, demand=alliance["demand"].pk, project=alliance["mine"].pk)
    client = login(getattr(world, who))
    client.get(url)  # warm the session
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


def test_public_pages_stay_within_their_query_budget(
    world, alliance, django_assert_max_num_queries
):
    made = alliance["mine"]
    services.project_start(project_id=made.pk, actor=world.unit_liaison, note="已排期")
    client = Client()
    with django_assert_max_num_queries(3):
        assert client.get(f"/c/{world.community.code}/units/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/c/{world.community.code}/units/{made.pk}/").status_code == 200


# --- the pages' writes ------------------------------------------------------------------------


def test_a_dispatcher_lists_a_demand_from_an_order_and_matches_it(world, alliance):
    client = login(world.dispatcher)
    order = world.place(description="希望有人上门给独居老人理发")
    response = client.post(
        "/staff/demands/",
        {
            "community": world.community.code,
            "title": "上门理发",
            "description": "独居老人",
            "category": "elderly",
            "source": "order",
            "order_reference": order.reference,
        },
    )
    item = DemandItem.objects.get(title="上门理发")
    assert response.url == f"/staff/demands/{item.pk}/"
    assert item.order_reference == order.reference
    page = client.get(f"/staff/demands/{item.pk}/").content.decode()
    assert "助老上门" in page and "家庭医生" in page
    res = UnitProject.objects.get(pk=alliance["mine"].pk).resource
    response = client.post(
        f"/staff/demands/{item.pk}/match/",
        {
            "resource": res.pk,
            "title": "上门理发",
            "description": "每月一次",
            "due_date": "2026-03-31",
            "capacity_used": 1,
        },
    )
    made = UnitProject.objects.get(demand=item)
    assert response.url == f"/staff/unit-projects/{made.pk}/"
    assert made.order_reference == order.reference


def test_bad_demand_input_changes_nothing(world, alliance):
    client = login(world.dispatcher)
    before = DemandItem.objects.count()
    for data in (
        {"source": "order", "order_reference": "LX-19990101-0001"},
        {"source": "order", "order_reference": "\x00' OR 1=1"},
        {"source": "visit", "visit_id": "99999"},
        {"source": "meeting", "meeting_id": "abc"},
        {"source": "nonsense"},
    ):
        base = {
            "community": world.community.code,
            "title": "t",
            "description": "d",
            "category": "elderly",
        }
        response = client.post("/staff/demands/", base | data)
        assert response.status_code == 200
    # An order of another community is not a source for this one.
    other = world.place(area=world.other_microgrid)
    response = client.post(
        "/staff/demands/",
        {
            "community": world.community.code,
            "title": "t",
            "description": "d",
            "category": "elderly",
            "source": "order",
            "order_reference": other.reference,
        },
    )
    assert "找不到本社区的这张工单" in response.content.decode()
    assert DemandItem.objects.count() == before


def test_a_match_over_capacity_says_so(world, alliance):
    client = login(world.dispatcher)
    res = resource(world, title="仅一次", capacity=1)
    project(world, res)
    item = alliance["demand"]
    response = client.post(
        f"/staff/demands/{item.pk}/match/",
        {
            "resource": res.pk,
            "title": "x",
            "description": "y",
            "due_date": "2026-03-31",
            "capacity_used": 1,
        },
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == DemandStatus.OPEN


def test_rotation_page_saves_ahead_and_refuses_the_past(world, alliance):
    client = login(world.dispatcher)
    response = client.post(
        f"/staff/rotation/?community={world.community.code}&month=2026-04",
        {"unit": [world.unit.pk]},
    )
    assert response.status_code == 302
    assert RotationDuty.objects.filter(month=dt.date(2026, 4, 1), unit=world.unit).exists()
    client.post(
        f"/staff/rotation/?community={world.community.code}&month=2026-01",
        {"unit": [world.unit.pk]},
    )
    client.post(
        f"/staff/rotation/?community={world.community.code}&month=2026-05",
        {"unit": ["x"]},
    )
    assert RotationDuty.objects.count() == 1
    for bad in ("2026-13", "0001-01", "9999-12", "x" * 300):
        page = client.get(f"/staff/rotation/?community={world.community.code}&month={bad}")
        assert page.status_code == 200 and "月份格式应为" in page.content.decode()
        page = client.get(f"/staff/units/{world.unit.pk}/reconciliation/?month={bad}")
        assert page.status_code == 200 and "月份格式应为" in page.content.decode()


def test_reconciliation_page_confirm_locks_and_xlsx_downloads(world, alliance):
    client = login(world.dispatcher)
    url = f"/staff/units/{world.unit.pk}/reconciliation/"
    assert "未确认" in client.get(url + "?month=2026-02").content.decode()
    client.post(url + "confirm/?month=2026-02")
    assert "已确认，已锁定" in client.get(url + "?month=2026-02").content.decode()
    client.post(url + "confirm/?month=2026-02")  # a second confirmation is refused
    assert Reconciliation.objects.filter(unit=world.unit).count() == 1
    client.post(url + "confirm/?month=2026-02", {"correct": "1", "reason": ""})
    assert Reconciliation.objects.filter(unit=world.unit).count() == 1
    client.post(url + "confirm/?month=2026-02", {"correct": "1", "reason": "补录"})
    assert Reconciliation.objects.filter(unit=world.unit).count() == 2
    client.post(url + "confirm/?month=2026-03")  # the month is not over
    assert not Reconciliation.objects.filter(month=dt.date(2026, 3, 1)).exists()
    # A liaison reads the page but cannot confirm.
    login(world.unit_liaison).post(url + "confirm/?month=2026-01")
    assert not Reconciliation.objects.filter(month=dt.date(2026, 1, 1)).exists()
    response = client.get(f"/staff/units/{world.unit.pk}/reconciliation.xlsx?month=2026-02")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_the_unit_reports_progress_and_residents_see_and_evaluate_it(world, alliance):
    made = alliance["mine"]
    liaison = login(world.unit_liaison)
    liaison.post(f"/staff/unit-projects/{made.pk}/start/", {"note": "已联系理发师"})
    liaison.post(f"/staff/unit-projects/{made.pk}/progress/", {"note": "第一批 5 位老人已理发"})
    resident = Client()
    wall = resident.get(f"/c/{world.community.code}/units/").content.decode()
    assert made.title in wall and alliance["theirs"].title not in wall  # planned: not yet public
    detail = resident.get(f"/c/{world.community.code}/units/{made.pk}/").content.decode()
    assert "第一批 5 位老人已理发" in detail and "liaison" not in detail
    liaison.post(f"/staff/unit-projects/{made.pk}/complete/", {"note": "12 位老人理发完毕"})
    made.refresh_from_db()
    assert made.status == UnitProjectStatus.DONE
    # Without a proved phone nobody evaluates — staff included.
    for client in (resident, login(world.dispatcher)):
        client.post(f"/c/{world.community.code}/units/{made.pk}/", {"rating": "satisfied"})
    assert made.evaluations.count() == 0
    prove_phone(resident)
    resident.post(f"/c/{world.community.code}/units/{made.pk}/", {"rating": "satisfied"})
    resident.post(f"/c/{world.community.code}/units/{made.pk}/", {"rating": "dissatisfied"})
    assert list(made.evaluations.values_list("rating", flat=True)) == ["satisfied"]
    page = resident.get(f"/c/{world.community.code}/units/{made.pk}/").content.decode()
    assert "12 位老人理发完毕" in page and "13800138000" not in page


def test_the_dispatch_form_suggests_on_duty_and_matching_units_at_tier_3(world, alliance):
    services.rotation_set(
        actor=world.dispatcher,
        community=world.community,
        month=dt.date(2026, 3, 1),
        unit_ids=[alliance["other_unit"].pk],
    )
    order = world.place()
    client = login(world.dispatcher)
    page = client.get(f"/staff/orders/{order.pk}/?tier=3", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert 'data-testid="unit-suggestions"' in html
    # The on-duty unit is offered first in the suggestions and in the select.
    assert html.index("区卫健局") < html.index("区城管局")
    assert f"/staff/demands/?order={order.reference}" in html  # or list it as a demand
    tier1 = client.get(f"/staff/orders/{order.pk}/?tier=1", HTTP_HX_REQUEST="true")
    assert 'data-testid="unit-suggestions"' not in tier1.content.decode()


def test_profile_form_and_resource_form_refuse_bad_input(world, alliance):
    client = login(world.dispatcher)
    url = f"/staff/units/{world.unit.pk}/"
    response = client.post(url, {"kind": "spaceship"})
    assert response.status_code == 200
    world.unit.refresh_from_db()
    assert world.unit.kind == "other"
    response = client.post(
        url,
        {
            "kind": "school",
            "active_from": "2026-05-01",
            "active_until": "2026-01-01",
        },
    )
    assert "共建截止日期不能早于起始日期" in response.content.decode()
    count = world.unit.resources.count()
    liaison = login(world.unit_liaison)
    response = liaison.post(
        f"/staff/units/{world.unit.pk}/resources/",
        {
            "title": "x",
            "category": "elderly",
            "capacity": "0",
            "valid_from": "2026-03-01",
            "communities": [world.other_community.pk],
        },
    )
    assert response.status_code == 200
    assert world.unit.resources.count() == count
    # The liaison may add to their own list but may not edit the unit's profile.
    assert liaison.post(url, {"kind": "school"}).status_code == 404
    response = liaison.post(
        f"/staff/units/{world.unit.pk}/resources/",
        {
            "title": "法律咨询",
            "category": "dispute",
            "capacity": "4",
            "valid_from": "2026-03-01",
            "communities": [world.community.pk],
        },
    )
    assert response.status_code == 302
    assert world.unit.resources.count() == count + 1
