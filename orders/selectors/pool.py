"""Reads of the open pool (党员接单): what a verified party member may claim — their
registered community's pool, anonymised (the page shows no resident name or phone, and
the description scrubbed of contact details) — what they claimed, and the pool orders a
dispatcher oversees. Indexed: ``order_comm_status_queue`` (community, status,
queue_reason = "", placed_at) for a pool, the ``pool_member`` foreign key for a member's."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from grids.access import DISPATCH_ROLES
from grids.models import AreaLevel
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
        .select_related(*POOL_RELATED, "area__parent")
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


def anonymised_place(order: Order) -> str:
    """Where, before claiming: the compound at most — a micro-grid (one stairwell) is not
    named, as on the walls (``area__parent`` selected)."""
    area = order.area
    if area.level >= AreaLevel.MICROGRID and area.parent_id is not None:
        area = area.parent
    return area.name


def anonymised_description(order: Order) -> str:
    """What a member reads before claiming: the description without phones or the name."""
    return scrub(order.description, names=(order.resident_name,))


# --- the member's service record (parties.record) ---------------------------------------


def record_rows(member: PartyMember, limit: int) -> list[list]:
    """The pool orders a member claimed, for their service record: one query."""
    rows = []
    for order in member_pool_orders(member=member)[:limit]:
        rows.append(
            [
                order.reference,
                str(order.category),
                order.get_status_display(),
                order.signed_at.date().isoformat() if order.signed_at else "",
                order.resolved_at.date().isoformat() if order.resolved_at else "",
                order.get_rating_display() if order.rating else "",
            ]
        )
    return rows


def record_month_counts(community_path: str, start, end) -> dict[int, int]:
    """Per member of the community: pool orders closed 满意/基本满意 in [start, end)."""
    from django.db.models import Count

    from orders.models import Rating

    return dict(
        Order.objects.filter(
            pool_member__community_path=community_path,
            status=Status.CLOSED,
            rating__in=[Rating.SATISFIED, Rating.BASIC],
            closed_at__date__gte=start,
            closed_at__date__lt=end,
        )
        .values_list("pool_member_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def register_record_part() -> None:
    from django.utils.translation import gettext_lazy as _

    from parties import record

    record.register(
        record.RecordPart(
            key="pool_orders",
            title=_("党员接单"),
            header=(_("编号"), _("类别"), _("状态"), _("接单时间"), _("办结时间"), _("居民评价")),
            rows=record_rows,
            month_title=_("接单办结（满意）"),
            month_counts=record_month_counts,
        )
    )
