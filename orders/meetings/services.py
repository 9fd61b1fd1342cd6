"""The one writer of meetings: create, topics, votes, the six-step moves, batch intake.

Moves go through ``core.writer.transition`` with ``MOVES``, one ``MeetingEvent`` each.
``batch_intake`` places and dispatches every row's order through ``orders.services``
inside one transaction: if any row is refused, every row is rolled back and the errors
come back per row — nothing half-written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock, writer
from core.errors import DomainError
from grids import access
from grids.models import Area, AreaLevel, MemberUnit
from orders.errors import OrderError
from orders.meetings.lifecycle import (
    INTAKE_OPEN,
    MOVES,
    MeetingAction,
    MeetingStatus,
    TopicSource,
)
from orders.models import (
    Category,
    Channel,
    Meeting,
    MeetingEvent,
    MeetingOrder,
    MeetingTopic,
    Nature,
    Order,
    Urgency,
)
from orders.services import handlers
from orders.services.lifecycle import order_dispatch, order_place

MEETING_ROLES = access.DISPATCH_ROLES
MAX_BATCH = 20


class MeetingError(DomainError):
    pass


def _text(value: str, *, what: str, limit: int, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise MeetingError("required", _("请填写%(what)s。") % {"what": what})
    if len(value) > limit:
        raise MeetingError("too_long", _("%(what)s最多 %(n)d 个字。") % {"what": what, "n": limit})
    return value


def _check(actor, community: Area) -> None:
    if not access.area_in_scope(actor, community, roles=MEETING_ROLES):
        raise MeetingError("forbidden", _("这个社区不在你的岗位范围内。"))


def _event(meeting, *, action, actor, from_status, to_status, note="", data=None, at):
    return MeetingEvent.objects.create(
        meeting=meeting,
        action=action,
        actor=actor,
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def meeting_create(
    *, actor, community: Area, title: str, held_on: date, place: str, attendees: str
) -> Meeting:
    if community.level != AreaLevel.COMMUNITY:
        raise MeetingError("bad_area", _("议事会要开在社区一级。"))
    _check(actor, community)
    now = clock.now()
    with transaction.atomic():
        meeting = Meeting.objects.create(
            community=community,
            community_path=community.path,
            title=_text(title, what=_("会议名称"), limit=100),
            held_on=held_on,
            place=_text(place, what=_("地点"), limit=100),
            convener=actor,
            attendees=_text(attendees, what=_("参会人员"), limit=1000),
            status=MeetingStatus.COLLECTING,
            created_at=now,
        )
        _event(
            meeting,
            action=MeetingAction.CREATE,
            actor=actor,
            from_status="",
            to_status=meeting.status,
            at=now,
        )
    return meeting


def lock_meeting(meeting_id: int) -> Meeting:
    return writer.lock_row(
        Meeting.objects.all(),
        meeting_id,
        related=("community",),
        missing=lambda: MeetingError("not_found", _("议事会不存在。")),
    )


def _refusal(meeting: Meeting, what: str) -> MeetingError:
    return MeetingError(
        "bad_move",
        _("议事会现在处于“%(status)s”，不能%(what)s。")
        % {"status": MeetingStatus(meeting.status).label, "what": what},
    )


def topic_add(*, meeting_id: int, actor, title: str, source: str) -> MeetingTopic:
    """收集议题: from residents or staff, before the topics are fixed."""
    if source not in TopicSource.values:
        raise MeetingError("bad_source", _("请选择议题来源。"))
    with transaction.atomic():
        meeting = lock_meeting(meeting_id)
        _check(actor, meeting.community)
        if meeting.status != MeetingStatus.COLLECTING:
            raise _refusal(meeting, _("再添加议题"))
        return MeetingTopic.objects.create(
            meeting=meeting, title=_text(title, what=_("议题"), limit=200), source=source
        )


def topic_vote(
    *, topic_id: int, actor, votes_for: int, against: int, abstain: int, decision: str = ""
) -> MeetingTopic:
    """表决: the count for one topic, recorded while deliberating (may be corrected)."""
    counts = (votes_for, against, abstain)
    if any(not isinstance(n, int) or n < 0 or n > 10000 for n in counts):
        raise MeetingError("bad_votes", _("票数应为 0 到 10000 的整数。"))
    with transaction.atomic():
        topic = MeetingTopic.objects.filter(pk=topic_id).first()
        if topic is None:
            raise MeetingError("not_found", _("议题不存在。"))
        meeting = lock_meeting(topic.meeting_id)
        _check(actor, meeting.community)
        if meeting.status != MeetingStatus.DELIBERATING:
            raise _refusal(meeting, _("记录表决"))
        topic.votes_for, topic.votes_against, topic.votes_abstain = counts
        topic.decision = _text(decision, what=_("决议"), limit=300, required=False)
        topic.save()
        _event(
            meeting,
            action="vote",
            actor=actor,
            from_status=meeting.status,
            to_status=meeting.status,
            data={"topic": topic.pk, "for": votes_for, "against": against, "abstain": abstain},
            at=clock.now(),
        )
    return topic


def _move(*, meeting_id: int, action: str, actor, apply) -> Meeting:
    def record(meeting, from_status, change, now):
        _event(
            meeting,
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=change.to_status,
            note=change.note,
            data=change.data,
            at=now,
        )

    return writer.transition(
        row_id=meeting_id,
        lock=lock_meeting,
        moves=MOVES,
        action=action,
        apply=apply,
        record=record,
        refuse=lambda m: _refusal(m, MeetingAction(action).label),
        authorise=lambda m: _check(actor, m.community),
    )


def meeting_fix_topics(*, meeting_id: int, actor) -> Meeting:
    def apply(meeting, now):
        if not meeting.topics.exists():
            raise MeetingError("no_topics", _("请先收集至少一个议题。"))
        return writer.Change(MeetingStatus.TOPICS_SET)

    return _move(meeting_id=meeting_id, action=MeetingAction.FIX_TOPICS, actor=actor, apply=apply)


def meeting_deliberate(*, meeting_id: int, actor) -> Meeting:
    return _move(
        meeting_id=meeting_id,
        action=MeetingAction.DELIBERATE,
        actor=actor,
        apply=lambda m, now: writer.Change(MeetingStatus.DELIBERATING),
    )


def meeting_close_vote(*, meeting_id: int, actor) -> Meeting:
    def apply(meeting, now):
        if meeting.topics.filter(votes_for__isnull=True).exists():
            raise MeetingError("unvoted", _("还有议题没有记录表决结果。"))
        return writer.Change(MeetingStatus.VOTED)

    return _move(meeting_id=meeting_id, action=MeetingAction.CLOSE_VOTE, actor=actor, apply=apply)


def meeting_publish(*, meeting_id: int, actor, outcome: str) -> Meeting:
    """公开公示: the outcome shows on the community's public page (no names, no phones)."""

    def apply(meeting, now):
        meeting.outcome = _text(outcome, what=_("公示内容"), limit=2000)
        meeting.published_at = now
        return writer.Change(MeetingStatus.PUBLISHED)

    return _move(meeting_id=meeting_id, action=MeetingAction.PUBLISH, actor=actor, apply=apply)


def meeting_implement(*, meeting_id: int, actor, note: str) -> Meeting:
    def apply(meeting, now):
        meeting.implementation = _text(note, what=_("落实情况"), limit=2000)
        return writer.Change(MeetingStatus.IMPLEMENTING, note=meeting.implementation)

    return _move(meeting_id=meeting_id, action=MeetingAction.IMPLEMENT, actor=actor, apply=apply)


# --- batch intake ----------------------------------------------------------------


@dataclass(frozen=True)
class IntakeRow:
    area: Area
    category: Category
    description: str
    resident_phone: str
    resident_name: str = ""
    urgency: str = Urgency.NORMAL


@dataclass
class BatchResult:
    orders: list[Order] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)  # row index → message

    @property
    def ok(self) -> bool:
        return not self.errors


class _RollBack(Exception):
    pass


def batch_intake(*, meeting_id: int, actor, rows: list[IntakeRow]) -> BatchResult:
    """Place and dispatch every row's order on the spot (channel: meeting), each to the
    obvious handler at its category's tier. All rows or none."""
    result = BatchResult()
    if not rows:
        raise MeetingError("empty", _("请至少填写一行。"))
    if len(rows) > MAX_BATCH:
        raise MeetingError("too_many", _("一次最多录入 %(n)d 单。") % {"n": MAX_BATCH})
    try:
        with transaction.atomic():
            meeting = lock_meeting(meeting_id)
            _check(actor, meeting.community)
            if meeting.status not in INTAKE_OPEN:
                raise _refusal(meeting, _("集中受理"))
            for index, row in enumerate(rows):
                try:
                    with transaction.atomic():
                        result.orders.append(_place_and_dispatch(meeting, actor, row))
                except (OrderError, MeetingError) as exc:
                    result.errors[index] = exc.message
            if result.errors:
                raise _RollBack
            MeetingOrder.objects.bulk_create(
                [MeetingOrder(meeting=meeting, order=o) for o in result.orders]
            )
    except _RollBack:
        return BatchResult(errors=result.errors)
    return result


def _place_and_dispatch(meeting: Meeting, actor, row: IntakeRow) -> Order:
    if not row.area.is_within(meeting.community):
        raise MeetingError("bad_area", _("位置不在本社区。"))
    order = order_place(
        category=row.category,
        area=row.area,
        description=row.description,
        resident_phone=row.resident_phone,
        resident_name=row.resident_name,
        nature=Nature.HELP,
        urgency=row.urgency,
        channel=Channel.MEETING,
        placed_by=actor,
    )
    tier = order.tier
    handler = handlers.default_handler(order=order, tier=tier)
    if handler is None:
        raise MeetingError(
            "no_handler",
            _("这个位置在“%(tier)s”一级没有可派的承办人，请到派单台派单。")
            % {"tier": order.get_tier_display()},
        )
    is_unit = isinstance(handler, MemberUnit)
    return order_dispatch(
        order_id=order.pk,
        actor=actor,
        tier=tier,
        handler_user=None if is_unit else handler,
        handler_unit=handler if is_unit else None,
        note=_("议事会“%(title)s”当场派单") % {"title": meeting.title},
    )
