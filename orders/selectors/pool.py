"""Reads of the open pool (党员接单): what a verified party member may claim — their
registered community's pool, anonymised (the page shows no resident name or phone, and
the description scrubbed of contact details) — what they claimed, and the pool orders a
dispatcher oversees. Indexed: ``order_comm_status_queue`` (community, status,
queue_reason = "", placed_at) for a pool, the ``pool_member`` foreign key for a member's."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from grids.access import DISPATCH_ROLES
from orders.authority import order_area_q
from orders.lifecycle import Status
from orders.models import Order
from orders.selectors.scope import with_version
from orders.wall_scrub import scrub
from parties.models import PartyMember

POOL_RELATED = ("category", "area")


def community_pool(*, community_id: int) -> QuerySet[Order]:
    """The orders waiting in one community's pool, oldest first (with their version, so a
    claim made on a stale page is refused)."""
    return with_version(
        Order.objects.filter(community_id=community_id, status=Status.IN_POOL, queue_reason="")
        .select_related(*POOL_RELATED)
        .order_by("placed_at", "id")
    )


def member_pool_orders(*, member: PartyMember) -> QuerySet[Order]:
    """The pool orders the member claimed (open and closed), newest first."""
    return (
        Order.objects.filter(pool_member=member)
        .select_related(*POOL_RELATED)
        .order_by("-signed_at", "-id")
    )


def dispatcher_pool(*, user) -> QuerySet[Order]:
    """Pool orders under the user's dispatching posts: waiting, or claimed and still open."""
    return (
        Order.objects.filter(order_area_q(user, roles=DISPATCH_ROLES))
        .filter(
            Q(status=Status.IN_POOL)
            | Q(
                pool_member__isnull=False,
                status__in=[Status.IN_PROGRESS, Status.EXTENSION_REQUESTED],
            )
        )
        .select_related(*POOL_RELATED, "pool_member")
        .order_by("status", "placed_at", "id")
    )


def anonymised_description(order: Order) -> str:
    """What a member reads before claiming: the description without phones or the name."""
    return scrub(order.description, names=(order.resident_name,))
