"""Visit due dates, logging, the due list, coverage and the daily reminder."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core import clock
from grids.models import DEFAULT_VISIT_EVERY_DAYS, AreaLevel, CareCategory, Household
from grids.visits import due, selectors, services
from grids.visits.reminders import reminder_key, send_visit_reminders
from orders.models import OutboxMessage
from tests.grids.visit_helpers import NOW, build_street

pytestmark = pytest.mark.django_db


@pytest.fixture
def st():
    return build_street()


# --- due computation -----------------------------------------------------------


def test_interval_is_the_shortest_category_or_monthly():
    assert due.interval_days([]) == DEFAULT_VISIT_EVERY_DAYS == 30
    assert due.interval_days([7]) == 7
    assert due.interval_days([14, 7, 30]) == 7


def test_overdue_from_the_day_after_the_due_date():
    day = date(2026, 3, 18)
    assert not due.is_overdue(due=day, today=day)
    assert due.is_overdue(due=day - timedelta(days=1), today=day)
    assert due.days_overdue(due=day - timedelta(days=4), today=day) == 4
    assert due.days_overdue(due=day + timedelta(days=4), today=day) == 0


def test_new_household_is_due_one_interval_after_registration(st):
    plain = st.household(room="101")
    cared = st.household(room="102", care=[st.elderly])
    assert plain.visit_every_days == 30 and plain.next_visit_due == date(2026, 4, 17)
    assert cared.visit_every_days == 7 and cared.next_visit_due == date(2026, 3, 25)


def test_care_change_moves_the_due_date(st):
    household = st.household()
    fortnightly = CareCategory.objects.create(code="fortnight", name="两周", visit_every_days=14)
    services.household_set_care(household=household, care=[fortnightly, st.elderly])
    household.refresh_from_db()
    assert household.visit_every_days == 7
    assert household.next_visit_due == date(2026, 3, 25)
    services.household_set_care(household=household, care=[])
    household.refresh_from_db()
    assert (household.visit_every_days, household.next_visit_due) == (30, date(2026, 4, 17))


def test_a_visit_moves_the_due_date_and_records_lateness(st):
    household = st.household(care=[st.elderly])  # due 2026-03-25
    with clock.travel_to(NOW + timedelta(days=3)):
        early = services.visit_log(
            household_id=household.pk, worker=st.worker1, kind="door", found="身体还好"
        )
    household.refresh_from_db()
    assert early.on_time and household.next_visit_due == date(2026, 3, 28)
    with clock.travel_to(NOW + timedelta(days=20)):
        late = services.visit_log(
            household_id=household.pk, worker=st.worker1, kind="night", found="夜访"
        )
    household.refresh_from_db()
    assert not late.on_time and household.next_visit_due == date(2026, 4, 14)


def test_a_late_entry_of_an_older_visit_does_not_move_the_due_date_back(st):
    household = st.household()
    with clock.travel_to(NOW + timedelta(days=5)):
        services.visit_log(household_id=household.pk, worker=st.worker1, kind="door", found="a")
    services.visit_log(
        household_id=household.pk,
        worker=st.worker1,
        kind="phone",
        found="b",
        at=NOW + timedelta(days=1),
    )
    household.refresh_from_db()
    assert household.last_visit_at == NOW + timedelta(days=5)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "door", "found": "  "}, "required"),
        ({"kind": "teleport", "found": "x"}, "bad_kind"),
        ({"kind": "door", "found": "x" * 1001}, "too_long"),
    ],
)
def test_bad_visit_input_changes_nothing(st, kwargs, code):
    household = st.household()
    with pytest.raises(services.VisitError) as caught:
        services.visit_log(household_id=household.pk, worker=st.worker1, **kwargs)
    assert caught.value.code == code
    assert not household.visits.exists()


def test_a_worker_cannot_visit_outside_their_grid(st):
    household = st.household(area=st.compound2)
    with pytest.raises(services.VisitError):
        services.visit_log(household_id=household.pk, worker=st.worker1, kind="door", found="x")
    assert not household.visits.exists()


def test_household_only_on_compound_or_microgrid(st):
    with pytest.raises(services.VisitError):
        st.household(area=st.grid1)


# --- the due list ----------------------------------------------------------------


def test_due_list_overdue_first_and_scoped(st):
    soon = st.household(room="1", care=[st.elderly], at=NOW - timedelta(days=5))  # due +2
    late = st.household(room="2", care=[st.elderly], at=NOW - timedelta(days=9))  # 2 overdue
    later = st.household(room="3", care=[st.elderly], at=NOW - timedelta(days=12))  # 5 overdue
    st.household(room="4", at=NOW)  # due in 30 days: not listed
    st.household(area=st.compound2, room="9", care=[st.elderly], at=NOW - timedelta(days=20))
    with clock.travel_to(NOW):
        rows = selectors.due_households(user=st.worker1)
    assert [r.pk for r in rows] == [later.pk, late.pk, soon.pk]
    assert [r.overdue_days for r in rows] == [5, 2, 0]
    assert [r.is_overdue for r in rows] == [True, True, False]


def test_due_list_per_grid_for_the_community(st):
    st.household(room="1", care=[st.elderly], at=NOW - timedelta(days=9))
    in_grid2 = st.household(
        area=st.compound2, room="9", care=[st.elderly], at=NOW - timedelta(days=9)
    )
    with clock.travel_to(NOW):
        assert len(selectors.due_households(user=st.dispatcher)) == 2
        rows = selectors.due_households(user=st.dispatcher, grid=st.grid2)
    assert [r.pk for r in rows] == [in_grid2.pk]


# --- coverage, against hand-computed figures ----------------------------------------


def _visit(household, worker, at):
    services.visit_log(household_id=household.pk, worker=worker, kind="door", found="ok", at=at)


def test_coverage_per_worker_grid_and_community(st):
    # Today is 2026-03-18. Grid 1 has four households, grid 2 two, the other community one.
    start = timezone.make_aware(timezone.datetime(2026, 2, 1, 9, 0))
    g1 = [st.household(room=str(i), at=start) for i in range(4)]  # monthly, registered 1 Feb
    weekly = g1[3]
    services.household_set_care(household=weekly, care=[st.elderly])
    g2 = [st.household(area=st.compound2, room=str(i), at=start) for i in range(2)]
    st.household(area=st.other_compound, room="1", at=start)
    # g1[0]: visited in March, not overdue → covered.
    _visit(g1[0], st.worker1, NOW - timedelta(days=10))
    # g1[1]: visited only in February (due 2026-03-27, not overdue) → not covered this month.
    _visit(g1[1], st.worker1, timezone.make_aware(timezone.datetime(2026, 2, 25, 9, 0)))
    # g1[2]: never visited, overdue → not covered.
    # weekly: visited 2 March (due 9 March) → overdue now → not covered.
    _visit(weekly, st.worker1, timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0)))
    # g2[0] and g2[1] visited this month, both on time → both covered.
    for h in g2:
        _visit(h, st.worker2, NOW - timedelta(days=1))
    with clock.travel_to(NOW):
        by_grid = {
            r.code: (r.total, r.covered, r.percent)
            for r in selectors.coverage_by_area(user=st.dispatcher, level=AreaLevel.GRID)
        }
        by_worker = {
            r.label: (r.total, r.covered) for r in selectors.coverage_by_worker(user=st.dispatcher)
        }
        by_community = {
            r.code: (r.total, r.covered)
            for r in selectors.coverage_by_area(user=st.official, level=AreaLevel.COMMUNITY)
        }
        leader = selectors.coverage_by_worker(user=st.leader1)
    assert by_grid == {"HX01-1": (4, 1, 25), "HX01-2": (2, 2, 100)}
    assert by_worker == {"王小明 · 一网格": (4, 1), "王小明 · 二网格": (2, 2)}
    assert by_community == {"HX01": (6, 3), "HX02": (1, 0)}
    assert [(r.total, r.covered) for r in leader] == [(4, 1)]  # only the leader's grid


def test_coverage_is_one_query_per_table(st, django_assert_num_queries):
    for i in range(5):
        st.household(room=str(i))
    selectors.coverage_by_worker(user=st.official)  # warm the access cache
    with django_assert_num_queries(1):
        selectors.coverage_by_area(user=st.official, level=AreaLevel.GRID)
    with django_assert_num_queries(1):
        selectors.coverage_by_worker(user=st.official)


# --- the daily reminder ------------------------------------------------------------


def _overdue_households(st):
    st.household(room="1", care=[st.elderly], at=NOW - timedelta(days=9))
    st.household(room="2", care=[st.elderly], at=NOW - timedelta(days=10))
    st.household(area=st.compound2, room="1", at=NOW)  # grid 2: nothing overdue


def test_reminder_exactly_once_a_day_per_worker(st):
    _overdue_households(st)
    with clock.travel_to(NOW):
        assert send_visit_reminders() == 1
        assert send_visit_reminders() == 0
    with clock.travel_to(NOW + timedelta(hours=5)):
        assert send_visit_reminders() == 0
    messages = list(OutboxMessage.objects.filter(template="visit_reminder"))
    assert len(messages) == 1
    assert messages[0].recipient == "w1" and "2 户" in messages[0].body
    assert messages[0].dedupe_key == reminder_key(user_id=st.worker1.pk, day=date(2026, 3, 18))
    with clock.travel_to(NOW + timedelta(days=1)):
        assert send_visit_reminders() == 1
    assert OutboxMessage.objects.filter(template="visit_reminder").count() == 2


def test_no_reminder_before_the_morning_or_once_visited(st, settings):
    _overdue_households(st)
    early = NOW.replace(hour=settings.SIDAN_VISIT_REMINDER_HOUR - 1)
    with clock.travel_to(early):
        assert send_visit_reminders() == 0
    for household in Household.objects.filter(area=st.compound1):
        services.visit_log(
            household_id=household.pk, worker=st.worker1, kind="door", found="ok", at=early
        )
    with clock.travel_to(NOW):
        assert send_visit_reminders() == 0


def test_reminder_is_one_read_plus_one_insert_per_worker(st, django_assert_max_num_queries):
    _overdue_households(st)
    with clock.travel_to(NOW), django_assert_max_num_queries(5):
        send_visit_reminders()
