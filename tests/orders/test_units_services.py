"""The co-building alliance's writer and reads: matching by category, community and
capacity; the project lifecycle walked from every status; the monthly rotation and the
tier-3 suggestions; reconciliation locking (docs/units.md)."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from core import clock
from grids.models import UnitKind
from orders import services as order_services
from orders.calendar import SHANGHAI
from orders.lifecycle import Tier
from orders.models import Category, Order
from orders.units.suggest import tier3_suggestions
from parties.units import selectors, services
from parties.units.lifecycle import MOVES, DemandStatus, UnitProjectAction, UnitProjectStatus
from parties.units.models import PartyOrg, Reconciliation, UnitProject
from parties.units.services import UnitError
from tests.orders.units_helpers import demand, project, resource, second_unit

TODAY = datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)
MARCH = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _march():
    with clock.travel_to(TODAY):
        yield


# --- matching -------------------------------------------------------------------------------


def test_matching_goes_by_category_community_validity_and_capacity(world):
    wanted = resource(world, capacity=2)
    bigger_unit, _l = second_unit(world)
    bigger = resource(world, unit=bigger_unit, title="家庭医生上门", capacity=5)
    resource(world, title="路灯维修", category="facility")
    resource(world, title="过期的助老服务", valid_until=dt.date(2026, 2, 28))
    resource(world, title="别的社区的助老", communities=[world.community], capacity=1)
    other = resource(world, title="只给西湖社区", capacity=9)
    other.communities.set([world.other_community])

    rows = selectors.matching_resources(
        community=world.community, category_code="elderly", day=TODAY.date()
    )

    assert [(r.title, left) for r, left in rows] == [
        ("家庭医生上门", 5),
        ("助老上门服务", 2),
        ("别的社区的助老", 1),
    ]
    project(world, wanted, capacity_used=2)
    project(world, bigger, capacity_used=1)
    rows = selectors.matching_resources(
        community=world.community, category_code="elderly", day=TODAY.date()
    )
    assert [(r.title, left) for r, left in rows] == [("家庭医生上门", 4), ("别的社区的助老", 1)]


def test_a_match_beyond_the_months_capacity_is_refused_and_writes_nothing(world):
    res = resource(world, capacity=2)
    item = demand(world)
    project(world, res, capacity_used=2)

    with pytest.raises(UnitError) as refused:
        project(world, res, demand=item)
    assert refused.value.code == "no_capacity"
    item.refresh_from_db()
    assert item.status == DemandStatus.OPEN
    assert UnitProject.objects.count() == 1


def test_capacity_is_per_month_and_a_cancelled_project_frees_it(world):
    res = resource(world, capacity=1)
    first = project(world, res)
    assert selectors.remaining_capacity(resources=[res], month=MARCH)[res.pk] == 0
    services.project_cancel(project_id=first.pk, actor=world.dispatcher, reason="居民已另行解决")
    assert selectors.remaining_capacity(resources=[res], month=MARCH)[res.pk] == 1
    with clock.travel_to(datetime(2026, 4, 2, 9, 0, tzinfo=SHANGHAI)):
        project(world, res)
    assert selectors.remaining_capacity(resources=[res], month=MARCH)[res.pk] == 1


def test_matching_a_demand_makes_a_project_and_marks_the_demand(world):
    res = resource(world)
    item = demand(world)
    made = project(world, res, demand=item)
    item.refresh_from_db()
    assert item.status == DemandStatus.MATCHED
    assert (made.unit, made.resource, made.demand, made.status) == (
        world.unit,
        res,
        item,
        UnitProjectStatus.PLANNED,
    )
    with pytest.raises(UnitError) as again:
        project(world, res, demand=item)
    assert again.value.code == "not_open"


def test_only_the_communitys_dispatchers_match_and_list_demands(world):
    from tests.orders.units_helpers import second_unit

    res = resource(world)
    # A liaison claims only with their own unit's resources (test_units_pages covers the
    # claim itself): another unit's liaison is refused.
    _unit, other_liaison = second_unit(world)
    with pytest.raises(UnitError):
        services.project_create(
            actor=other_liaison,
            resource_id=res.pk,
            community=world.community,
            title="x",
            description="y",
            due_date=TODAY.date(),
        )
    with pytest.raises(UnitError):
        services.demand_create(
            actor=world.other_dispatcher,
            community=world.community,
            title="x",
            description="y",
            category_code="elderly",
            source="survey",
        )


def test_a_demand_from_an_order_must_name_it(world):
    with pytest.raises(UnitError) as refused:
        services.demand_create(
            actor=world.dispatcher,
            community=world.community,
            title="x",
            description="y",
            category_code="elderly",
            source="order",
        )
    assert refused.value.code == "no_order"


# --- the project lifecycle, every action from every status -------------------------------------


def _in_status(world, status):
    res = resource(world, capacity=50)
    made = project(world, res)
    if status in (UnitProjectStatus.IN_PROGRESS, UnitProjectStatus.DONE):
        services.project_start(project_id=made.pk, actor=world.unit_liaison)
    if status == UnitProjectStatus.DONE:
        services.project_complete(project_id=made.pk, actor=world.unit_liaison, result="已完成")
    if status == UnitProjectStatus.CANCELLED:
        services.project_cancel(project_id=made.pk, actor=world.dispatcher, reason="重复")
    made.refresh_from_db()
    assert made.status == status
    return made


CALLS = {
    UnitProjectAction.START: lambda pk, who: services.project_start(project_id=pk, actor=who),
    UnitProjectAction.PROGRESS: lambda pk, who: services.project_progress(
        project_id=pk, actor=who, note="已完成一半"
    ),
    UnitProjectAction.COMPLETE: lambda pk, who: services.project_complete(
        project_id=pk, actor=who, result="全部完成"
    ),
    UnitProjectAction.CANCEL: lambda pk, who: services.project_cancel(
        project_id=pk, actor=who, reason="不再需要"
    ),
}


@pytest.mark.parametrize("status", UnitProjectStatus.values)
@pytest.mark.parametrize("action", list(CALLS))
def test_every_action_from_every_status(world, status, action):
    made = _in_status(world, status)
    sources, targets = MOVES[action]
    events_before = made.events.count()
    who = world.dispatcher
    if status in sources:
        CALLS[action](made.pk, who)
        made.refresh_from_db()
        assert made.status in targets
        assert made.events.count() == events_before + 1
        assert made.events.last().action == action
    else:
        with pytest.raises(UnitError) as refused:
            CALLS[action](made.pk, who)
        assert refused.value.code == "bad_move"
        made.refresh_from_db()
        assert made.status == status
        assert made.events.count() == events_before


def test_the_owner_units_liaison_reports_but_another_unit_cannot(world):
    made = project(world, resource(world))
    _other, other_liaison = second_unit(world)
    with pytest.raises(UnitError):
        services.project_start(project_id=made.pk, actor=other_liaison)
    services.project_start(project_id=made.pk, actor=world.unit_liaison)
    with pytest.raises(UnitError):
        services.project_cancel(project_id=made.pk, actor=world.unit_liaison, reason="x")


def test_completion_needs_a_public_result_in_the_database_too(world):
    made = _in_status(world, UnitProjectStatus.IN_PROGRESS)
    with pytest.raises(UnitError):
        services.project_complete(project_id=made.pk, actor=world.unit_liaison, result="  ")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitProject.objects.filter(pk=made.pk).update(status=UnitProjectStatus.DONE)


def test_residents_evaluate_once_per_proved_phone_and_only_when_done(world):
    made = _in_status(world, UnitProjectStatus.IN_PROGRESS)
    with pytest.raises(UnitError) as early:
        services.project_evaluate(project_id=made.pk, phone="13800138000", rating="satisfied")
    assert early.value.code == "not_done"
    services.project_complete(project_id=made.pk, actor=world.unit_liaison, result="好了")
    with pytest.raises(UnitError) as unproved:
        services.project_evaluate(project_id=made.pk, phone="", rating="satisfied")
    assert unproved.value.code == "unverified"
    services.project_evaluate(project_id=made.pk, phone="13800138000", rating="satisfied")
    with pytest.raises(UnitError) as twice:
        services.project_evaluate(project_id=made.pk, phone="13800138000", rating="basic")
    assert twice.value.code == "already"
    assert selectors.evaluation_summary(project=made) == {"satisfied": 1}


# --- rotation and tier-3 suggestions ------------------------------------------------------------


def test_rotation_is_editable_ahead_but_not_for_past_months(world):
    services.rotation_set(
        actor=world.dispatcher, community=world.community, month=MARCH, unit_ids=[world.unit.pk]
    )
    april = dt.date(2026, 4, 1)
    services.rotation_set(
        actor=world.dispatcher, community=world.community, month=april, unit_ids=[world.unit.pk]
    )
    assert selectors.duty_unit_ids(community_id=world.community.pk, month=april) == {world.unit.pk}
    services.rotation_set(
        actor=world.dispatcher, community=world.community, month=april, unit_ids=[]
    )
    assert selectors.duty_unit_ids(community_id=world.community.pk, month=april) == set()
    with pytest.raises(UnitError) as past:
        services.rotation_set(
            actor=world.dispatcher,
            community=world.community,
            month=dt.date(2026, 2, 1),
            unit_ids=[],
        )
    assert past.value.code == "past_month"


def test_rotation_takes_only_the_communitys_units_and_its_dispatchers(world):
    from grids.models import MemberUnit

    foreign = MemberUnit.objects.create(name="西湖小学", community=world.other_community)
    with pytest.raises(UnitError) as refused:
        services.rotation_set(
            actor=world.dispatcher, community=world.community, month=MARCH, unit_ids=[foreign.pk]
        )
    assert refused.value.code == "bad_unit"
    with pytest.raises(UnitError):
        services.rotation_set(
            actor=world.other_dispatcher, community=world.community, month=MARCH, unit_ids=[]
        )


def test_tier3_suggestions_put_on_duty_then_matching_units_first_with_their_load(
    world, django_assert_num_queries
):
    health, _l = second_unit(world, "区卫健局")
    school, _l2 = second_unit(world, "实验小学")
    police, _l3 = second_unit(world, "东湖派出所")
    elderly = Category.objects.get(code="elderly")
    resource(world, unit=health, title="家庭医生", capacity=4)
    resource(world, unit=police, title="反诈宣讲", category="hazard")
    services.rotation_set(
        actor=world.dispatcher, community=world.community, month=MARCH, unit_ids=[school.pk]
    )
    # world.unit (区城管局) carries two orders now; 东湖派出所 none.
    for _ in range(2):
        busy = world.place(category=elderly)
        order_services.order_dispatch(
            order_id=busy.pk, actor=world.dispatcher, tier=Tier.MEMBER_UNIT, handler_unit=world.unit
        )
    order = Order.objects.select_related("area", "category").get(
        pk=world.place(category=elderly).pk
    )

    with django_assert_num_queries(5):
        rows = tier3_suggestions(order=order)

    assert [(s.unit.name, s.on_duty, s.matches, s.load) for s in rows] == [
        ("实验小学", True, False, 0),
        ("区卫健局", False, True, 0),
        ("东湖派出所", False, False, 0),
        ("区城管局", False, False, 2),
    ]
    assert [(r.title, left) for r, left in rows[1].resources] == [("家庭医生", 4)]


# --- reconciliation locking ----------------------------------------------------------------------

FIGURES = dict.fromkeys(services.FIGURE_FIELDS, 0) | {"orders_received": 3}


def test_a_confirmed_month_is_locked_and_a_correction_is_a_new_entry(world):
    february = dt.date(2026, 2, 1)
    first = services.reconciliation_confirm(
        actor=world.dispatcher, unit=world.unit, month=february, figures=FIGURES
    )
    with pytest.raises(UnitError) as again:
        services.reconciliation_confirm(
            actor=world.dispatcher,
            unit=world.unit,
            month=february,
            figures=FIGURES | {"returned": 1},
        )
    assert again.value.code == "locked"
    first.refresh_from_db()
    assert (first.returned, first.sequence) == (0, 1)

    fixed = services.reconciliation_correct(
        actor=world.dispatcher,
        unit=world.unit,
        month=february,
        figures=FIGURES | {"returned": 1},
        reason="漏计一张退单",
    )
    assert (fixed.sequence, fixed.corrects, fixed.returned) == (2, first, 1)
    first.refresh_from_db()
    assert first.returned == 0
    assert Reconciliation.objects.filter(unit=world.unit, month=february).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Reconciliation.objects.create(
            unit=world.unit,
            month=february,
            sequence=1,
            confirmed_by=world.dispatcher,
            confirmed_at=TODAY,
            **FIGURES,
        )


def test_the_current_month_cannot_be_confirmed_yet(world):
    with pytest.raises(UnitError) as refused:
        services.reconciliation_confirm(
            actor=world.dispatcher, unit=world.unit, month=MARCH, figures=FIGURES
        )
    assert refused.value.code == "open_month"


def test_the_community_secretary_confirms_once_one_is_recorded(world):
    february = dt.date(2026, 2, 1)
    street_org = PartyOrg.objects.create(
        area=world.street, area_path=world.street.path, kind=1, name="罗星街道党工委"
    )
    PartyOrg.objects.create(
        area=world.community,
        area_path=world.community.path,
        kind=2,
        name="东湖社区党委",
        parent=street_org,
        secretary=world.street_official,
    )
    for nobody in (world.dispatcher, world.unit_liaison, world.other_dispatcher):
        with pytest.raises(UnitError) as refused:
            services.reconciliation_confirm(
                actor=nobody, unit=world.unit, month=february, figures=FIGURES
            )
        assert refused.value.code == "forbidden"
    services.reconciliation_confirm(
        actor=world.street_official, unit=world.unit, month=february, figures=FIGURES
    )


def test_profile_update_checks_kind_period_and_paired_areas(world):
    services.unit_profile_update(
        actor=world.dispatcher,
        unit_id=world.unit.pk,
        kind=UnitKind.GOVERNMENT,
        remit="市容环境",
        contact_name="李主任",
        contact_phone="0573-84123456",
        address="建设路1号",
        paired_area_ids=[world.compound.pk, world.other_community.pk],
        active_from=dt.date(2026, 1, 1),
        active_until=dt.date(2026, 12, 31),
    )
    world.unit.refresh_from_db()
    assert world.unit.kind == UnitKind.GOVERNMENT
    assert {c.code for c in selectors.unit_communities(unit=world.unit)} == {"LX01", "LX02"}
    with pytest.raises(UnitError):
        services.unit_profile_update(
            actor=world.dispatcher,
            unit_id=world.unit.pk,
            kind="spaceship",
            remit="",
            contact_name="",
            contact_phone="",
            address="",
            paired_area_ids=[],
            active_from=None,
            active_until=None,
        )
    with pytest.raises(UnitError):
        services.unit_profile_update(
            actor=world.unit_liaison,
            unit_id=world.unit.pk,
            kind=UnitKind.SCHOOL,
            remit="",
            contact_name="",
            contact_phone="",
            address="",
            paired_area_ids=[],
            active_from=None,
            active_until=None,
        )


def test_the_database_refuses_to_edit_or_delete_a_confirmed_month(world):
    entry = services.reconciliation_confirm(
        actor=world.dispatcher, unit=world.unit, month=dt.date(2026, 2, 1), figures=FIGURES
    )
    for write in (
        lambda: Reconciliation.objects.filter(pk=entry.pk).update(returned=9),
        lambda: Reconciliation.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            write()
    entry.refresh_from_db()
    assert entry.returned == 0
