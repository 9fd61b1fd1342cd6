"""The base scope of every order read: what a user may see, and the version annotation."""

from __future__ import annotations

from django.db.models import Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from orders.authority import order_scope_q
from orders.models import Order, OrderEvent


def orders_for_user(*, user) -> QuerySet[Order]:
    """Every order the user may see (their posts' subtrees, or handled by them or their unit)."""
    return Order.objects.filter(order_scope_q(user))


def with_version(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """Annotate ``version`` (services.order_version) so action forms can carry it."""
    latest = (
        OrderEvent.objects.filter(order=OuterRef("pk"))
        .exclude(to_status="")
        .order_by("-id")
        .values("id")[:1]
    )
    return queryset.annotate(version=Coalesce(Subquery(latest), Value(0)))


def order_for_user(*, user, order_id: int) -> Order:
    """One order the user may see, with what its pages need; 404 outside the scope."""
    return get_object_or_404(
        orders_for_user(user=user).select_related(
            "category", "area", "handler_user", "handler_unit", "placed_by"
        ),
        pk=order_id,
    )


def order_for_token(*, token: str) -> Order:
    """A resident's order by its private tracking token; 404 when unknown."""
    return get_object_or_404(Order.objects.select_related("category", "area"), tracking_token=token)


def add_versions(orders: list[Order]) -> None:
    """``with_version`` for rows already read: sets ``version`` on each of ``orders`` with
    ONE grouped query over their events (for a page of rows, rather than a correlated
    subquery evaluated over a whole backlog before it is cut)."""
    if not orders:
        return
    latest = dict(
        OrderEvent.objects.filter(order_id__in=[o.pk for o in orders])
        .exclude(to_status="")
        .values("order_id")
        .annotate(v=Max("id"))
        .values_list("order_id", "v")
    )
    for order in orders:
        order.version = latest.get(order.pk, 0)
