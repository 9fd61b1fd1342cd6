"""Reads for issue 12's joint work (docs/departments.md): a department's inbox of
whistles, a unit liaison's co-handling and claimable orders, and the whistle and
co-handling card of the order detail. Every read is scoped: a department's staff see
their departments' whistles; a liaison their units' parts and their units' communities."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids import access
from grids.models import MemberUnit
from orders import authority
from orders.lifecycle import (
    BEING_HANDLED,
    CO_OPEN,
    OPEN_STATUSES,
    WHISTLE_OPEN,
    CoStatus,
    Status,
    WhistleStatus,
)
from orders.models import CoHandler, Order, Whistle
from orders.selectors.scope import orders_for_user
from orders.services import cohandler_units, whistle_departments

# What a page shows of finished work.
RECENT_DAYS = 30
PAGE_ROWS = 100


def _recent():
    return timezone.now() - timedelta(days=RECENT_DAYS)


# --- the department's inbox -----------------------------------------------------------------

DEPARTMENT_SECTIONS = {
    "to_report": (_("待报到"), (WhistleStatus.BLOWN,)),
    "to_resolve": (_("已报到，待办结"), (WhistleStatus.REPORTED,)),
    "resolved": (_("近 30 天已办结"), (WhistleStatus.RESOLVED,)),
}


def department_inbox(*, user: AbstractBaseUser) -> list[dict]:
    """The whistles to the user's departments, by section, soonest due first — one query
    (index whistle_dept_status)."""
    ids = access.access_for(user).department_ids()
    rows = list(
        Whistle.objects.filter(department_id__in=ids)
        .filter(
            Q(status__in=list(WHISTLE_OPEN))
            | Q(status=WhistleStatus.RESOLVED, blown_at__gte=_recent())
        )
        .select_related("order", "order__category", "order__area", "department", "blown_by")
        .order_by("report_due_at", "id")[: PAGE_ROWS * 3]
    )
    return [
        {"key": key, "label": label, "whistles": [w for w in rows if w.status in group]}
        for key, (label, group) in DEPARTMENT_SECTIONS.items()
    ]


# --- the unit liaison's page -----------------------------------------------------------------


@dataclass
class UnitWork:
    units: list[MemberUnit]
    parts: list[CoHandler] = field(default_factory=list)
    claimable: list[Order] = field(default_factory=list)


def unit_work(*, user: AbstractBaseUser) -> UnitWork:
    """The co-handling parts of the user's units (open, and reported lately) and the open
    orders waiting for dispatch in the units' communities. Three queries."""
    unit_ids = access.access_for(user).member_unit_ids()
    units = list(MemberUnit.objects.filter(pk__in=unit_ids, is_active=True).order_by("name"))
    parts = list(
        CoHandler.objects.filter(unit_id__in=unit_ids)
        .filter(
            Q(status__in=list(CO_OPEN)) | Q(status=CoStatus.REPORTED, invited_at__gte=_recent())
        )
        .select_related("order", "order__category", "order__area", "unit")
        .order_by("status", "invited_at", "id")[:PAGE_ROWS]
    )
    community_ids = [cid for cid, _path in access.unit_communities(u.pk for u in units)]
    claimable = list(
        Order.objects.filter(community_id__in=community_ids, status=Status.AWAITING_DISPATCH)
        .select_related("category", "area")
        .order_by("placed_at", "id")[:PAGE_ROWS]
    )
    return UnitWork(units=units, parts=parts, claimable=claimable)


def claimable_or_visible(*, user, order_id: int) -> Order:
    """An order the user may see, or one waiting for dispatch in their units' communities
    (what a liaison may claim, 认领); 404 otherwise."""
    unit_ids = access.access_for(user).member_unit_ids()
    community_ids = [cid for cid, _path in access.unit_communities(unit_ids)]
    claimable = Q(community_id__in=community_ids, status=Status.AWAITING_DISPATCH)
    visible = Q(pk__in=orders_for_user(user=user).values("pk"))
    return get_object_or_404(
        Order.objects.select_related("area").filter(claimable | visible), pk=order_id
    )


# --- the order detail's card -----------------------------------------------------------------


def joint_for_order(*, user: AbstractBaseUser, order: Order) -> dict:
    """The whistles and co-handlers of ``order`` with what this user may do to each, and
    the forms they may use (blow, invite, claim). Two queries when the order has any
    (``Order.has_joint``), and one per form offered."""
    whistles, cohandlers = [], []
    if order.has_joint:
        whistles = list(
            Whistle.objects.filter(order=order)
            .select_related("department", "blown_by", "reported_by", "resolved_by")
            .order_by("blown_at", "id")
        )
        cohandlers = list(
            CoHandler.objects.filter(order=order)
            .select_related("unit", "invited_by", "signed_by", "reported_by")
            .order_by("invited_at", "id")
        )
    dispatcher = authority.may_whistle(user, order)
    inviter = authority.may_invite_cohandler(user, order)
    being_handled = order.status in BEING_HANDLED
    ended = order.status == Status.CANCELLED
    for w in whistles:
        mine = authority.is_department_staff(user, w)
        w.may_report = mine and w.status == WhistleStatus.BLOWN and not ended
        w.may_resolve = mine and w.status == WhistleStatus.REPORTED and not ended
        w.may_withdraw = dispatcher and w.status in WHISTLE_OPEN
    for c in cohandlers:
        mine = authority.is_cohandler(user, c)
        c.may_sign = mine and c.status == CoStatus.INVITED and being_handled
        c.may_report = mine and c.status == CoStatus.SIGNED and being_handled
        c.may_withdraw = inviter and c.status in CO_OPEN and being_handled
    departments = (
        list(whistle_departments(order)) if dispatcher and order.status in OPEN_STATUSES else []
    )
    units = cohandler_units(order) if inviter and being_handled else []
    claim_units = []
    if order.status == Status.AWAITING_DISPATCH and access.access_for(user).member_unit_ids():
        claim_units = [
            unit
            for unit in MemberUnit.objects.filter(
                pk__in=access.access_for(user).member_unit_ids(), is_active=True
            )
            if authority.may_unit_claim(user, order, unit)
        ]
    return {
        "whistles": whistles,
        "cohandlers": cohandlers,
        "whistle_departments": departments,
        "cohandler_choices": units,
        "claim_units": claim_units,
        "show": bool(whistles or cohandlers or departments or units or claim_units),
    }
