"""The dispute flow as a lifecycle table, walked exhaustively; the four-colour list; red
disputes tell the street at once."""

from __future__ import annotations

import pytest

from grids.disputes import selectors, services
from grids.disputes.lifecycle import (
    MOVES,
    OPEN,
    Colour,
    DisputeAction,
    DisputeStatus,
    allowed_actions,
)
from grids.models import Dispute, DisputeEvent
from orders.models import OutboxMessage
from tests.grids.visit_helpers import build_street

pytestmark = pytest.mark.django_db

STEPS = [
    DisputeStatus.SCREENED,
    DisputeStatus.ASSESSED,
    DisputeStatus.ASSIGNED,
    DisputeStatus.HANDLED,
    DisputeStatus.EVALUATED,
]


@pytest.fixture
def st():
    return build_street()


def report(st, *, colour=Colour.YELLOW, area=None, actor=None):
    return services.dispute_report(
        actor=actor or st.worker1,
        area=area or st.compound1,
        title="楼上漏水邻里纠纷",
        description="两户因漏水赔偿争执",
        colour=colour,
        colour_reason="有争吵，尚未动手",
    )


def perform(st, action: str, dispute: Dispute) -> Dispute:
    kw = {"dispute_id": dispute.pk, "actor": st.dispatcher}
    if action == DisputeAction.ASSESS:
        return services.dispute_assess(colour=Colour.ORANGE, reason="研判为橙色", **kw)
    if action == DisputeAction.ASSIGN:
        return services.dispute_assign(level="community", assignee="人民调解委员会", **kw)
    if action == DisputeAction.HANDLE:
        return services.dispute_handle(note="调解达成协议", **kw)
    if action == DisputeAction.EVALUATE:
        return services.dispute_evaluate(outcome="双方满意", **kw)
    assert action == DisputeAction.REGRADE
    new = Colour.BLUE if dispute.colour != Colour.BLUE else Colour.YELLOW
    return services.dispute_regrade(colour=new, reason="情况缓和", **kw)


def drive_to(st, status: str) -> Dispute:
    dispute = report(st)
    order = [
        DisputeAction.ASSESS,
        DisputeAction.ASSIGN,
        DisputeAction.HANDLE,
        DisputeAction.EVALUATE,
    ]
    for step, action in zip(STEPS[1:], order, strict=True):
        if dispute.status == status:
            break
        dispute = perform(st, action, dispute)
    assert dispute.status == status
    return Dispute.objects.get(pk=dispute.pk)


def test_the_table_covers_every_status_and_action():
    assert set(STEPS) == set(DisputeStatus.values)
    assert set(MOVES) == set(DisputeAction.values) - {DisputeAction.REPORT}
    assert OPEN == set(STEPS) - {DisputeStatus.EVALUATED}
    assert allowed_actions(DisputeStatus.EVALUATED) == []


@pytest.mark.parametrize("status", STEPS)
@pytest.mark.parametrize("action", list(MOVES))
def test_every_action_from_every_status(st, status, action):
    dispute = drive_to(st, status)
    events_before = DisputeEvent.objects.filter(dispute=dispute).count()
    sources, targets = MOVES[action]
    if status in sources:
        moved = perform(st, action, dispute)
        assert moved.status in targets
        assert DisputeEvent.objects.filter(dispute=dispute).count() == events_before + 1
        last = DisputeEvent.objects.filter(dispute=dispute).last()
        assert (last.action, last.from_status, last.to_status) == (action, status, moved.status)
    else:
        with pytest.raises(services.DisputeError) as caught:
            perform(st, action, dispute)
        assert caught.value.code == "bad_move"
        assert DisputeEvent.objects.filter(dispute=dispute).count() == events_before
        assert Dispute.objects.get(pk=dispute.pk).status == status


def test_full_flow_records_each_step_as_an_event(st):
    dispute = drive_to(st, DisputeStatus.EVALUATED)
    assert list(dispute.events.values_list("to_status", flat=True)) == STEPS
    assert dispute.outcome == "双方满意" and dispute.assignee == "人民调解委员会"


def test_a_grid_worker_may_report_and_handle_but_not_assess(st):
    dispute = report(st)
    with pytest.raises(services.DisputeError) as caught:
        services.dispute_assess(dispute_id=dispute.pk, actor=st.worker1, colour=1, reason="x")
    assert caught.value.code == "forbidden"
    with pytest.raises(services.DisputeError):
        report(st, area=st.compound2)  # not the worker's grid
    assert Dispute.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("colour", 7, "bad_colour"), ("colour", "red", "bad_colour"), ("title", " ", "required")],
)
def test_bad_report_changes_nothing(st, field, value, code):
    kwargs = dict(
        actor=st.worker1,
        area=st.compound1,
        title="t",
        description="d",
        colour=Colour.BLUE,
        colour_reason="r",
    )
    kwargs[field] = value
    with pytest.raises(services.DisputeError) as caught:
        services.dispute_report(**kwargs)
    assert caught.value.code == code
    assert not Dispute.objects.exists()


def test_red_tells_the_street_at_once_and_only_once(st):
    report(st, colour=Colour.RED)
    messages = list(OutboxMessage.objects.filter(template="dispute_red"))
    assert [m.recipient for m in messages] == ["s1"]
    dispute = report(st, colour=Colour.YELLOW)
    assert OutboxMessage.objects.filter(template="dispute_red").count() == 1
    services.dispute_regrade(dispute_id=dispute.pk, actor=st.dispatcher, colour=1, reason="升级")
    assert OutboxMessage.objects.filter(template="dispute_red").count() == 2
    # Assessing a red one as red again is no news.
    services.dispute_assess(dispute_id=dispute.pk, actor=st.dispatcher, colour=1, reason="确认")
    assert OutboxMessage.objects.filter(template="dispute_red").count() == 2


def test_regrade_to_the_same_colour_is_refused(st):
    dispute = report(st, colour=Colour.BLUE)
    with pytest.raises(services.DisputeError):
        services.dispute_regrade(dispute_id=dispute.pk, actor=st.dispatcher, colour=4, reason="x")


def test_risk_list_sorted_by_colour_and_scoped(st, django_assert_num_queries):
    blue = report(st, colour=Colour.BLUE)
    red = report(st, colour=Colour.RED)
    orange = report(st, colour=Colour.ORANGE, area=st.compound2, actor=st.worker2)
    report(st, colour=Colour.RED, area=st.other_compound, actor=st.other_worker)
    selectors.colour_counts(user=st.dispatcher)
    with django_assert_num_queries(1):
        rows = selectors.risk_list(user=st.dispatcher)
    assert [d.pk for d in rows] == [red.pk, orange.pk, blue.pk]
    assert [d.pk for d in selectors.risk_list(user=st.worker1)] == [red.pk, blue.pk]
    counts = {c["colour"]: c["n"] for c in selectors.colour_counts(user=st.official)}
    assert counts == {1: 2, 2: 1, 3: 0, 4: 1}


def test_pages(client, st, django_assert_max_num_queries):
    dispute = report(st, colour=Colour.RED)
    theirs = report(st, area=st.compound2, actor=st.worker2)
    client.force_login(st.worker1)
    client.get("/grids/disputes/")
    with django_assert_max_num_queries(9):
        page = client.get("/grids/disputes/").content.decode()
    assert dispute.title in page and 'data-colour="1"' in page
    assert client.get(f"/grids/disputes/{theirs.pk}/").status_code == 404
    assert client.post(f"/grids/disputes/{theirs.pk}/handle/", {"note": "x"}).status_code == 404
    page = client.get(f"/grids/disputes/{dispute.pk}/").content.decode()
    assert 'data-action="assess"' not in page  # a worker may not assess
    client.force_login(st.dispatcher)
    with django_assert_max_num_queries(10):
        page = client.get(f"/grids/disputes/{dispute.pk}/").content.decode()
    assert 'data-action="assess"' in page
    response = client.post(
        f"/grids/disputes/{dispute.pk}/assess/", {"colour": "2", "reason": "缓和"}
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.colour) == (DisputeStatus.ASSESSED, Colour.ORANGE)
    # A wrong step or bad input is a message, not an error page.
    client.post(f"/grids/disputes/{dispute.pk}/evaluate/", {"outcome": "x"})
    client.post(f"/grids/disputes/{dispute.pk}/assign/", {"level": "moon", "assignee": "x"})
    assert Dispute.objects.get(pk=dispute.pk).status == DisputeStatus.ASSESSED
    assert client.post(f"/grids/disputes/{dispute.pk}/nope/").status_code == 404
    assert client.get("/grids/disputes/?community=HX02").status_code == 404


def test_register_page(client, st):
    client.force_login(st.worker1)
    assert client.get("/grids/disputes/new/?area=HX01-1-A").status_code == 200
    response = client.post(
        "/grids/disputes/new/",
        {
            "area": "HX01-1-A",
            "title": "t",
            "description": "d",
            "colour": "3",
            "colour_reason": "r",
            "source": "order",
            "order_reference": "LX-1",
        },
    )
    assert response.status_code == 302
    assert Dispute.objects.get().order_reference == "LX-1"
    bad = client.post("/grids/disputes/new/", {"area": "HX01-2-A", "title": "t"})
    assert bad.status_code == 200
    assert Dispute.objects.count() == 1
