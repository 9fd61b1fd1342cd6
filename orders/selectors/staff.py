"""Reads for the staff side: the dispatch board, the handler inbox, the order detail.

Every function takes the user and stays inside what ``grids.access`` lets them see.
Each is a fixed number of queries whatever the number of rows (asserted in tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.paging import LatePaginator
from core.phones import is_mobile
from grids import access
from grids.models import Area, AreaLevel, PostRole, paths_q
from orders import authority
from orders.lifecycle import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Action,
    QueueReason,
    Status,
    allowed_actions,
)
from orders.models import Order, OrderEvent, OrderPhoto, PhotoKind, Urgency

# Imported after the package defined it: ``orders.selectors`` re-exports this module at its end.
from orders.selectors.scope import add_versions, orders_for_user

BOARD_PAGE_SIZE = 25

# The board's tabs: the four dispatch queues, then every open order, then everything.
QUEUES: dict[str, tuple[Any, Q]] = {
    **{
        reason.value: (reason.label, Q(status=Status.AWAITING_DISPATCH, queue_reason=reason))
        for reason in QueueReason
    },
    "open": (_("全部在办"), Q(status__in=OPEN_STATUSES)),
    "all": (_("全部"), Q()),
}
DEFAULT_QUEUE = QueueReason.NEW
OVERDUE_KEY = "overdue"

# Roles whose orders arrive in the handler inbox.
INBOX_ROLES = (
    PostRole.PROPERTY_MANAGER,
    PostRole.GRID_LEADER,
    PostRole.UNIT_LIAISON,
    PostRole.STREET_OFFICIAL,
)


def overdue_q(*, now=None) -> Q:
    """Open orders past their dispatch, sign-for or resolution due time (an order waiting
    for dispatch again after an escalation keeps its resolution due time)."""
    now = now or timezone.now()
    return (
        Q(status=Status.AWAITING_SIGN, sign_due_at__lt=now)
        | Q(status__in=[Status.IN_PROGRESS, Status.EXTENSION_REQUESTED], resolve_due_at__lt=now)
        | Q(status=Status.AWAITING_DISPATCH, dispatch_due_at__lt=now)
        | Q(status=Status.AWAITING_DISPATCH, resolve_due_at__lt=now)
    )


# --- the board ----------------------------------------------------------------


def board_communities(*, user: AbstractBaseUser) -> list[Area]:
    """Communities whose board the user may open: their own as dispatcher, any in their street."""
    qs = Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("path")
    info = access.access_for(user)
    if info.is_superuser:
        return list(qs)
    paths = info.paths_for(*access.DISPATCH_ROLES)
    # A post on the community itself or above it (a street official) opens the board.
    return list(qs.filter(paths_q(paths, "path"))) if paths else []


def board_places(*, user: AbstractBaseUser) -> tuple[list[Area], dict[int, list[Area]]]:
    """``board_communities`` and each one's grids (for the grid filter) — ONE query."""
    qs = Area.objects.filter(level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID]).order_by("path")
    info = access.access_for(user)
    if not info.is_superuser:
        paths = info.paths_for(*access.DISPATCH_ROLES)
        if not paths:
            return [], {}
        qs = qs.filter(paths_q(paths, "path"))
    rows = list(qs)
    communities = [a for a in rows if a.level == AreaLevel.COMMUNITY]
    grids: dict[int, list[Area]] = {c.pk: [] for c in communities}
    for area in rows:
        if area.level == AreaLevel.GRID and area.parent_id in grids:
            grids[area.parent_id].append(area)
    return communities, grids


def community_grids(*, community: Area) -> QuerySet[Area]:
    return Area.objects.filter(level=AreaLevel.GRID, path__startswith=community.path).order_by(
        "path"
    )


def board_base(*, community: Area) -> QuerySet[Order]:
    """Every order of one community (its subtree). Callers have checked the community.

    Filters on the order's own ``community_id`` (set by the writer), so each list and count
    is a range of one of the ``order_comm_*`` indexes, never a join with a path LIKE."""
    return Order.objects.filter(community_id=community.pk)


@dataclass(frozen=True)
class BoardFilters:
    queue: str = DEFAULT_QUEUE
    status: str = ""
    category_id: int | None = None
    grid: Area | None = None
    tier: int | None = None
    channel: str = ""
    overdue: bool = False
    search: str = ""
    sort: str = ""


def urgency_rank() -> Case:
    """特急 0, 紧急 1, 一般 2: sorts the most urgent first."""
    return Case(
        When(urgency=Urgency.EMERGENCY, then=Value(0)),
        When(urgency=Urgency.URGENT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def due_expression() -> Case:
    """``Order.current_due_at`` in SQL (waiting for dispatch: the dispatch limit)."""
    return Case(
        When(status=Status.AWAITING_DISPATCH, then=F("dispatch_due_at")),
        When(status=Status.AWAITING_SIGN, then=F("sign_due_at")),
        When(status__in=[Status.IN_PROGRESS, Status.EXTENSION_REQUESTED], then=F("resolve_due_at")),
        default=Value(None),
    )


# The board's sortable columns: key -> (ascending ordering, label). "-key" reverses it.
# Each list is a range of the community's rows (``order_comm_*`` indexes) sorted by these
# columns; the default puts what is overdue first, then the most urgent, then the oldest.
BOARD_SORTS: dict[str, tuple[list, Any]] = {
    "reference": (["reference"], _("编号")),
    "placed": (["placed_at", "id"], _("点单时间")),
    "category": (["category__sort_order", "category_id", "placed_at", "id"], _("类别")),
    "urgency": (["urgency_rank", "placed_at", "id"], _("紧急程度")),
    "status": (["status", "placed_at", "id"], _("状态")),
    "due": (["due_sort", "placed_at", "id"], _("时限")),
}
DEFAULT_SORT = ["overdue_rank", "urgency_rank", "placed_at", "id"]


def board_sort_key(raw: str) -> str:
    """A whitelisted sort key ("placed", "-placed", ...), or "" for the default order."""
    return raw if raw.lstrip("-") in BOARD_SORTS else ""


def board_sort_links(sort: str) -> dict[str, dict]:
    """Per sortable column: the sort its header link asks for (the column ascending, or
    descending when it is already ascending) and whether the board is sorted by it now."""
    key = board_sort_key(sort)
    links = {}
    for column, (_fields, label) in BOARD_SORTS.items():
        active = key.lstrip("-") == column
        descending = active and key.startswith("-")
        links[column] = {
            "label": label,
            "next": f"-{column}" if active and not descending else column,
            "active": active,
            "descending": descending,
        }
    return links


def board_ordering(sort: str) -> list:
    key = board_sort_key(sort)
    if not key:
        return DEFAULT_SORT
    fields, _label = BOARD_SORTS[key.lstrip("-")]
    if not key.startswith("-"):
        return fields
    return [f[1:] if f.startswith("-") else f"-{f}" for f in fields]


def board_orders(*, community: Area, filters: BoardFilters) -> QuerySet[Order]:
    """The board's rows: one query per page with everything a row shows."""
    return filter_orders(board_base(community=community), filters=filters)


def filter_orders(qs: QuerySet[Order], *, filters: BoardFilters) -> QuerySet[Order]:
    """``qs`` (already scoped) narrowed by the board's tab and filters, in the chosen order."""
    _label, queue_q = QUEUES.get(filters.queue, QUEUES[DEFAULT_QUEUE])
    qs = qs.filter(queue_q)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category_id:
        qs = qs.filter(category_id=filters.category_id)
    if filters.grid is not None:
        grid = filters.grid
        qs = qs.filter(authority.orders_under_q(path=grid.path, level=grid.level, area_id=grid.pk))
    if filters.tier:
        qs = qs.filter(tier=filters.tier)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.overdue:
        qs = qs.filter(overdue_q())
    text = filters.search.strip()
    if text:
        qs = qs.filter(
            Q(reference__icontains=text)
            | Q(resident_phone__contains=text)
            | Q(description__icontains=text)
        )
    ordering = board_ordering(filters.sort)
    names = {f.lstrip("-") for f in ordering}
    if "overdue_rank" in names:
        qs = qs.annotate(
            overdue_rank=Case(
                When(overdue_q(), then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
    if "urgency_rank" in names:
        qs = qs.annotate(urgency_rank=urgency_rank())
    if "due_sort" in names:
        qs = qs.annotate(due_sort=due_expression())
        # Orders with no due time now (closed, cancelled) after those with one, either way.
        ordering = [
            F("due_sort").desc(nulls_last=True)
            if f == "-due_sort"
            else F("due_sort").asc(nulls_last=True)
            if f == "due_sort"
            else f
            for f in ordering
        ]
    # The probable repeat's reference by a correlated lookup, not a join: a second
    # ``orders_order`` in the join doubled the statement's planning time.
    return (
        qs.select_related("category", "area", "handler_user", "handler_unit")
        .annotate(repeat_of_reference=linked_order("repeat_of_id", "reference"))
        .order_by(*ordering)
    )


def linked_order(key: str, column: str) -> Subquery:
    """``column`` of the order another one points at through ``key`` (its probable repeat,
    its merge original), as a correlated lookup: cheaper to plan than a self-join."""
    return Subquery(Order.objects.filter(pk=OuterRef(key)).values(column)[:1])


def board_counts(*, community: Area) -> dict[str, int]:
    """Orders per board tab, plus the overdue ones — ONE query.

    The orders grouped by (status, queue reason), an index-only scan of
    ``order_comm_status_queue``, with the overdue count (open statuses only, a few rows
    each) as one more row of the same statement; the tabs are summed from the groups."""
    base = board_base(community=community)
    grouped = base.values_list("status", "queue_reason").annotate(n=Count("id")).order_by()
    overdue = (
        base.filter(overdue_q())
        .annotate(g_status=Value(OVERDUE_KEY), g_queue=Value(""))
        .values_list("g_status", "g_queue")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {key: 0 for key in QUEUES} | {OVERDUE_KEY: 0}
    for status, queue_reason, n in grouped.union(overdue, all=True):
        if status == OVERDUE_KEY:
            counts[OVERDUE_KEY] += n
            continue
        counts["all"] += n
        if status in OPEN_STATUSES:
            counts["open"] += n
        if status == Status.AWAITING_DISPATCH and queue_reason in counts:
            counts[queue_reason] += n
    return counts


def board_count_for(*, counts: dict[str, int], filters: BoardFilters) -> int | None:
    """The board list's row count when ``board_counts`` already has it (only a tab chosen)."""
    if filters.queue not in QUEUES or replace(filters, sort="") != BoardFilters(
        queue=filters.queue
    ):
        return None
    return counts[filters.queue]


def board_tabs(*, counts: dict[str, int]) -> list[dict]:
    return [
        {"key": key, "label": label, "count": counts[key]} for key, (label, _q) in QUEUES.items()
    ]


# --- the detail -------------------------------------------------------------------


@dataclass
class OrderDetail:
    order: Order
    events: list[OrderEvent]
    report_photos: list[OrderPhoto] = field(default_factory=list)
    result_photos: list[OrderPhoto] = field(default_factory=list)
    followup_photos: list[OrderPhoto] = field(default_factory=list)


def order_detail_for_user(*, user: AbstractBaseUser, order_id: int) -> OrderDetail:
    """An order with its timeline and photos; 404 outside the user's scope. 3 queries."""
    events = OrderEvent.objects.select_related("actor", "handler_user", "handler_unit").order_by(
        "at", "id"
    )
    order = get_object_or_404(
        orders_for_user(user=user)
        .select_related(
            "category",
            "area",
            "handler_user",
            "handler_unit",
            "placed_by",
            "community",
        )
        # The original of a merge or of a probable repeat by correlated lookups, not
        # joins: two more ``orders_order`` in the join tripled the planning time.
        .annotate(
            duplicate_of_reference=linked_order("duplicate_of_id", "reference"),
            repeat_of_reference=linked_order("repeat_of_id", "reference"),
            repeat_of_phone=linked_order("repeat_of_id", "resident_phone"),
        )
        .prefetch_related(Prefetch("events", queryset=events), "photos"),
        pk=order_id,
    )
    photos = list(order.photos.all())
    events = list(order.events.all())
    # The version the action forms carry (see services.order_version), read off the timeline.
    order.version = max((e.id for e in events if e.to_status), default=0)
    return OrderDetail(
        order=order,
        events=events,
        report_photos=[p for p in photos if p.kind == PhotoKind.REPORT],
        result_photos=[p for p in photos if p.kind == PhotoKind.RESULT],
        followup_photos=[p for p in photos if p.kind == PhotoKind.FOLLOWUP],
    )


def photo_for_user(*, user: AbstractBaseUser, order_id: int, photo_id: int) -> OrderPhoto:
    """A photo of an order the user may see; 404 otherwise (photos are never public)."""
    # The order id is matched on the order's own primary key: a foreign-key lookup skips
    # Django's integer-range check, so a URL id past bigint would crash the query.
    return get_object_or_404(
        OrderPhoto.objects.filter(order__in=orders_for_user(user=user).filter(pk=order_id)),
        pk=photo_id,
    )


# Staff-side actions a detail page may offer. ``close_unrated`` belongs to the sweep.
STAFF_ACTIONS = (
    Action.DISPATCH,
    Action.SIGN,
    Action.RETURN,
    Action.REQUEST_EXTENSION,
    Action.APPROVE_EXTENSION,
    Action.REFUSE_EXTENSION,
    Action.ESCALATE,
    Action.RESOLVE,
    Action.RATE,
    Action.CANCEL,
    Action.MERGE,
    # The open pool (党员接单).
    Action.TO_POOL,
    Action.WITHDRAW_POOL,
    Action.CLAIM,
    Action.RETURN_TO_POOL,
)


def order_actions_for_user(*, user: AbstractBaseUser, order: Order) -> list[str]:
    """What this user may do to this order now: the lifecycle ∩ the user's authority.

    A staff "rate" is a rating recorded from a callback, so it needs the callback right.
    ``note`` never moves the status and is offered to dispatchers and the handler.
    """
    now_allowed = set(allowed_actions(order.status))
    actions = [
        action
        for action in STAFF_ACTIONS
        if action in now_allowed
        and authority.order_may(user, "callback" if action == Action.RATE else action, order)
    ]
    if order.repeat_of_id and authority.order_may(user, Action.MERGE, order):
        actions.append(Action.KEEP_BOTH)
    if order.status in OPEN_STATUSES and authority.order_may(user, Action.CHASE, order):
        actions.append(Action.CHASE)
    if order.status not in FINAL_STATUSES and access.area_in_scope(
        user, order.area, roles=(PostRole.STREET_OFFICIAL,)
    ):
        actions.append(Action.SUPERVISE)
    if authority.may_follow_up(user, order):
        actions.append(Action.NOTE)
    if (
        authority.may_note(user, order)
        and order.status in OPEN_STATUSES
        and is_mobile(order.resident_phone)
    ):
        actions.append(Action.ASK_RESIDENT)
    return actions


def board_community_for_order(*, user: AbstractBaseUser, order: Order) -> Area | None:
    """The order's community when the user dispatches there (their board shows it)."""
    if not authority.is_order_dispatcher(user, order) or order.area.level < AreaLevel.COMMUNITY:
        return None
    if order.community_id is not None:
        return order.community  # the scope column, read with the order
    code = order.area.ancestor_codes[AreaLevel.COMMUNITY - 1]
    return Area.objects.filter(code=code).first()


# --- the inbox ----------------------------------------------------------------------

INBOX_SECTIONS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "to_sign": (_("待签收"), (Status.AWAITING_SIGN,)),
    "in_progress": (_("办理中"), (Status.IN_PROGRESS, Status.EXTENSION_REQUESTED)),
    "awaiting_rating": (_("待评价"), (Status.AWAITING_RATING,)),
}


def handler_q(*, user: AbstractBaseUser) -> Q:
    """Orders whose current handler is the user or one of their member units."""
    q = Q(handler_user_id=user.pk)
    unit_ids = access.access_for(user).member_unit_ids()
    if unit_ids:
        q |= Q(handler_unit_id__in=unit_ids)
    return q


# The inbox shows each section's most urgent orders; "all of them" pages one section.
INBOX_SHOWN = 10
INBOX_PAGE_SIZE = 25
INBOX_ORDERING = ("sign_due_at", "resolve_due_at", "placed_at", "id")


def _section_of() -> Case:
    return Case(
        *[When(status__in=group, then=Value(key)) for key, (_l, group) in INBOX_SECTIONS.items()],
        output_field=CharField(),
    )


def inbox_orders(*, user: AbstractBaseUser, section: str) -> QuerySet[Order]:
    """One section of the handler's inbox, most urgent first (for its own pages)."""
    _label, group = INBOX_SECTIONS[section]
    return (
        Order.objects.filter(handler_q(user=user), status__in=group)
        .select_related("category", "area", "handler_user", "handler_unit")
        .order_by(*INBOX_ORDERING)
    )


def inbox_for_user(*, user: AbstractBaseUser, shown: int = INBOX_SHOWN) -> list[dict]:
    """The handler's inbox by section: each section's ``shown`` most urgent orders and its
    total — ONE query (a window numbers the rows of each section), whatever the backlog.
    Each order carries ``version`` (``add_versions``)."""
    statuses = [s for _label, group in INBOX_SECTIONS.values() for s in group]
    section = _section_of()
    rows = list(
        Order.objects.filter(handler_q(user=user), status__in=statuses)
        .annotate(
            section_key=section,
            section_total=Window(Count("id"), partition_by=[section]),
            section_rank=Window(
                RowNumber(), partition_by=[section], order_by=[F(f) for f in INBOX_ORDERING]
            ),
        )
        .filter(section_rank__lte=shown)
        .select_related("category", "area", "handler_user", "handler_unit")
        .order_by(*INBOX_ORDERING)
    )
    add_versions(rows)
    return [
        {
            "key": key,
            "label": label,
            "orders": [o for o in rows if o.section_key == key],
            "total": next((o.section_total for o in rows if o.section_key == key), 0),
        }
        for key, (label, _group) in INBOX_SECTIONS.items()
    ]


def inbox_section(*, user: AbstractBaseUser, section: str, page: str | None):
    """One section of the inbox on its own pages: ``(sections, page)`` as the inbox
    template takes them (``section`` must be a key of ``INBOX_SECTIONS``)."""
    paginator = LatePaginator(inbox_orders(user=user, section=section), INBOX_PAGE_SIZE)
    current = paginator.get_page(page)
    rows = list(current.object_list)
    add_versions(rows)
    label, _group = INBOX_SECTIONS[section]
    return [{"key": section, "label": label, "orders": rows, "total": paginator.count}], current


# --- intake ---------------------------------------------------------------------------


def intake_areas(*, user: AbstractBaseUser) -> QuerySet[Area]:
    """Where the user may enter orders on a resident's behalf."""
    return Area.objects.filter(access.intake_scope_q(user, path_field="path"))


def intake_picker(*, user: AbstractBaseUser, chosen: dict[int, str]) -> list[dict]:
    """The cascading location selects: community → grid → compound → micro-grid.

    ``chosen`` maps a level to the code picked there. A level lists the in-scope nodes
    under the pick one level up; the top level of the user's scope lists all of them.
    """
    scope = intake_areas(user=user)
    levels = []
    parent: Area | None = None
    parent_needed = False
    for level in (AreaLevel.COMMUNITY, AreaLevel.GRID, AreaLevel.COMPOUND, AreaLevel.MICROGRID):
        if parent is not None:
            options = list(scope.filter(level=level, parent=parent).order_by("path"))
        elif parent_needed:
            options = []
        else:
            options = list(scope.filter(level=level).order_by("path"))
        picked = next((a for a in options if a.code == chosen.get(level)), None)
        levels.append(
            {"level": level, "label": AreaLevel(level).label, "options": options, "picked": picked}
        )
        parent_needed = parent_needed or bool(options)
        parent = picked
    return levels
