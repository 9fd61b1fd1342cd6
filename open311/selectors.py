"""Reads for the Open311 API: categories as services, orders as service requests.

Every read is scoped to the client's area (``ApiClient.area``'s subtree). A request never
carries a resident's phone, name or photo, nor a staff member's name: the description is
the wall's (moderated, scrubbed, or withheld when the resident chose so) and
``agency_responsible`` is the tier that holds the order."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Area, AreaLevel
from orders.lifecycle import FINAL_STATUSES, Status, Tier
from orders.models import Category, DeadlinePolicy, Nature, Order, Urgency
from orders.models.deadlines import DeadlineUnit
from orders.selectors.public import wall_description

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
MAX_IDS = 100


# --- services ----------------------------------------------------------------------


def _limit(limit: int, unit: str) -> str:
    return f"{limit} {DeadlineUnit(unit).label}"


def notice_for(category: Category, policy: DeadlinePolicy | None) -> str:
    """The response-time promise: sign-for and resolution limits."""
    if policy is not None:
        sign, resolve = (
            _limit(policy.sign_limit, policy.sign_unit),
            _limit(policy.resolve_limit, policy.resolve_unit),
        )
    else:
        sign = _limit(category.sign_for_hours, DeadlineUnit.HOURS)
        resolve = _limit(category.resolve_hours, DeadlineUnit.HOURS)
    return _("%(sign)s内签收，%(resolve)s内办结。") % {"sign": sign, "resolve": resolve}


def policies() -> dict[tuple[int, str], DeadlinePolicy]:
    return {(p.category_id, p.urgency): p for p in DeadlinePolicy.objects.all()}


def active_categories():
    return Category.objects.filter(is_active=True).order_by("sort_order", "code")


def service_list() -> list[dict]:
    """Every active category — two queries."""
    found = policies()
    return [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": notice_for(c, found.get((c.id, Urgency.NORMAL))),
            "metadata": True,
            "type": "realtime",
            "keywords": "",
            "group": Tier(c.default_tier).label,
        }
        for c in active_categories()
    ]


def category(code: str) -> Category | None:
    if not code or len(code) > 40 or "\x00" in code:
        return None
    return active_categories().filter(code=code).first()


def _choice_attribute(code: str, order: int, description: str, choices, default: str) -> dict:
    return {
        "variable": True,
        "code": code,
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": _("可选，默认：%(label)s") % {"label": choices(default).label},
        "order": order,
        "description": description,
        "values": [{"key": value, "name": label} for value, label in choices.choices],
    }


def service_definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            _choice_attribute("nature", 1, _("诉求性质"), Nature, Nature.HELP),
            _choice_attribute("urgency", 2, _("紧急程度"), Urgency, Urgency.NORMAL),
        ],
    }


# --- requests ----------------------------------------------------------------------


def scoped_orders(area: Area):
    return Order.objects.filter(area__path__startswith=area.path)


def expected_datetime(order: Order) -> datetime | None:
    """The due time the order is now running against."""
    if order.status == Status.AWAITING_SIGN:
        return order.sign_due_at
    if order.status in (Status.IN_PROGRESS, Status.EXTENSION_REQUESTED):
        return order.resolve_due_at
    return None


def agency(order: Order) -> str:
    if order.status == Status.IN_POOL:
        return _("社区（党员接单池）")
    if order.status == Status.AWAITING_DISPATCH or order.tier is None:
        return _("社区（待派单）")
    return Tier(order.tier).label


def _address(order: Order) -> tuple[str, str]:
    """(address, address_id): the compound at most — a micro-grid (one stairwell) is
    never named, as on the walls."""
    area = order.area
    if area.level >= AreaLevel.MICROGRID and area.parent is not None:
        area = area.parent
    return area.name, area.code


def request_row(order: Order, found: dict) -> dict:
    address, address_id = _address(order)
    if order.wall_hidden:
        description = _("（该问题描述不公开）")
    else:
        description = wall_description(order, names=(order.resident_name,))
    detail = order.get_status_display()
    waiting = (*FINAL_STATUSES, Status.AWAITING_DISPATCH, Status.IN_POOL)
    if order.tier is not None and order.status not in waiting:
        detail = f"{detail} · {Tier(order.tier).label}"
    return {
        "service_request_id": order.reference,
        "status": "closed" if order.status in FINAL_STATUSES else "open",
        "status_notes": detail,
        "service_name": order.category.name,
        "service_code": order.category.code,
        "description": description,
        "agency_responsible": agency(order),
        "service_notice": notice_for(order.category, found.get((order.category_id, order.urgency))),
        "requested_datetime": timezone.localtime(order.placed_at).isoformat(),
        "updated_datetime": timezone.localtime(order.updated_at).isoformat(),
        "expected_datetime": (
            timezone.localtime(due).isoformat() if (due := expected_datetime(order)) else None
        ),
        "address": address,
        "address_id": address_id,
        "zipcode": None,
        "media_url": None,
    }


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    page_size: int = DEFAULT_PAGE_SIZE
    after: tuple[datetime, int] | None = None


def encode_token(order: Order) -> str:
    raw = f"{order.placed_at.isoformat()}|{order.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> tuple[datetime, int] | None:
    """The (placed_at, id) a page token names, or None when it is not one of ours."""
    if not token or len(token) > 120:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        when, _sep, pk = raw.partition("|")
        at, pk = datetime.fromisoformat(when), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None
    if at.tzinfo is None or not 0 < pk < 2**63:
        return None
    return at, pk


def requests_page(area: Area, query: RequestQuery) -> tuple[list[dict], str | None]:
    """One page, newest first, and the next page's token — two queries (policies, orders)."""
    qs = scoped_orders(area).select_related("category", "area__parent")
    if query.ids:
        qs = qs.filter(reference__in=query.ids)
    if query.service_codes:
        qs = qs.filter(category__code__in=query.service_codes)
    if query.start:
        qs = qs.filter(placed_at__gte=query.start)
    if query.end:
        qs = qs.filter(placed_at__lte=query.end)
    if query.statuses:
        final = Q(status__in=list(FINAL_STATUSES))
        if query.statuses == ("open",):
            qs = qs.exclude(final)
        elif query.statuses == ("closed",):
            qs = qs.filter(final)
    if query.after:
        at, pk = query.after
        qs = qs.filter(Q(placed_at__lt=at) | Q(placed_at=at, pk__lt=pk))
    rows = list(qs.order_by("-placed_at", "-id")[: query.page_size + 1])
    more = len(rows) > query.page_size
    rows = rows[: query.page_size]
    found = policies()
    token = encode_token(rows[-1]) if more else None
    return [request_row(o, found) for o in rows], token


def request_by_id(area: Area, request_id: str) -> dict | None:
    if not request_id or len(request_id) > 32 or "\x00" in request_id:
        return None
    order = (
        scoped_orders(area)
        .select_related("category", "area__parent")
        .filter(reference=request_id)
        .first()
    )
    if order is None:
        return None
    return request_row(order, policies())
