"""The one writer of commitments (亮承诺) and fulfilment records (践诺).

A verified member makes a public commitment for a period and records what they did
against it; the first fulfilment of a commitment earns the commitment rule's points once
(source "commitment:<id>"), so repeated records do not farm points."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock, writer
from parties import points
from parties.errors import PartyError
from parties.members import clean, member_for_user
from parties.models import Commitment, CommitmentFulfilment, PointKind


def commitment_make(*, actor, title: str, starts_on: date | None, ends_on: date | None):
    member = member_for_user(actor)
    if member is None:
        raise PartyError("not_member", _("只有报到通过的党员可以作出承诺。"))
    today = clock.today()
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise PartyError("bad_period", _("请填写承诺的开始和结束日期，结束不早于开始。"))
    if starts_on < today - timedelta(days=31) or ends_on > today + timedelta(days=366):
        raise PartyError("bad_period", _("承诺期限应在一年之内。"))
    return Commitment.objects.create(
        member=member,
        community_path=member.community_path,
        title=clean(title, what=_("承诺内容"), limit=200),
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=clock.now(),
    )


def fulfilment_record(*, actor, commitment_id: int, note: str, done_on: date | None, photo=None):
    """A fulfilment record (践诺): a note, a date within the period, an optional photo
    (checked by the form)."""
    member = member_for_user(actor)
    if member is None:
        raise PartyError("not_member", _("只有报到通过的党员可以记录践诺。"))
    note = clean(note, what=_("践诺情况"), limit=500)
    with transaction.atomic():
        commitment = writer.lock_row(
            Commitment.objects.filter(member=member),
            commitment_id,
            missing=lambda: PartyError("not_found", _("承诺不存在。")),
        )
        if done_on is None or not commitment.starts_on <= done_on <= commitment.ends_on:
            raise PartyError("bad_date", _("践诺日期应在承诺期限之内。"))
        if done_on > clock.today():
            raise PartyError("bad_date", _("践诺日期不能晚于今天。"))
        row = CommitmentFulfilment.objects.create(
            commitment=commitment,
            community_path=commitment.community_path,
            note=note,
            done_on=done_on,
            photo=photo or "",
            recorded_at=clock.now(),
        )
        points.points_award(
            member=member,
            kind=PointKind.COMMITMENT,
            source=f"commitment:{commitment.pk}",
            points=points.rule_points(PointKind.COMMITMENT),
            note=commitment.title[:200],
        )
    return row
