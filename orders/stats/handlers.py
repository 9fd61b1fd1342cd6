"""Handlers' own figures (issue 9): a property manager's, grid leader's or street
official's as the handler of orders, and a member unit's — summed from ``HandlerFact``
(per order × month × handler, kept by the fill; attribution rules in
``orders.stats.facts.handler_contributions``). Periods are whole months."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from core.people import person_name
from grids.models import Area, AreaLevel, MemberUnit, Post, PostRole
from orders.models import HandlerFact
from orders.selectors.staff import INBOX_ROLES
from orders.stats import Period, ranked
from orders.stats.figures import Figures

# Staff who take orders at a tier see their own figures (the roles with an inbox); unit
# liaisons see their member unit's.
HANDLER_ROLES = INBOX_ROLES


@dataclass(frozen=True)
class Handler:
    """A staff user or a member unit, as the rollup keys them."""

    user_id: int | None
    unit_id: int | None
    label: str

    @property
    def key(self) -> tuple[int | None, int | None]:
        return (self.user_id, self.unit_id)


def months(period: Period) -> tuple[date, date]:
    """The months a period covers: from its first day's month to its last day's."""
    return period.start.replace(day=1), period.last_day.replace(day=1)


def _sums(handlers: list[Handler], first: date, last: date) -> dict[tuple, Counter]:
    """``{(handler key, month): measures}`` for months ``first``..``last`` (one indexed
    query per kind of handler)."""
    users = [h.user_id for h in handlers if h.user_id]
    units = [h.unit_id for h in handlers if h.unit_id]
    sums: dict[tuple, Counter] = defaultdict(Counter)
    for field, ids in (("handler_user", users), ("handler_unit", units)):
        if not ids:
            continue
        rows = HandlerFact.objects.filter(
            **{f"{field}__in": ids}, month__gte=first, month__lte=last
        ).values_list("handler_user_id", "handler_unit_id", "month", "counts")
        for user, unit, month, counts in rows:
            sums[((user, unit), month)].update(counts)
    return sums


def _figures(handlers, sums, first: date, last: date) -> dict[tuple, Figures]:
    wanted = {month for _key, month in sums if first <= month <= last}
    out = {}
    for handler in handlers:
        total: Counter = Counter()
        for month in wanted:
            total.update(sums.get((handler.key, month), {}))
        out[handler.key] = Figures(total)
    return out


def figures(handlers: list[Handler], period: Period) -> dict[tuple, Figures]:
    """Each handler's figures over the months of ``period``."""
    first, last = months(period)
    return _figures(handlers, _sums(handlers, first, last), first, last)


def trend(handler: Handler, last: Period, count: int = 12) -> list[tuple[str, Figures]]:
    """The handler's figures per month for the ``count`` months ending with ``last``'s."""
    keys = [last.start.replace(day=1)]
    while len(keys) < count:
        keys.insert(0, (keys[0] - timedelta(days=1)).replace(day=1))
    field = "handler_user" if handler.user_id else "handler_unit"
    rows = HandlerFact.objects.filter(
        **{field: handler.user_id or handler.unit_id}, month__gte=keys[0], month__lte=keys[-1]
    ).values_list("month", "counts")
    per: dict[date, Counter] = defaultdict(Counter)
    for month, counts in rows:
        per[month].update(counts)
    return [(f"{m:%Y-%m}", Figures(per[m])) for m in keys]


def own_handlers(user) -> list[Handler]:
    """The handlers whose figures ``user`` may read as their own: themselves (when they
    hold a handler post) and the member units they are liaison of."""
    posts = Post.objects.filter(user=user, role__in=HANDLER_ROLES).select_related("member_unit")
    out, seen_self = [], False
    for post in posts.order_by("role", "pk"):
        if post.role == PostRole.UNIT_LIAISON:
            if post.member_unit_id and all(h.unit_id != post.member_unit_id for h in out):
                out.append(Handler(None, post.member_unit_id, post.member_unit.name))
        elif not seen_self:
            seen_self = True
            out.insert(0, Handler(user.pk, None, person_name(user)))
    return out


def street_property_managers(street: Area) -> list[Handler]:
    """The property managers with a post in ``street``."""
    User = get_user_model()
    users = (
        User.objects.filter(
            posts__role=PostRole.PROPERTY_MANAGER, posts__area__path__startswith=street.path
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    return [Handler(u.pk, None, person_name(u)) for u in users]


def street_member_units(street: Area) -> list[Handler]:
    units = MemberUnit.objects.filter(
        community__path__startswith=street.path, community__level=AreaLevel.COMMUNITY
    ).order_by("community__path", "name")
    return [Handler(None, u.pk, u.name) for u in units]


def ranking(handlers: list[Handler], period: Period) -> list[dict]:
    """Handlers by composite score for a month against the month before; a handler with
    fewer orders dispatched to it than the minimum is listed, not ranked."""
    first, last = months(period)
    prev_first, prev_last = months(period.previous())
    sums = _sums(handlers, prev_first, last)
    now = _figures(handlers, sums, first, last)
    before = _figures(handlers, sums, prev_first, prev_last)
    return ranked(
        handlers,
        now=[now[h.key] for h in handlers],
        before=[before[h.key] for h in handlers],
        volume=lambda f: f.n("dispatched"),
        label=lambda h: h.label,
    )
