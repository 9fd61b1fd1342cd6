"""Reads of party members, wishes and points, scoped to the user through ``grids.access``
(indexed ``community_path`` columns of the rows themselves)."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from grids import access
from grids.access import INTAKE_ROLES
from grids.models import Area, AreaLevel
from parties.access import community_q
from parties.members import STAFF_ROLES
from parties.models import MemberStatus, MicroWish, PartyMember, PointEntry
from parties.wishes.lifecycle import WishStatus
from parties.wishes.services import stale_before


def staff_members(*, user) -> QuerySet[PartyMember]:
    """The registrations of the communities the user's staff posts cover, pending first."""
    return (
        PartyMember.objects.filter(
            access.scope_q(user, path_field="community_path", roles=STAFF_ROLES)
        )
        .select_related("community")
        .annotate(balance=Sum("points__points"))
        .order_by("status", "-registered_at")
    )


def staff_member(*, user, member_id: int) -> PartyMember:
    member = staff_members(user=user).filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


def staff_wishes(*, user, status: str = "") -> QuerySet[MicroWish]:
    """Wishes of the communities the user's intake posts lie in (a grid worker sees their
    community's, so they can follow what they posted for residents)."""
    qs = MicroWish.objects.filter(community_q(user, INTAKE_ROLES)).select_related(
        "community", "claimed_member", "claimed_unit"
    )
    if status in WishStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-posted_at", "-id")


def is_stale(wish: MicroWish, *, before) -> bool:
    return (
        wish.status == WishStatus.OPEN
        and wish.released_at is None
        and wish.verified_at is not None
        and wish.verified_at <= before
    )


def stale_count(*, user) -> int:
    return (
        staff_wishes(user=user, status=WishStatus.OPEN)
        .filter(released_at__isnull=True, verified_at__lte=stale_before())
        .count()
    )


def _street(path: str) -> str:
    return path.split("/", 1)[0] + "/"


def member_pool(*, member: PartyMember) -> QuerySet[MicroWish]:
    """Open wishes a member may claim: their community's, and released ones of the street."""
    return (
        MicroWish.objects.filter(status=WishStatus.OPEN)
        .filter(
            Q(community_path=member.community_path)
            | Q(
                community_path__startswith=_street(member.community_path), released_at__isnull=False
            )
        )
        .select_related("community")
        .order_by("needed_by", "id")
    )


def member_wish_id(*, member: PartyMember, wish_id: int) -> int:
    """A wish the member may act on — in their pool or claimed by them — else 404."""
    visible = member_pool(member=member) | MicroWish.objects.filter(claimed_member=member)
    if not visible.filter(pk=wish_id).exists():
        raise Http404
    return wish_id


def member_wishes(*, member: PartyMember) -> QuerySet[MicroWish]:
    return (
        MicroWish.objects.filter(claimed_member=member)
        .select_related("community")
        .order_by("-claimed_at", "-id")
    )


def member_points(*, member: PartyMember) -> QuerySet[PointEntry]:
    return PointEntry.objects.filter(member=member).order_by("-at", "-id")


def public_pool(*, community) -> QuerySet[MicroWish]:
    return MicroWish.objects.filter(community_path=community.path, status=WishStatus.OPEN).order_by(
        "needed_by", "id"
    )


def public_wall(*, community, limit: int = 50) -> list[MicroWish]:
    return list(
        MicroWish.objects.filter(community_path=community.path, status=WishStatus.CONFIRMED)
        .select_related("claimed_member", "claimed_unit")
        .order_by("-confirmed_at", "-id")[:limit]
    )


def resident_wishes(*, community, phone: str) -> list[MicroWish]:
    if not phone:
        return []
    return list(
        MicroWish.objects.filter(community_path=community.path, poster_phone=phone)
        .select_related("claimed_member", "claimed_unit")
        .order_by("-posted_at", "-id")[:50]
    )


def verified_members_of(*, community) -> QuerySet[PartyMember]:
    return PartyMember.objects.filter(
        community_path=community.path, status=MemberStatus.VERIFIED
    ).order_by("name")


def member_commitments(*, member: PartyMember) -> list:
    from django.db.models import Prefetch

    from parties.models import Commitment, CommitmentFulfilment

    return list(
        Commitment.objects.filter(member=member)
        .prefetch_related(
            Prefetch("fulfilments", queryset=CommitmentFulfilment.objects.order_by("-done_on"))
        )
        .order_by("-ends_on", "-id")[:50]
    )


def public_commitments(*, community, day) -> list:
    """Commitments in force in the community, with their members' public names."""
    from django.db.models import Count

    from parties.models import Commitment

    return list(
        Commitment.objects.filter(
            community_path=community.path, starts_on__lte=day, ends_on__gte=day
        )
        .select_related("member")
        .annotate(done=Count("fulfilments"))
        .order_by("ends_on", "id")[:50]
    )


def wish_communities(*, user) -> list[Area]:
    """Communities the user may post a wish in on a resident's behalf."""
    return list(
        Area.objects.filter(community_q(user, INTAKE_ROLES, field="path"))
        .filter(level=AreaLevel.COMMUNITY)
        .order_by("path")[:50]
    )


def fulfilment_for_user(*, user, fulfilment_id: int):
    """A fulfilment record the user may see — their own, or of a member of a community
    their staff posts cover — else 404."""
    from parties.members import member_for_user
    from parties.models import CommitmentFulfilment

    rows = CommitmentFulfilment.objects.filter(pk=fulfilment_id)
    member = member_for_user(user)
    if member is not None:
        row = rows.filter(commitment__member=member).first()
        if row is not None:
            return row
    if access.has_role(user, *STAFF_ROLES):
        row = rows.filter(
            access.scope_q(user, path_field="community_path", roles=STAFF_ROLES)
        ).first()
        if row is not None:
            return row
    raise Http404
