"""Reads for the public, account-less resident pages: the location picker, a resident's
own orders (by a verified phone), the community walls. Nothing here is scoped to a staff
user; what a page may show is decided here (anonymised wall rows, no staff names)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from grids.models import Area, AreaLevel
from orders import resident_words, wall_scrub
from orders.lifecycle import OPEN_STATUSES, Action, Status
from orders.models import CancelReason, Order, OrderPhoto, Rating
from orders.resident_words import resident_status
from orders.selectors.scope import order_for_token

AREA_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def is_area_code(code: str) -> bool:
    """Whether ``code`` could be an area code at all (garbage never reaches the database)."""
    return bool(AREA_CODE_RE.match(code or ""))


def is_token(token: str) -> bool:
    return bool(TOKEN_RE.match(token or ""))


# --- the location picker -----------------------------------------------------

# GET parameter for each level a resident picks, top down.
PICK_LEVELS: tuple[tuple[int, str], ...] = (
    (AreaLevel.COMMUNITY, "community"),
    (AreaLevel.GRID, "grid"),
    (AreaLevel.COMPOUND, "compound"),
    (AreaLevel.MICROGRID, "micro"),
)


@dataclass
class PickLevel:
    level: int
    param: str
    label: str
    options: list[Area]
    selected: Area | None = None


@dataclass
class LocationPick:
    levels: list[PickLevel] = field(default_factory=list)

    @property
    def area(self) -> Area | None:
        """The deepest node picked, if it is precise enough to place an order on."""
        chosen = [lvl.selected for lvl in self.levels if lvl.selected is not None]
        if chosen and chosen[-1].level >= AreaLevel.GRID:
            return chosen[-1]
        return None


def location_pick(*, codes: dict[str, str]) -> LocationPick:
    """The cascading selects for ``codes`` (level param → area code).

    A code counts only when it is a child of the node picked one level up, so changing
    the community drops a stale grid. Queries: one for the picked nodes, one per shown level.
    """
    wanted = [str(codes.get(param) or "") for _level, param in PICK_LEVELS]
    wanted = [code if is_area_code(code) else "" for code in wanted]
    by_code = {a.code: a for a in Area.objects.filter(code__in=[c for c in wanted if c])}
    pick = LocationPick()
    parent: Area | None = None
    for (level, param), code in zip(PICK_LEVELS, wanted, strict=True):
        if level == AreaLevel.COMMUNITY:
            options = list(Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("path"))
        elif parent is not None:
            options = list(parent.children.order_by("path"))
        else:
            break
        if not options:
            break
        candidate = by_code.get(code)
        selected = (
            candidate
            if candidate is not None and any(o.pk == candidate.pk for o in options)
            else None
        )
        pick.levels.append(
            PickLevel(
                level=level,
                param=param,
                label=AreaLevel(level).label,
                options=options,
                selected=selected,
            )
        )
        if selected is None:
            break
        parent = selected
    return pick


def location_codes_for(area: Area) -> dict[str, str]:
    """The picker parameters that reproduce ``area``'s chain (for "change location")."""
    codes = area.ancestor_codes  # street first
    return {param: codes[level - 1] for level, param in PICK_LEVELS if level <= len(codes)}


def public_area(*, code: str) -> Area:
    """A node a resident may place an order on (grid or deeper); 404 otherwise."""
    if not is_area_code(code):
        raise Http404
    return get_object_or_404(Area.objects.filter(level__gte=AreaLevel.GRID), code=code)


def area_chain_names(*, area: Area) -> list[str]:
    """Names from the community down to ``area`` — one query."""
    codes = area.ancestor_codes[AreaLevel.COMMUNITY - 1 :]
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    return [names[c] for c in codes if c in names]


# --- a resident's own orders ---------------------------------------------------


def order_for_resident_token(*, token: str) -> Order:
    """``order_for_token`` behind a format check, so garbage never reaches the database."""
    if not is_token(token):
        raise Http404
    return order_for_token(token=token)


@dataclass(frozen=True)
class MergedProgress:
    """What the resident of a merged repeat reads of the original's handling: its status
    in residents' words, the expected time, the tier and the result — never the other
    resident's description, name or phone."""

    status: str
    expected_by: datetime | None
    handled_by: str
    result: str


def merged_progress(*, order: Order) -> MergedProgress | None:
    """The original's progress for an order merged into it (``CancelReason.MERGED``) —
    2 queries; None for any other order."""
    if order.cancel_reason != CancelReason.MERGED or order.duplicate_of_id is None:
        return None
    original = Order.objects.filter(pk=order.duplicate_of_id).first()
    if original is None:
        return None
    result = ""
    if original.status in (Status.AWAITING_RATING, Status.CLOSED):
        last = original.events.filter(action=Action.RESOLVE).order_by("-at", "-id").first()
        result = last.note if last else ""
    return MergedProgress(
        status=str(resident_status(original.status)),
        expected_by=resident_words.expected_by(original),
        handled_by=resident_words.handled_by(original),
        result=result,
    )


def orders_for_phone(*, phone: str, limit: int = 100) -> list[Order]:
    """A verified resident's orders, newest first, with what the list shows."""
    if not phone:
        return []
    return list(
        Order.objects.filter(resident_phone=phone)
        .select_related("category", "area")
        .annotate(photo_count=Count("photos"))
        .order_by("-placed_at", "-id")[:limit]
    )


def order_photos_for_token(*, token: str) -> QuerySet[OrderPhoto]:
    return OrderPhoto.objects.filter(order__tracking_token=token).order_by("id")


def order_photo_for_token(*, token: str, photo_id: int) -> OrderPhoto:
    """A photo only the holder of its order's tracking token may see; 404 otherwise."""
    if not is_token(token):
        raise Http404
    return get_object_or_404(order_photos_for_token(token=token), pk=photo_id)


# --- the community walls (问题墙 / 回音壁) ----------------------------------------

ANSWERED_STATUSES = frozenset({Status.AWAITING_RATING, Status.CLOSED})
WALL_TABS = ("problems", "echo")


def scrub(text: str, *, names: tuple[str, ...] = ()) -> str:
    """Mask every way to reach or name the resident (``orders.wall_scrub``)."""
    return wall_scrub.scrub(text, names=names)


@dataclass(frozen=True)
class WallRow:
    """One anonymised matter on a wall: never a name, a phone, a photo or a unit."""

    reference: str
    category: str
    place: str
    status: str
    status_label: str
    placed_at: datetime
    resolved_at: datetime | None
    description: str
    result: str
    rating: str
    rating_label: str


@dataclass(frozen=True)
class WallCounts:
    total: int
    answered: int
    open: int
    rated: int
    satisfied: int

    @property
    def satisfaction_rate(self) -> float | None:
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None


def wall_community(*, code: str) -> Area:
    if not is_area_code(code):
        raise Http404
    return get_object_or_404(Area.objects.filter(level=AreaLevel.COMMUNITY), code=code)


def _community_orders(community: Area) -> QuerySet[Order]:
    # The order's own community id (indexed), not a join with the area's path.
    return Order.objects.filter(community_id=community.pk).exclude(status=Status.CANCELLED)


def wall_counts(*, community: Area) -> WallCounts:
    """事事有回音: answered/total and the satisfaction rate — one grouped query.

    Grouped by status, rating and whether a result was ever reported, so the database
    returns a handful of rows, not the community's orders; the sums are taken here."""
    rows = (
        _community_orders(community)
        .values_list("status", "rating")
        .annotate(ever_resolved=Q(resolved_at__isnull=False), n=Count("id"))
        .values_list("status", "rating", "ever_resolved", "n")
        .order_by()
    )
    good = {Rating.SATISFIED, Rating.BASIC}
    total = answered = open_ = rated = satisfied = 0
    for status, rating, ever_resolved, n in rows:
        total += n
        answered += n if status in ANSWERED_STATUSES or ever_resolved else 0
        open_ += n if status in OPEN_STATUSES else 0
        rated += n if rating else 0
        satisfied += n if rating in good else 0
    return WallCounts(total=total, answered=answered, open=open_, rated=rated, satisfied=satisfied)


def wall_orders(*, community: Area, tab: str) -> QuerySet[Order]:
    """Open matters (problems) or answered ones (echo), newest first; paginate the result."""
    qs = (
        _community_orders(community)
        .filter(wall_hidden=False)  # hidden by staff moderation
        .select_related("category", "area__parent")
    )
    if tab == "echo":
        return qs.filter(status__in=ANSWERED_STATUSES).order_by("-resolved_at", "-id")
    return qs.filter(status__in=OPEN_STATUSES).order_by("-placed_at", "-id")


def _place_name(area: Area) -> str:
    """The compound (小区/楼栋) name: a micro-grid is never named on a wall."""
    if area.level >= AreaLevel.MICROGRID and area.parent is not None:
        return area.parent.name
    return area.name


def wall_description(order: Order, *, names: tuple[str, ...] = ()) -> str:
    """The moderated text when staff edited the entry, else the resident's description
    if they let it be shown — scrubbed either way."""
    if order.wall_text:
        return scrub(order.wall_text, names=names)
    if not order.show_on_wall:
        return gettext("（居民选择不公开问题描述）")
    return scrub(order.description, names=names)


def wall_rows(orders) -> list[WallRow]:
    rows = []
    for order in orders:
        names = (order.resident_name,)
        rows.append(
            WallRow(
                reference=order.reference,
                category=str(order.category),
                place=_place_name(order.area),
                status=order.status,
                status_label=resident_status(order.status),
                placed_at=order.placed_at,
                resolved_at=order.resolved_at,
                description=wall_description(order, names=names),
                result=scrub(order.result_note, names=names),
                rating=order.rating,
                rating_label=order.get_rating_display() if order.rating else "",
            )
        )
    return rows
