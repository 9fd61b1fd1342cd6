"""Commitments and fulfilment records, the service record export and the month export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from openpyxl import load_workbook

from core import clock
from parties import commitments, points
from parties.errors import PartyError
from parties.models import CommitmentFulfilment, PointEntry, PointKind
from parties.wishes.lifecycle import WishStatus
from tests.parties.helpers import verified_member, wish_in

pytestmark = pytest.mark.django_db


def _commit(member, **kw):
    today = clock.today()
    data = dict(title="每月为独居老人理发一次", starts_on=today, ends_on=today + timedelta(days=90))
    return commitments.commitment_make(actor=member.user, **(data | kw))


def test_first_fulfilment_earns_the_rule_once(member):
    commitment = _commit(member)
    today = clock.today()
    for note in ("为三位老人理发", "又为两位老人理发"):
        commitments.fulfilment_record(
            actor=member.user, commitment_id=commitment.pk, note=note, done_on=today
        )
    assert CommitmentFulfilment.objects.filter(commitment=commitment).count() == 2
    assert PointEntry.objects.filter(member=member, kind=PointKind.COMMITMENT).count() == 1


def test_bad_commitments_and_fulfilments_are_refused(world, member):
    today = clock.today()
    with pytest.raises(PartyError):
        _commit(member, ends_on=today - timedelta(days=1))
    with pytest.raises(PartyError):
        _commit(member, ends_on=today + timedelta(days=900))
    with pytest.raises(PartyError):
        commitments.commitment_make(
            actor=world.dispatcher, title="x", starts_on=today, ends_on=today
        )
    commitment = _commit(member)
    with pytest.raises(PartyError):
        commitments.fulfilment_record(
            actor=member.user,
            commitment_id=commitment.pk,
            note="x",
            done_on=today + timedelta(days=1),
        )
    other = verified_member(world, phone="13500135002", name="周建国")
    with pytest.raises(PartyError):
        commitments.fulfilment_record(
            actor=other.user, commitment_id=commitment.pk, note="x", done_on=today
        )
    assert not CommitmentFulfilment.objects.exists()


def test_public_page_shows_commitments_by_initials(world, member):
    _commit(member)
    page = Client().get(f"/c/{world.community.code}/wishes/").content.decode()
    assert "每月为独居老人理发一次" in page and "李同志" in page and "李红梅" not in page


def test_the_exports(world, member, django_assert_max_num_queries):
    commitment = _commit(member)
    commitments.fulfilment_record(
        actor=member.user, commitment_id=commitment.pk, note="理发", done_on=clock.today()
    )
    wish_in(world, member, WishStatus.CONFIRMED)
    points.points_redeem(member_id=member.pk, actor=world.dispatcher, points=3, item="=HYPERLINK()")
    client = Client()
    client.force_login(world.dispatcher)
    response = client.get(f"/party/staff/members/{member.pk}/export/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["报到信息", "承诺践诺", "微心愿", "党员接单", "积分"]
    notes = [row[3] for row in book["积分"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK()" in notes  # no formula from a user's text
    with django_assert_max_num_queries(12):
        response = client.get(
            f"/party/staff/members/export/?community={world.community.code}"
            f"&month={clock.now():%Y-%m}"
        )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:8] == ("李红梅", "区税务局", "第二党支部", 1, 1, 0, 15, 3)
    other = Client()
    other.force_login(world.other_dispatcher)
    assert other.get(f"/party/staff/members/{member.pk}/export/").status_code == 404
    assert (
        other.get(f"/party/staff/members/export/?community={world.community.code}").status_code
        == 404
    )
    assert (
        client.get("/party/staff/members/export/?community=LX01&month=9999-12").status_code == 200
    )


def test_member_home_commitment_forms(world, member):
    client = Client()
    client.force_login(member.user)
    today = clock.today()
    client.post(
        "/party/commitments/",
        {"title": "周末辅导功课", "starts_on": today, "ends_on": today + timedelta(days=30)},
    )
    commitment = member.commitments.get()
    client.post(
        f"/party/commitments/{commitment.pk}/fulfil/", {"note": "辅导两个孩子", "done_on": today}
    )
    assert commitment.fulfilments.count() == 1
    page = client.get("/party/").content.decode()
    assert "辅导两个孩子" in page
    assert (
        client.post(
            "/party/commitments/999999/fulfil/", {"note": "x", "done_on": today}
        ).status_code
        == 404
    )
