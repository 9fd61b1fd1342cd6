"""The one writer of the points ledger (积分): awards, redemptions, corrections; and the
reads of balances and the monthly ranking.

Rows are only ever inserted (the database refuses UPDATE and DELETE: ``parties.ledger``);
a mistake is put right by a correction row (``points_correct``). An award names its
``source`` ("wish:12"); (member, source) is unique, so a source that is redelivered — a
double click, a retried task — is counted once. A redemption or a negative correction
locks the member's row first, so two at once cannot both spend the same points: the
balance never goes below zero.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core import clock, writer
from grids import access
from parties.errors import PartyError
from parties.members import STAFF_ROLES, clean
from parties.models import MemberStatus, PartyMember, PointEntry, PointKind


def rule_points(kind: str) -> int:
    """Points a source of ``kind`` earns, from settings (积分规则)."""
    return {
        PointKind.WISH: settings.SIDAN_POINTS_WISH,
        PointKind.COMMITMENT: settings.SIDAN_POINTS_COMMITMENT,
        PointKind.SERVICE: settings.SIDAN_POINTS_SERVICE_HOUR,
    }[kind]


def points_award(
    *, member: PartyMember, kind: str, source: str, points: int, note: str = "", actor=None
) -> PointEntry | None:
    """Credit ``points`` for ``source`` once; a repeat of the same source is a no-op
    (returns None). Runs in the caller's transaction (a savepoint of its own)."""
    if points <= 0:
        return None
    try:
        with transaction.atomic():
            return PointEntry.objects.create(
                member=member,
                community_path=member.community_path,
                kind=kind,
                source=source[:64],
                points=points,
                note=note[:200],
                at=clock.now(),
                recorded_by=actor,
            )
    except IntegrityError:
        return None


def points_balance(*, member: PartyMember) -> int:
    return PointEntry.objects.filter(member=member).aggregate(total=Sum("points"))["total"] or 0


def _staff_member(*, member_id: int, actor) -> PartyMember:
    member = writer.lock_row(
        PartyMember.objects.filter(status=MemberStatus.VERIFIED),
        member_id,
        related=("community",),
        missing=lambda: PartyError("not_found", _("报到党员不存在。")),
    )
    if not access.area_in_scope(actor, member.community, roles=STAFF_ROLES):
        raise PartyError("not_found", _("报到党员不存在。"))
    return member


def _amount(points) -> int:
    try:
        value = int(str(points).strip())
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 100000:
        raise PartyError("bad_points", _("积分应为 1 到 100000 的整数。"))
    return value


def points_redeem(*, member_id: int, actor, points, item: str) -> PointEntry:
    """积分超市: staff record what the member redeemed; refused when the balance is short."""
    amount = _amount(points)
    item = clean(item, what=_("兑换物品"), limit=200)
    with transaction.atomic():
        member = _staff_member(member_id=member_id, actor=actor)  # the lock serialises spends
        balance = points_balance(member=member)
        if balance < amount:
            raise PartyError(
                "short",
                _("积分不足：现有 %(have)d 分，需要 %(need)d 分。")
                % {"have": balance, "need": amount},
            )
        return PointEntry.objects.create(
            member=member,
            community_path=member.community_path,
            kind=PointKind.REDEMPTION,
            source=f"redeem:{uuid.uuid4().hex}",
            points=-amount,
            note=item,
            at=clock.now(),
            recorded_by=actor,
        )


def points_correct(*, member_id: int, actor, points, note: str) -> PointEntry:
    """A correction is a new row (the ledger is never edited): ``points`` may be negative;
    refused when it would take the balance below zero."""
    try:
        value = int(str(points).strip())
    except (TypeError, ValueError):
        value = 0
    if value == 0 or abs(value) > 100000:
        raise PartyError("bad_points", _("更正积分应为 -100000 到 100000 之间、不为 0 的整数。"))
    note = clean(note, what=_("更正原因"), limit=200)
    with transaction.atomic():
        member = _staff_member(member_id=member_id, actor=actor)
        if value < 0 and points_balance(member=member) + value < 0:
            raise PartyError("short", _("更正后积分不能低于 0。"))
        return PointEntry.objects.create(
            member=member,
            community_path=member.community_path,
            kind=PointKind.CORRECTION,
            source=f"correct:{uuid.uuid4().hex}",
            points=value,
            note=note,
            at=clock.now(),
            recorded_by=actor,
        )


def points_record_service(*, member_id: int, actor, hours, note: str) -> PointEntry:
    """Recorded volunteer service (志愿服务): hours × the rule's points, one row per record."""
    try:
        count = int(str(hours).strip())
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= 24:
        raise PartyError("bad_hours", _("服务时长应为 1 到 24 小时。"))
    note = clean(note, what=_("服务内容"), limit=200)
    with transaction.atomic():
        member = _staff_member(member_id=member_id, actor=actor)
        return PointEntry.objects.create(
            member=member,
            community_path=member.community_path,
            kind=PointKind.SERVICE,
            source=f"service:{uuid.uuid4().hex}",
            points=count * rule_points(PointKind.SERVICE),
            note=note,
            at=clock.now(),
            recorded_by=actor,
        )


def month_range(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, end


def monthly_ranking(*, community_path: str, day: date) -> list[dict]:
    """Members of the community ranked by points earned in ``day``'s month (redemptions
    do not lower a rank); one grouped query on the ledger's (community_path, at) index."""
    start, end = month_range(day)
    rows = (
        PointEntry.objects.filter(
            community_path=community_path, at__date__gte=start, at__date__lt=end, points__gt=0
        )
        .values("member_id", "member__name", "member__show_initials")
        .annotate(total=Sum("points"))
        .order_by("-total", "member_id")
    )
    return [
        {
            "member_id": r["member_id"],
            "name": r["member__name"],
            "public_name": f"{r['member__name'][:1]}同志"
            if r["member__show_initials"]
            else r["member__name"],
            "total": r["total"],
        }
        for r in rows
    ]
