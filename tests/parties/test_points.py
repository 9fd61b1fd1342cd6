"""The points ledger: append-only in the database, once per source, redemptions never
below zero, the monthly ranking."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from parties import points
from parties.errors import PartyError
from parties.models import PointEntry, PointKind
from tests.parties.helpers import verified_member

pytestmark = pytest.mark.django_db


def _award(member, source="wish:1", n=10):
    return points.points_award(member=member, kind=PointKind.WISH, source=source, points=n)


def test_the_database_refuses_update_and_delete(member):
    entry = _award(member)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointEntry.objects.filter(pk=entry.pk).update(points=1000)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE parties_pointentry SET points = 99")
    assert PointEntry.objects.get(pk=entry.pk).points == 10


def test_a_source_counts_once_under_redelivery(member):
    assert _award(member) is not None
    assert _award(member) is None
    assert _award(member, n=50) is None
    assert points.points_balance(member=member) == 10
    with pytest.raises(IntegrityError), transaction.atomic():
        PointEntry.objects.create(
            member=member,
            community_path=member.community_path,
            kind=PointKind.WISH,
            source="wish:1",
            points=5,
            at=member.registered_at,
        )


def test_redemption_never_below_zero(world, member):
    _award(member, n=10)
    with pytest.raises(PartyError) as exc:
        points.points_redeem(member_id=member.pk, actor=world.dispatcher, points=11, item="毛巾")
    assert exc.value.code == "short"
    points.points_redeem(member_id=member.pk, actor=world.dispatcher, points="10", item="毛巾")
    assert points.points_balance(member=member) == 0
    for bad in ("0", "-5", "abc", "99999999999999999999", None):
        with pytest.raises(PartyError):
            points.points_redeem(member_id=member.pk, actor=world.dispatcher, points=bad, item="x")


def test_staff_of_another_community_cannot_redeem(world, member):
    _award(member, n=10)
    with pytest.raises(PartyError):
        points.points_redeem(member_id=member.pk, actor=world.other_dispatcher, points=1, item="x")
    assert points.points_balance(member=member) == 10


def test_recorded_service_earns_by_rule(world, member, settings):
    settings.SIDAN_POINTS_SERVICE_HOUR = 3
    points.points_record_service(
        member_id=member.pk, actor=world.dispatcher, hours="2", note="值守"
    )
    assert points.points_balance(member=member) == 6


def test_monthly_ranking(world, member):
    second = verified_member(world, phone="13500135002", name="周建国")
    _award(member, "wish:1", 10)
    _award(second, "wish:2", 10)
    _award(second, "wish:3", 10)
    points.points_redeem(member_id=second.pk, actor=world.dispatcher, points=15, item="米")
    ranking = points.monthly_ranking(
        community_path=world.community.path, day=member.registered_at.date()
    )
    assert [(r["name"], r["total"]) for r in ranking] == [("周建国", 20), ("李红梅", 10)]
    assert ranking[0]["public_name"] == "周同志"


def test_a_correction_is_a_new_row_and_never_below_zero(world, member):
    entry = _award(member, n=10)
    points.points_correct(member_id=member.pk, actor=world.dispatcher, points="-4", note="重复计分")
    assert points.points_balance(member=member) == 6
    assert PointEntry.objects.get(pk=entry.pk).points == 10
    with pytest.raises(PartyError):
        points.points_correct(member_id=member.pk, actor=world.dispatcher, points=-7, note="x")
    for bad in ("0", "x", "200000"):
        with pytest.raises(PartyError):
            points.points_correct(member_id=member.pk, actor=world.dispatcher, points=bad, note="x")
    assert points.points_balance(member=member) == 6
