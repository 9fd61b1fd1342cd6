"""The one writer of micro-wishes: post, then every move of ``MOVES`` through
``core.writer.transition`` (row lock, refusal of illegal or stale moves, no-op on a
repeat, one event row per move). Confirming a member's wish credits the member's points
once (source "wish:<id>")."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock, writer
from core.actors import RESIDENT, Actor
from grids import access
from grids.access import INTAKE_ROLES
from grids.models import Area, AreaLevel, MemberUnit
from parties import points
from parties.access import covers_community
from parties.errors import PartyError
from parties.members import STAFF_ROLES, clean, member_for_user
from parties.models import MicroWish, MicroWishEvent, PointKind
from parties.wishes.lifecycle import MOVES, WishAction, WishCategory, WishStatus


class WishError(PartyError):
    pass


def _event(wish, *, action, actor: Actor, from_status, to_status, note="", data=None, at):
    return MicroWishEvent.objects.create(
        wish=wish,
        action=action,
        actor=actor.user,
        actor_kind=actor.kind,
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def wish_post(
    *,
    community: Area,
    category: str,
    description: str,
    needed_by: date | None,
    phone: str = "",
    staff=None,
) -> MicroWish:
    """A resident (proved ``phone``) or staff on their behalf posts a wish; it waits for
    the community's check."""
    if community.level != AreaLevel.COMMUNITY:
        raise WishError("bad_area", _("请选择社区。"))
    if staff is None and not phone:
        raise WishError("unverified", _("请先验证手机号。"))
    if staff is not None and not covers_community(staff, community, INTAKE_ROLES):
        raise WishError("forbidden", _("这个社区不在你的岗位范围内。"))
    if category not in WishCategory.values:
        raise WishError("bad_category", _("请选择心愿类别。"))
    today = clock.today()
    if needed_by is None or not today <= needed_by <= today + timedelta(days=366):
        raise WishError("bad_date", _("希望实现日期应在今天到一年之内。"))
    now = clock.now()
    with transaction.atomic():
        wish = MicroWish.objects.create(
            community=community,
            community_path=community.path,
            category=category,
            description=clean(description, what=_("心愿内容"), limit=500),
            needed_by=needed_by,
            poster_phone="" if staff else phone,
            posted_by=staff,
            status=WishStatus.POSTED,
            posted_at=now,
        )
        actor = Actor.staff(staff) if staff else Actor.resident()
        _event(
            wish,
            action=WishAction.POST,
            actor=actor,
            from_status="",
            to_status=wish.status,
            at=now,
        )
    return wish


def lock_wish(wish_id: int) -> MicroWish:
    return writer.lock_row(
        MicroWish.objects.all(),
        wish_id,
        related=("community",),
        missing=lambda: WishError("not_found", _("心愿不存在。")),
    )


def _refusal(wish: MicroWish, action: str) -> WishError:
    return WishError(
        "bad_move",
        _("心愿现在“%(status)s”，不能%(action)s。")
        % {"status": WishStatus(wish.status).label, "action": WishAction(action).label},
    )


def _last_status_event(wish: MicroWish):
    return MicroWishEvent.objects.filter(wish=wish).order_by("-at", "-id").first()


def _staff_check(actor: Actor, wish: MicroWish) -> None:
    if not (actor.is_staff and access.area_in_scope(actor.user, wish.community, roles=STAFF_ROLES)):
        raise WishError("not_found", _("心愿不存在。"))


def _move(*, wish_id: int, action: str, actor: Actor, apply, authorise) -> MicroWish:
    def record(wish, from_status, change, now):
        _event(
            wish,
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=change.to_status,
            note=change.note,
            data=change.data,
            at=now,
        )

    return writer.transition(
        row_id=wish_id,
        lock=lock_wish,
        moves=MOVES,
        action=action,
        apply=apply,
        record=record,
        refuse=lambda wish: _refusal(wish, action),
        repeated=lambda wish: writer.is_repeat(
            _last_status_event(wish),
            action=action,
            status=wish.status,
            actor_id=actor.user_id,
            actor_kind=actor.kind,
        ),
        authorise=authorise,
    )


def wish_verify(*, wish_id: int, actor) -> MicroWish:
    """具体、即时、易落实: staff put the wish in the public claim pool."""
    who = Actor.staff(actor)

    def apply(wish, now):
        wish.verified_at = now
        return writer.Change(WishStatus.OPEN)

    return _move(
        wish_id=wish_id,
        action=WishAction.VERIFY,
        actor=who,
        apply=apply,
        authorise=lambda w: _staff_check(who, w),
    )


def wish_decline(*, wish_id: int, actor, reason: str) -> MicroWish:
    who = Actor.staff(actor)

    def apply(wish, now):
        wish.decline_reason = clean(reason, what=_("不通过原因"), limit=200)
        return writer.Change(WishStatus.DECLINED, note=wish.decline_reason)

    return _move(
        wish_id=wish_id,
        action=WishAction.DECLINE,
        actor=who,
        apply=apply,
        authorise=lambda w: _staff_check(who, w),
    )


def stale_before(now=None):
    """Open wishes verified before this time are stale (``SIDAN_WISH_STALE_DAYS``)."""
    return (now or clock.now()) - timedelta(days=settings.SIDAN_WISH_STALE_DAYS)


def wish_release(*, wish_id: int, actor) -> MicroWish:
    """A stale open wish is shown to every member of the street, not only the community."""
    who = Actor.staff(actor)

    def authorise(wish):
        _staff_check(who, wish)
        if wish.released_at is not None:
            raise WishError("released", _("这个心愿已经发布到全街道。"))
        if wish.verified_at is None or wish.verified_at > stale_before():
            raise WishError(
                "not_stale",
                _("审核通过 %(n)d 天后仍无人认领的心愿才能发布到全街道。")
                % {"n": settings.SIDAN_WISH_STALE_DAYS},
            )

    def apply(wish, now):
        wish.released_at = now
        return writer.Change(WishStatus.OPEN)

    return _move(
        wish_id=wish_id, action=WishAction.RELEASE, actor=who, apply=apply, authorise=authorise
    )


def _street_path(path: str) -> str:
    return path.split("/", 1)[0] + "/"


def member_may_see(member, wish: MicroWish) -> bool:
    """A member sees their own community's pool, and released wishes of their street."""
    if wish.community_id == member.community_id:
        return True
    return wish.released_at is not None and _street_path(wish.community_path) == _street_path(
        member.community_path
    )


def wish_claim(*, wish_id: int, actor, unit_id: int | None = None) -> MicroWish:
    """A verified party member claims the wish; or staff record a member unit's claim.
    One claimer: the row lock makes the second claimer's move a refusal."""
    who = Actor.staff(actor)
    member = None if unit_id is not None else member_for_user(actor)
    unit = None

    def authorise(wish):
        nonlocal unit
        if unit_id is not None:
            _staff_check(who, wish)
            unit = MemberUnit.objects.filter(
                pk=unit_id, community=wish.community, is_active=True
            ).first()
            if unit is None:
                raise WishError("bad_unit", _("请选择本社区的成员单位。"))
        elif member is None or not member_may_see(member, wish):
            raise WishError("not_found", _("心愿不存在。"))

    def apply(wish, now):
        wish.claimed_member, wish.claimed_unit, wish.claimed_at = member, unit, now
        return writer.Change(
            WishStatus.CLAIMED,
            data={"member_id": member.pk} if member else {"unit_id": unit.pk},
        )

    return _move(
        wish_id=wish_id, action=WishAction.CLAIM, actor=who, apply=apply, authorise=authorise
    )


def _claimer_check(actor: Actor, wish: MicroWish) -> None:
    if wish.claimed_unit_id:
        _staff_check(actor, wish)
        return
    member = member_for_user(actor.user)
    if member is None or wish.claimed_member_id != member.pk:
        raise WishError("not_yours", _("只有认领人可以这样做。"))


def wish_unclaim(*, wish_id: int, actor, reason: str) -> MicroWish:
    who = Actor.staff(actor)

    def apply(wish, now):
        note = clean(reason, what=_("放弃原因"), limit=200)
        wish.claimed_member = wish.claimed_unit = wish.claimed_at = None
        return writer.Change(WishStatus.OPEN, note=note)

    return _move(
        wish_id=wish_id,
        action=WishAction.UNCLAIM,
        actor=who,
        apply=apply,
        authorise=lambda w: _claimer_check(who, w),
    )


def wish_fulfil(*, wish_id: int, actor, note: str, photo=None) -> MicroWish:
    """The claimer (or staff for a member unit) fulfils the wish: a note and an optional
    photo (already checked by the form: a real image, 5 MB at most)."""
    who = Actor.staff(actor)

    def apply(wish, now):
        wish.fulfil_note = clean(note, what=_("完成情况"), limit=500)
        wish.fulfilled_at = now
        if photo:
            wish.fulfil_photo = photo
        return writer.Change(WishStatus.FULFILLED, note=wish.fulfil_note)

    return _move(
        wish_id=wish_id,
        action=WishAction.FULFIL,
        actor=who,
        apply=apply,
        authorise=lambda w: _claimer_check(who, w),
    )


def wish_confirm(*, wish_id: int, phone: str = "", staff=None) -> MicroWish:
    """The resident who posted it (their proved phone) or staff on their behalf confirms;
    the wish goes on the wall and the member's points are credited once."""
    who = Actor.staff(staff) if staff is not None else Actor(kind=RESIDENT)

    def authorise(wish):
        if staff is not None:
            _staff_check(who, wish)
        elif not phone or wish.poster_phone != phone:
            raise WishError("not_found", _("心愿不存在。"))

    def apply(wish, now):
        wish.confirmed_at = now
        if wish.claimed_member_id:
            points.points_award(
                member=wish.claimed_member,
                kind=PointKind.WISH,
                source=f"wish:{wish.pk}",
                points=points.rule_points(PointKind.WISH),
                note=wish.description[:200],
            )
        return writer.Change(WishStatus.CONFIRMED)

    return _move(
        wish_id=wish_id, action=WishAction.CONFIRM, actor=who, apply=apply, authorise=authorise
    )
