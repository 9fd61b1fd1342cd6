"""The micro-wish move table, exhaustively: every (action, status) pair either moves the
wish and writes one event, or is refused and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from parties.models import MicroWish, MicroWishEvent, PointEntry
from parties.wishes import services as wishes
from parties.wishes.lifecycle import MOVES, WishAction, WishStatus, allowed_actions
from tests.parties.helpers import RESIDENT_PHONE, post_wish, wish_in

pytestmark = pytest.mark.django_db


def perform(world, member, action: str, wish: MicroWish) -> MicroWish:
    pk = wish.pk
    if action == WishAction.VERIFY:
        return wishes.wish_verify(wish_id=pk, actor=world.dispatcher)
    if action == WishAction.DECLINE:
        return wishes.wish_decline(wish_id=pk, actor=world.dispatcher, reason="不够具体")
    if action == WishAction.CLAIM:
        return wishes.wish_claim(wish_id=pk, actor=member.user)
    if action == WishAction.UNCLAIM:
        return wishes.wish_unclaim(wish_id=pk, actor=member.user, reason="临时出差")
    if action == WishAction.RELEASE:
        # Make it stale first (verified long ago) so only the table decides.
        MicroWish.objects.filter(pk=pk).update(verified_at=clock.now() - timedelta(days=30))
        return wishes.wish_release(wish_id=pk, actor=world.dispatcher)
    if action == WishAction.FULFIL:
        return wishes.wish_fulfil(wish_id=pk, actor=member.user, note="已送到")
    assert action == WishAction.CONFIRM
    return wishes.wish_confirm(wish_id=pk, phone=RESIDENT_PHONE)


MOVING = [a for a in WishAction.values if a in MOVES]


def test_every_action_of_the_enum_but_post_is_in_the_table():
    assert set(MOVING) == set(WishAction.values) - {WishAction.POST}


@pytest.mark.parametrize("status", WishStatus.values)
@pytest.mark.parametrize("action", MOVING)
def test_move_table(world, member, action, status):
    wish = wish_in(world, member, status)
    events = MicroWishEvent.objects.filter(wish=wish).count()
    sources, targets = MOVES[action]
    if status in sources:
        moved = perform(world, member, action, wish)
        assert moved.status in targets
        assert MicroWishEvent.objects.filter(wish=wish).count() == events + 1
        last = MicroWishEvent.objects.filter(wish=wish).last()
        assert (last.action, last.from_status, last.to_status) == (action, status, moved.status)
    else:
        last = MicroWishEvent.objects.filter(wish=wish).last()
        if last.action == action and status in targets:
            perform(world, member, action, wish)  # the very move again: a no-op
        else:
            with pytest.raises(wishes.WishError):
                perform(world, member, action, wish)
        assert MicroWish.objects.get(pk=wish.pk).status == status
        assert MicroWishEvent.objects.filter(wish=wish).count() == events


def test_allowed_actions_follow_the_table():
    assert allowed_actions(WishStatus.POSTED) == [WishAction.VERIFY, WishAction.DECLINE]
    assert allowed_actions(WishStatus.CONFIRMED) == []


def test_a_double_submit_is_a_no_op(world, member):
    wish = wish_in(world, member, WishStatus.OPEN)
    wishes.wish_verify(wish_id=wish.pk, actor=world.dispatcher)
    assert MicroWishEvent.objects.filter(wish=wish, action=WishAction.VERIFY).count() == 1


def test_confirm_credits_the_member_once(world, member):
    wish = wish_in(world, member, WishStatus.CONFIRMED)
    assert PointEntry.objects.filter(member=member, source=f"wish:{wish.pk}").count() == 1
    # A redelivered confirm (the resident taps twice) is a no-op and credits nothing more.
    wishes.wish_confirm(wish_id=wish.pk, phone=RESIDENT_PHONE)
    assert PointEntry.objects.filter(member=member).count() == 1


def test_only_the_poster_confirms(world, member):
    wish = wish_in(world, member, WishStatus.FULFILLED)
    with pytest.raises(wishes.WishError):
        wishes.wish_confirm(wish_id=wish.pk, phone="13900000000")
    with pytest.raises(wishes.WishError):
        wishes.wish_confirm(wish_id=wish.pk, staff=world.other_dispatcher)
    wishes.wish_confirm(wish_id=wish.pk, staff=world.dispatcher)
    assert MicroWish.objects.get(pk=wish.pk).status == WishStatus.CONFIRMED


def test_a_member_of_another_community_cannot_claim(world, member):
    from tests.parties.helpers import verified_member

    other = verified_member(world, phone="13500135009", community=world.other_community)
    wish = wish_in(world, member, WishStatus.OPEN)
    with pytest.raises(wishes.WishError):
        wishes.wish_claim(wish_id=wish.pk, actor=other.user)
    # Released to the street (stale), it may.
    MicroWish.objects.filter(pk=wish.pk).update(verified_at=clock.now() - timedelta(days=30))
    wishes.wish_release(wish_id=wish.pk, actor=world.dispatcher)
    claimed = wishes.wish_claim(wish_id=wish.pk, actor=other.user)
    assert claimed.claimed_member == other


def test_release_refuses_a_fresh_wish(world, member):
    wish = wish_in(world, member, WishStatus.OPEN)
    with pytest.raises(wishes.WishError) as exc:
        wishes.wish_release(wish_id=wish.pk, actor=world.dispatcher)
    assert exc.value.code == "not_stale"


def test_a_member_unit_claims_through_staff(world, member):
    wish = wish_in(world, member, WishStatus.OPEN)
    claimed = wishes.wish_claim(wish_id=wish.pk, actor=world.dispatcher, unit_id=world.unit.pk)
    assert claimed.claimed_unit == world.unit and claimed.claimed_member is None
    wishes.wish_fulfil(wish_id=wish.pk, actor=world.dispatcher, note="单位送来了书")
    done = wishes.wish_confirm(wish_id=wish.pk, phone=RESIDENT_PHONE)
    assert done.status == WishStatus.CONFIRMED
    assert not PointEntry.objects.exists()  # units earn no member points


def test_staff_may_not_verify_another_communitys_wish(world):
    wish = post_wish(world)
    with pytest.raises(wishes.WishError):
        wishes.wish_verify(wish_id=wish.pk, actor=world.other_dispatcher)


def test_post_refuses_bad_input(world):
    with pytest.raises(wishes.WishError):
        wishes.wish_post(
            community=world.community,
            category="evil",
            description="x",
            needed_by=clock.today(),
            phone=RESIDENT_PHONE,
        )
    with pytest.raises(wishes.WishError):
        wishes.wish_post(
            community=world.community,
            category="study",
            description="x",
            needed_by=clock.today() - timedelta(days=1),
            phone=RESIDENT_PHONE,
        )
    with pytest.raises(wishes.WishError):
        wishes.wish_post(
            community=world.microgrid,
            category="study",
            description="x",
            needed_by=clock.today(),
            phone=RESIDENT_PHONE,
        )
    assert not MicroWish.objects.exists()
