"""Deliberation meetings: the six steps walked exhaustively, votes, and the batch intake
(N orders placed and dispatched on the spot; per-row errors; nothing half-written)."""

from __future__ import annotations

from datetime import date

import pytest

from orders.lifecycle import Status
from orders.meetings import selectors, services
from orders.meetings.lifecycle import MOVES, STEPS, MeetingAction, MeetingStatus
from orders.models import Channel, Meeting, MeetingEvent, MeetingOrder, Order

pytestmark = pytest.mark.django_db


def new_meeting(world, **kw):
    return services.meeting_create(
        actor=world.dispatcher,
        community=world.community,
        title="三月党群议事会",
        held_on=date(2026, 3, 20),
        place="社区党建客厅",
        attendees="社区书记、居民代表 12 人、物业",
        **kw,
    )


def perform(world, action: str, meeting: Meeting) -> Meeting:
    kw = {"meeting_id": meeting.pk, "actor": world.dispatcher}
    if action == MeetingAction.FIX_TOPICS:
        if not meeting.topics.exists() and meeting.status == MeetingStatus.COLLECTING:
            services.topic_add(title="加装电梯", source="resident", **kw)
        return services.meeting_fix_topics(**kw)
    if action == MeetingAction.DELIBERATE:
        return services.meeting_deliberate(**kw)
    if action == MeetingAction.CLOSE_VOTE:
        if meeting.status == MeetingStatus.DELIBERATING:
            for topic in meeting.topics.all():
                services.topic_vote(
                    topic_id=topic.pk, actor=world.dispatcher, votes_for=9, against=2, abstain=1
                )
        return services.meeting_close_vote(**kw)
    if action == MeetingAction.PUBLISH:
        return services.meeting_publish(outcome="同意加装电梯，费用按户分摊。", **kw)
    assert action == MeetingAction.IMPLEMENT
    return services.meeting_implement(note="已联系施工单位", **kw)


def drive_to(world, status: str) -> Meeting:
    meeting = new_meeting(world)
    for action in MOVES:
        if meeting.status == status:
            break
        meeting = perform(world, action, meeting)
    assert meeting.status == status
    return Meeting.objects.get(pk=meeting.pk)


def test_the_table_has_six_steps_in_order():
    assert STEPS == list(MeetingStatus.values)
    for action, (sources, targets) in MOVES.items():
        (source,), (target,) = sources, targets
        assert STEPS.index(target) == STEPS.index(source) + 1, action


@pytest.mark.parametrize("status", STEPS)
@pytest.mark.parametrize("action", list(MOVES))
def test_every_action_from_every_step(world, status, action):
    meeting = drive_to(world, status)
    before = MeetingEvent.objects.filter(meeting=meeting).count()
    sources, targets = MOVES[action]
    if status in sources:
        moved = perform(world, action, meeting)
        assert moved.status in targets
        last = MeetingEvent.objects.filter(meeting=meeting).last()
        assert (last.action, last.from_status, last.to_status) == (action, status, moved.status)
    else:
        with pytest.raises(services.MeetingError):
            perform(world, action, meeting)
        assert MeetingEvent.objects.filter(meeting=meeting).count() == before
        assert Meeting.objects.get(pk=meeting.pk).status == status


def test_steps_refuse_without_their_preconditions(world):
    meeting = new_meeting(world)
    with pytest.raises(services.MeetingError) as caught:
        services.meeting_fix_topics(meeting_id=meeting.pk, actor=world.dispatcher)
    assert caught.value.code == "no_topics"
    services.topic_add(meeting_id=meeting.pk, actor=world.dispatcher, title="a", source="staff")
    services.topic_add(meeting_id=meeting.pk, actor=world.dispatcher, title="b", source="resident")
    services.meeting_fix_topics(meeting_id=meeting.pk, actor=world.dispatcher)
    with pytest.raises(services.MeetingError):  # topics are fixed now
        services.topic_add(meeting_id=meeting.pk, actor=world.dispatcher, title="c", source="staff")
    services.meeting_deliberate(meeting_id=meeting.pk, actor=world.dispatcher)
    first, second = meeting.topics.all()
    services.topic_vote(
        topic_id=first.pk, actor=world.dispatcher, votes_for=5, against=1, abstain=0
    )
    with pytest.raises(services.MeetingError) as caught:
        services.meeting_close_vote(meeting_id=meeting.pk, actor=world.dispatcher)
    assert caught.value.code == "unvoted"
    with pytest.raises(services.MeetingError):
        services.topic_vote(
            topic_id=second.pk, actor=world.dispatcher, votes_for=-1, against=0, abstain=0
        )
    services.topic_vote(
        topic_id=second.pk, actor=world.dispatcher, votes_for=1, against=6, abstain=2
    )
    services.meeting_close_vote(meeting_id=meeting.pk, actor=world.dispatcher)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.passed and not second.passed


def test_other_communitys_dispatcher_cannot_touch_it(world):
    meeting = new_meeting(world)
    with pytest.raises(services.MeetingError):
        services.topic_add(
            meeting_id=meeting.pk, actor=world.other_dispatcher, title="x", source="staff"
        )
    with pytest.raises(services.MeetingError):
        services.meeting_create(
            actor=world.other_dispatcher,
            community=world.community,
            title="t",
            held_on=date(2026, 3, 1),
            place="p",
            attendees="a",
        )


# --- batch intake ------------------------------------------------------------------


def _row(world, **kw):
    fields = dict(
        area=world.microgrid,
        category=world.category,
        description="楼道灯坏了",
        resident_phone="13800138001",
        resident_name="李",
    )
    fields.update(kw)
    return services.IntakeRow(**fields)


def test_batch_intake_places_and_dispatches_every_row(world):
    meeting = drive_to(world, MeetingStatus.DELIBERATING)
    rows = [_row(world, description=f"诉求 {i}") for i in range(3)]
    result = services.batch_intake(meeting_id=meeting.pk, actor=world.dispatcher, rows=rows)
    assert result.ok and len(result.orders) == 3
    orders = list(Order.objects.order_by("pk"))
    assert [o.status for o in orders] == [Status.AWAITING_SIGN] * 3
    assert {o.channel for o in orders} == {Channel.MEETING}
    assert {o.handler_user for o in orders} == {world.property_manager}
    assert [o.pk for o in selectors.meeting_orders(meeting=meeting)] == [o.pk for o in orders]


def test_one_bad_row_writes_nothing_and_says_which(world):
    meeting = drive_to(world, MeetingStatus.TOPICS_SET)
    rows = [
        _row(world),
        _row(world, area=world.other_microgrid),  # another community
        _row(world),
        _row(world, description="   "),  # empty description
    ]
    result = services.batch_intake(meeting_id=meeting.pk, actor=world.dispatcher, rows=rows)
    assert not result.ok and result.orders == []
    assert sorted(result.errors) == [1, 3]
    assert not Order.objects.exists() and not MeetingOrder.objects.exists()


def test_batch_intake_only_while_the_meeting_takes_orders(world):
    for status in (MeetingStatus.COLLECTING, MeetingStatus.PUBLISHED):
        meeting = drive_to(world, status)
        with pytest.raises(services.MeetingError):
            services.batch_intake(meeting_id=meeting.pk, actor=world.dispatcher, rows=[_row(world)])
    assert not Order.objects.exists()


def test_batch_intake_page(client, world, django_assert_max_num_queries):
    meeting = drive_to(world, MeetingStatus.DELIBERATING)
    client.force_login(world.dispatcher)
    url = f"/staff/meetings/{meeting.pk}/intake/"
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    data = {"rows": "3"}
    for i in range(2):
        data |= {
            f"r{i}-area": world.microgrid.code,
            f"r{i}-category": str(world.category.pk),
            f"r{i}-description": f"第 {i} 件事",
            f"r{i}-resident_phone": "13800138002",
            f"r{i}-urgency": "normal",
        }
    bad = data | {"r1-resident_phone": "123"}
    page = client.post(url, bad).content.decode()
    assert "row-errors" in page and not Order.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    assert Order.objects.filter(status=Status.AWAITING_SIGN).count() == 2
    page = client.get(url).content.decode()
    assert page.count("data-ref=") == 2
    with django_assert_max_num_queries(14):
        page = client.get(f"/staff/meetings/{meeting.pk}/").content.decode()
    assert page.count("data-ref=") == 2


def test_meeting_pages_scope_and_flow(client, world):
    meeting = new_meeting(world)
    client.force_login(world.other_dispatcher)
    assert client.get(f"/staff/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/staff/meetings/{meeting.pk}/intake/").status_code == 404
    client.force_login(world.property_manager)
    assert client.get("/staff/meetings/").status_code == 404
    client.force_login(world.dispatcher)
    base = f"/staff/meetings/{meeting.pk}/"
    client.post(base + "topics/", {"title": "停车难", "source": "resident"})
    client.post(base + "fix_topics/")
    client.post(base + "deliberate/")
    topic = meeting.topics.get()
    client.post(base + f"topics/{topic.pk}/vote/", {"votes_for": "x"})  # bad: a message
    client.post(base + f"topics/{topic.pk}/vote/", {"votes_for": 8, "against": 1, "abstain": 0})
    client.post(base + "close_vote/")
    client.post(base + "publish/", {"outcome": "施划临时车位"})
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PUBLISHED
    assert client.post(base + "nope/").status_code == 404
    assert client.post(base + "topics/999999/vote/", {}).status_code == 404


def test_create_meeting_page(client, world):
    client.force_login(world.dispatcher)
    response = client.post(
        "/staff/meetings/",
        {
            "community": world.community.code,
            "title": "t",
            "held_on": "2026-03-20",
            "place": "p",
            "attendees": "a",
        },
    )
    assert response.status_code == 302
    bad = client.post("/staff/meetings/", {"community": world.other_community.code})
    assert bad.status_code == 200
    assert Meeting.objects.count() == 1
