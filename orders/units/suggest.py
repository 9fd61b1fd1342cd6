"""Tier-3 dispatch suggestions (轮值 + 资源清单): which member units to offer first.

``tier3_suggestions(order=…)`` orders the order's tier-3 candidates (the active units of
its community, ``orders.services.handler_candidates``): the units on duty this month
first, then those whose resource list has the order's category with capacity left this
month, then the rest; within each group the least loaded first (load = the unit's
orders being handled now). Used by the dispatch form's fragment
``orders/staff/_unit_suggestions.html``. Five queries, whatever the number of units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from core import clock
from grids.models import MemberUnit
from orders.lifecycle import BEING_HANDLED, Tier
from orders.models import Order
from orders.services import handler_candidates
from parties.units import selectors as unit_selectors
from parties.units.models import UnitResource


@dataclass
class UnitSuggestion:
    unit: MemberUnit
    on_duty: bool
    load: int
    resources: list[tuple[UnitResource, int]] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return bool(self.resources)


def unit_loads(unit_ids: list[int]) -> dict[int, int]:
    """Orders being handled now per unit (one grouped query on handler_unit/status)."""
    return dict(
        Order.objects.filter(handler_unit_id__in=unit_ids, status__in=list(BEING_HANDLED))
        .values_list("handler_unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def tier3_suggestions(*, order: Order) -> list[UnitSuggestion]:
    units = handler_candidates(order=order, tier=Tier.MEMBER_UNIT)
    if not units or order.community_id is None:
        return []
    ids = [u.pk for u in units]
    today = timezone.localdate(clock.now())
    on_duty = unit_selectors.duty_unit_ids(
        community_id=order.community_id, month=today.replace(day=1)
    )
    loads = unit_loads(ids)
    matching: dict[int, list] = {}
    for resource, remaining in unit_selectors.matching_resources(
        community=order.community_id,
        category_code=order.category.code,
        day=today,
        unit_ids=ids,
    ):
        matching.setdefault(resource.unit_id, []).append((resource, remaining))
    rows = [
        UnitSuggestion(
            unit=u,
            on_duty=u.pk in on_duty,
            load=loads.get(u.pk, 0),
            resources=matching.get(u.pk, []),
        )
        for u in units
    ]
    return sorted(rows, key=lambda s: (not s.on_duty, not s.matches, s.load, s.unit.name))


def dispatch_candidates(*, order: Order, tier: int) -> tuple[list, list[UnitSuggestion]]:
    """The dispatch form's handlers at ``tier``: at tier 3 in suggestion order, with the
    suggestions for the fragment; at other tiers as ``handler_candidates`` gives them."""
    if tier != Tier.MEMBER_UNIT:
        return handler_candidates(order=order, tier=tier), []
    suggestions = tier3_suggestions(order=order)
    return [s.unit for s in suggestions], suggestions
