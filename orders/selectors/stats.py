"""Scoped reads of the dashboards (issue 9): which areas a user may see figures of, and
the orders behind a figure (the same definitions as ``orders.stats.facts``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from grids import access
from grids.models import Area, AreaLevel, PostRole
from orders import authority
from orders import events as ev
from orders.lifecycle import Action, Status
from orders.models import Order, OrderEvent, Rating
from orders.stats import Period
from orders.stats.facts import repeated_q

# Street officials see their street, community staff their community, grid leaders
# their grid (the area tree scopes everything).
STATS_ROLES = (PostRole.STREET_OFFICIAL, PostRole.COMMUNITY_DISPATCHER, PostRole.GRID_LEADER)
RANKING_ROLES = (PostRole.STREET_OFFICIAL,)


def stats_roots(*, user: AbstractBaseUser) -> list[Area]:
    """The top areas whose figures the user may read (one query)."""
    info = access.access_for(user)
    if info.is_superuser:
        return list(Area.objects.filter(level=AreaLevel.STREET).order_by("path"))
    paths = info.paths_for(*STATS_ROLES)
    roots = [p for p in paths if not any(p != r and p.startswith(r) for r in paths)]
    return list(Area.objects.filter(path__in=roots).order_by("path"))


def stats_area(*, user: AbstractBaseUser, code: str, roots: list[Area]) -> Area:
    """The area ``code`` if it lies in the user's scope (else 404); the first root when
    ``code`` is empty."""
    if not roots:
        raise Http404
    if not code:
        return roots[0]
    area = Area.objects.filter(code=code[:40]).first()
    if area is None or not any(area.path.startswith(r.path) for r in roots):
        raise Http404
    return area


def _in_period(field: str, period: Period) -> Q:
    start, end = period.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _event(order_q: Q = Q(), **filters) -> Exists:
    return Exists(OrderEvent.objects.filter(order=OuterRef("pk"), **filters).filter(order_q))


def _first_dispatched(qs: QuerySet[Order], period: Period) -> QuerySet[Order]:
    start, end = period.bounds()
    return qs.annotate(
        first_dispatch=Min("events__at", filter=Q(events__action=Action.DISPATCH))
    ).filter(first_dispatch__gte=start, first_dispatch__lt=end)


def _received(qs, period):
    return qs.filter(_in_period("placed_at", period))


def _judged(period, **data):
    start, end = period.bounds()
    return Exists(
        OrderEvent.objects.filter(
            order=OuterRef("pk"), action=Action.RATE, at__gte=start, at__lt=end, **data
        )
    )


SIGN_OVERDUE = {"action": Action.OVERDUE, f"data__{ev.OVERDUE_KIND_KEY}": "sign"}

# figure -> (label, orders behind it)
FIGURE_ORDERS = {
    "received": (_("受理的工单"), _received),
    "closed": (
        _("受理且已办结的工单"),
        lambda qs, p: _received(qs, p).filter(status=Status.CLOSED),
    ),
    "repeated": (
        _("重复诉求"),
        lambda qs, p: _received(qs, p).annotate(rep=repeated_q()).filter(rep=True),
    ),
    "dispatched": (_("首次派单的工单"), _first_dispatched),
    "sign_missed": (
        _("签收超期的工单"),
        lambda qs, p: _first_dispatched(qs, p).filter(_event(**SIGN_OVERDUE)),
    ),
    "overdue": (
        _("超期工单"),
        lambda qs, p: _first_dispatched(qs, p).filter(_event(action=Action.OVERDUE)),
    ),
    "returned": (
        _("退过单的工单"),
        lambda qs, p: _first_dispatched(qs, p).filter(_event(action=Action.RETURN)),
    ),
    "unsolved": (
        _("评价为未解决的工单"),
        lambda qs, p: qs.filter(_judged(p, **{f"data__{ev.SOLVED_KEY}": False})),
    ),
    "dissatisfied": (
        _("评价为不满意的工单"),
        lambda qs, p: qs.filter(_judged(p, **{f"data__{ev.RATING_KEY}": Rating.DISSATISFIED})),
    ),
    "cancelled": (
        _("撤销的工单"),
        lambda qs, p: qs.filter(
            Exists(
                OrderEvent.objects.filter(order=OuterRef("pk"), action=Action.CANCEL).filter(
                    _in_period("at", p)
                )
            )
        ),
    ),
}


def figure_orders(*, area: Area, period: Period, figure: str) -> QuerySet[Order]:
    """The orders behind ``figure`` under ``area`` in ``period`` (unknown figure: all
    orders received), with what a list row shows."""
    _label, pick = FIGURE_ORDERS.get(figure, FIGURE_ORDERS["received"])
    base = Order.objects.filter(
        authority.orders_under_q(path=area.path, level=area.level, area_id=area.pk)
    )
    return (
        pick(base, period)
        .select_related("category", "area", "handler_user", "handler_unit")
        .order_by("-placed_at", "-id")
    )
