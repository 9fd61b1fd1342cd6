"""Who a dispatcher may choose, described: each candidate's post, unit and current load.

``services.handler_candidates`` decides who may take an order at a tier (the writer checks
the same list); this module only describes them for the dispatch forms — the post and
the place it covers, or the member unit and its remit, and the number of open orders the
candidate holds now. Two queries whatever the number of candidates (one aggregate over
the handlers' open orders, one for the posts), never one per candidate.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from core.people import person_name
from grids.models import AreaLevel, MemberUnit, Post, PostRole
from orders.lifecycle import BEING_HANDLED, Tier
from orders.models import Order


@dataclass(frozen=True)
class Candidate:
    """One handler a dispatcher may choose: a user (tiers 1, 2, 4) or a member unit (3)."""

    tier: int
    handler: object
    name: str
    post: str
    load: int

    @property
    def key(self) -> str:
        """The form value naming tier and handler ("1:u:12", "3:m:4")."""
        kind = "m" if isinstance(self.handler, MemberUnit) else "u"
        return f"{self.tier}:{kind}:{self.handler.pk}"

    @property
    def label(self) -> str:
        parts = [self.name]
        if self.post:
            parts.append(self.post)
        parts.append(_("在办 %(n)s 件") % {"n": self.load})
        return " · ".join(parts)


# The role a tier's candidates hold (tier 3 is the member units).
TIER_ROLES = {
    Tier.PROPERTY: PostRole.PROPERTY_MANAGER,
    Tier.GRID: PostRole.GRID_LEADER,
    Tier.STREET: PostRole.STREET_OFFICIAL,
}


def _open_orders_of(field: str) -> Subquery:
    """The number of open orders whose ``field`` is the outer row's handler (the
    ``order_handler_*_status`` indexes)."""
    return Subquery(
        Order.objects.filter(**{field: OuterRef("pk" if field == "handler_unit_id" else "user_id")})
        .filter(status__in=list(BEING_HANDLED))
        .order_by()
        .values(field)
        .annotate(n=Count("id"))
        .values("n"),
        output_field=IntegerField(),
    )


def _users_described(users: list) -> dict[int, tuple[str, int]]:
    """Each user's candidate posts ("物业（桂花苑）") and open orders — ONE query."""
    if not users:
        return {}
    posts = (
        Post.objects.filter(user_id__in=[u.pk for u in users], role__in=TIER_ROLES.values())
        .select_related("area")
        .annotate(load=_open_orders_of("handler_user_id"))
        .order_by("area__path", "role")
    )
    labels: dict[int, list[str]] = {}
    loads: dict[int, int] = {}
    for post in posts:
        labels.setdefault(post.user_id, []).append(f"{post.get_role_display()}（{post.area.name}）")
        loads[post.user_id] = post.load or 0
    return {user_id: ("、".join(parts), loads[user_id]) for user_id, parts in labels.items()}


def _unit_loads(units: list) -> dict[int, int]:
    """Open orders per member unit — ONE query."""
    if not units:
        return {}
    rows = MemberUnit.objects.filter(pk__in=[m.pk for m in units]).annotate(
        load=_open_orders_of("handler_unit_id")
    )
    return {unit.pk: unit.load or 0 for unit in rows}


def describe(pairs: list[tuple[int, object]]) -> list[Candidate]:
    """``(tier, handler)`` pairs as ``Candidate`` rows, in the given order: one query for
    the users among them, one for the member units."""
    users = [h for _t, h in pairs if not isinstance(h, MemberUnit)]
    units = [h for _t, h in pairs if isinstance(h, MemberUnit)]
    described = _users_described(users)
    unit_loads = _unit_loads(units)
    rows = []
    for tier, handler in pairs:
        if isinstance(handler, MemberUnit):
            rows.append(_unit_candidate(handler, unit_loads.get(handler.pk, 0)))
        else:
            post, load = described.get(handler.pk, ("", 0))
            rows.append(Candidate(tier, handler, person_name(handler), post, load))
    return rows


def dispatch_candidates(*, candidates: list, tier: int) -> list[Candidate]:
    """The detail page's dispatch choices (``services.handler_candidates`` for the order
    and tier), described."""
    return describe([(tier, c) for c in candidates])


def community_candidates(*, community) -> list[Candidate]:
    """Everyone who may take orders of ``community`` at some tier, for a bulk dispatch:
    property managers and grid leaders posted inside it, its member units, the street's
    officials, each with their post and open orders — 2 queries. The writer still checks
    each order against its own candidates (a property manager of one compound cannot take
    another compound's order)."""
    codes = community.ancestor_codes
    street_path = "/".join(codes[: AreaLevel.STREET]) + "/"
    posts = (
        Post.objects.filter(user__is_active=True)
        .filter(
            _role_at(PostRole.PROPERTY_MANAGER, community.path)
            | _role_at(PostRole.GRID_LEADER, community.path)
            | _role_exact(PostRole.STREET_OFFICIAL, street_path)
        )
        .select_related("user", "area")
        .annotate(load=_open_orders_of("handler_user_id"))
        .order_by("area__path", "user__username")
    )
    tier_of = {role: tier for tier, role in TIER_ROLES.items()}
    found: dict[tuple[int, int], tuple[object, list[str], int]] = {}
    for post in posts:
        key = (tier_of[post.role], post.user_id)
        _user, places, _load = found.setdefault(key, (post.user, [], post.load or 0))
        places.append(f"{post.get_role_display()}（{post.area.name}）")
    rows = [
        Candidate(tier, user, person_name(user), "、".join(places), load)
        for (tier, _user_id), (user, places, load) in found.items()
    ]
    units = MemberUnit.objects.filter(community=community, is_active=True).annotate(
        load=_open_orders_of("handler_unit_id")
    )
    rows += [_unit_candidate(unit, unit.load or 0) for unit in units.order_by("name")]
    rows.sort(key=lambda row: row.tier)
    return rows


def _unit_candidate(unit: MemberUnit, load: int) -> Candidate:
    post = _("成员单位") + (f"（{unit.remit}）" if unit.remit else "")
    return Candidate(Tier.MEMBER_UNIT, unit, unit.name, post, load)


def _role_at(role: str, path: str) -> Q:
    return Q(role=role, area__path__startswith=path)


def _role_exact(role: str, path: str) -> Q:
    return Q(role=role, area__path=path)
