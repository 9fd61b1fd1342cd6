"""Who may do what to an order: the one place order-action authority is decided.

The order services check it before every move (``check_move``); selectors use
``order_may`` to decide which actions a page offers. Scope is by the order's area path
(``grids.access``), or by being its handler (the user, or a liaison of its member unit).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, Subquery
from django.utils.translation import gettext as _

from core.actors import SYSTEM, Actor
from grids.access import DISPATCH_ROLES, access_for, area_in_scope, unit_community_paths
from grids.models import Area, AreaLevel, PostRole, ancestor_paths
from orders.errors import OrderError
from orders.lifecycle import Action, CoStatus, WhistleStatus
from orders.models import CoHandler, OrderEvent, Whistle


def orders_under_q(*, path: str, level: int, area_id: int, prefix: str = "") -> Q:
    """Orders whose area lies in the subtree of the area (``path``, ``level``, ``area_id``).

    A street or a community matches the order's own ``street_id`` / ``community_id``
    (indexed, no join). Further down: the area's community by a scalar subquery (an index
    condition on ``community_id``) and the areas under it — joining the area of every order
    to test its path made a grid's list read all 60,000 open orders of the city at
    1,000,000 (docs/scale.md)."""
    if level == AreaLevel.STREET:
        return Q(**{f"{prefix}street_id": area_id})
    if level == AreaLevel.COMMUNITY:
        return Q(**{f"{prefix}community_id": area_id})
    community = ancestor_paths(path)[AreaLevel.COMMUNITY - 1]
    community_id = Subquery(Area.objects.filter(path=community).values("pk")[:1])
    under = Area.objects.filter(path__startswith=path).values("pk")
    return Q(**{f"{prefix}community_id": community_id, f"{prefix}area_id__in": under})


def order_area_q(
    user: AbstractBaseUser | AnonymousUser, *, prefix: str = "", roles: Iterable[str] | None = None
) -> Q:
    """Orders in the subtrees of the user's posts (those with ``roles``, or all of them),
    each by ``orders_under_q``."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    posts = [p for p in access.area_posts if roles is None or p.role in roles]
    q = Q(pk__in=[])
    roots = sorted({(p.area_path, p.area_level, p.area_id) for p in posts})
    kept: list[str] = []
    for path, level, area_id in roots:
        if any(path.startswith(r) for r in kept):
            continue
        kept.append(path)
        q |= orders_under_q(path=path, level=level, area_id=area_id, prefix=prefix)
    return q


# A liaison's post sits on the community only to name it: a unit liaison sees their unit's
# orders (as handler), not the community's (issue 12).
AREA_SCOPE_ROLES = tuple(r for r in PostRole.values if r != PostRole.UNIT_LIAISON)


def order_scope_q(user: AbstractBaseUser | AnonymousUser, *, prefix: str = "") -> Q:
    """Orders the user may see: in their posts' subtrees (a liaison's post excepted), or
    handled by them, or handled now or before by their unit."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    q = order_area_q(user, prefix=prefix, roles=AREA_SCOPE_ROLES)
    if getattr(user, "pk", None):
        q |= Q(**{f"{prefix}handler_user_id": user.pk})
    unit_ids = access.member_unit_ids()
    if unit_ids:
        q |= Q(**{f"{prefix}handler_unit_id__in": unit_ids})
        # ... and the orders the unit held before (returned, escalated): its own record.
        held = OrderEvent.objects.filter(handler_unit_id__in=unit_ids).values("order_id")
        q |= Q(**{f"{prefix}pk__in": held})
    return q | joint_scope_q(access, prefix=prefix)


def joint_scope_q(access, *, prefix: str = "") -> Q:
    """Orders seen through issue 12's joint work: a department sees only what was
    whistled to it; a unit's liaison the orders it co-handles (withdrawn ones aside)."""
    q = Q(pk__in=[])
    department_ids = access.department_ids()
    if department_ids:
        whistled = Whistle.objects.filter(department_id__in=department_ids).exclude(
            status=WhistleStatus.WITHDRAWN
        )
        q |= Q(**{f"{prefix}pk__in": whistled.values("order_id")})
    unit_ids = access.member_unit_ids()
    if unit_ids:
        cohandled = CoHandler.objects.filter(unit_id__in=unit_ids).exclude(
            status=CoStatus.WITHDRAWN
        )
        q |= Q(**{f"{prefix}pk__in": cohandled.values("order_id")})
    return q


def is_order_handler(user: AbstractBaseUser | AnonymousUser, order) -> bool:
    """The current handler: the user the order is dispatched to, or a liaison of its unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    if order.handler_user_id is not None:
        return order.handler_user_id == user.pk
    if order.handler_unit_id is not None:
        return order.handler_unit_id in access_for(user).member_unit_ids()
    return False


def is_order_dispatcher(user: AbstractBaseUser | AnonymousUser, order) -> bool:
    """A community dispatcher or street official whose scope covers the order's area."""
    return area_in_scope(user, order.area, roles=DISPATCH_ROLES)


# Actions performed by the current handler vs. by a dispatcher.
HANDLER_ACTIONS = frozenset({"sign", "return", "request_extension", "resolve"})
DISPATCHER_ACTIONS = frozenset(
    {
        "dispatch",
        "approve_extension",
        "refuse_extension",
        "escalate",
        "cancel",
        "merge",
        "callback",
        "note",
        "chase",
        "to_pool",
        "withdraw_pool",
    }
)


def pool_member_for(user: AbstractBaseUser | AnonymousUser, order):
    """The user's verified party-member registration when it is to the order's community
    and they hold the party-member post there (the open pool, 党员接单); else None."""
    from parties.members import member_for_user

    member = member_for_user(user)
    if member is None or order.community_id is None or member.community_id != order.community_id:
        return None
    if not area_in_scope(user, member.community, roles=(PostRole.PARTY_MEMBER,)):
        return None
    return member


def order_may(user: AbstractBaseUser | AnonymousUser, action: str, order) -> bool:
    """Whether a staff user may perform ``action`` on ``order`` (status aside)."""
    if action in HANDLER_ACTIONS:
        return is_order_handler(user, order)
    if action == "claim":
        return pool_member_for(user, order) is not None
    if action == "return_to_pool":
        # The member who claimed it, while they hold it.
        return order.pool_member_id is not None and is_order_handler(user, order)
    if action in DISPATCHER_ACTIONS:
        return is_order_dispatcher(user, order)
    return False


def may_note(user: AbstractBaseUser | AnonymousUser, order) -> bool:
    """Whether a staff user may add a note (or a supervision note) to ``order``."""
    return order_may(user, "note", order) or is_order_handler(user, order)


def may_follow_up(user: AbstractBaseUser | AnonymousUser, order) -> bool:
    """Whether a staff user may add a follow-up note: those who may note it, and anyone
    whose post covers the order's place (a grid worker, building head or micro-grid
    leader following an order of their patch)."""
    return may_note(user, order) or (
        getattr(user, "is_authenticated", False) and area_in_scope(user, order.area)
    )


def check_move(actor: Actor, action: str, order) -> None:
    """Raise ``OrderError("forbidden")`` unless ``actor`` may perform ``action`` on ``order``
    (a staff user by ``order_may``, the system always, the resident only where a move
    service authorises it itself)."""
    if actor.is_staff and not order_may(actor.user, action, order):
        raise OrderError(
            "forbidden",
            _("你的岗位不能对这张工单执行「%(action)s」。") % {"action": Action(action).label},
        )
    if not actor.is_staff and actor.kind != SYSTEM:
        raise OrderError("forbidden", _("只有工作人员可以执行这个操作。"))


# --- issue 12: claims, whistles, co-handling (docs/departments.md) -------------------------


def may_unit_claim(user: AbstractBaseUser | AnonymousUser, order, unit) -> bool:
    """A liaison of ``unit`` claiming ``order`` (认领): the order lies in one of the unit's
    communities (``grids.access.unit_community_paths``)."""
    if unit is None or unit.pk not in access_for(user).member_unit_ids():
        return False
    return any(order.area.path.startswith(p) for p in unit_community_paths([unit.pk]))


def may_whistle(user: AbstractBaseUser | AnonymousUser, order) -> bool:
    """Blowing the whistle (and withdrawing it): a dispatcher or street official over it."""
    return is_order_dispatcher(user, order)


def is_department_staff(user: AbstractBaseUser | AnonymousUser, whistle) -> bool:
    return whistle.department_id in access_for(user).department_ids()


def may_invite_cohandler(user: AbstractBaseUser | AnonymousUser, order) -> bool:
    """Inviting (and withdrawing) a co-handler: the order's dispatcher, or its lead handler."""
    return is_order_dispatcher(user, order) or is_order_handler(user, order)


def is_cohandler(user: AbstractBaseUser | AnonymousUser, cohandler) -> bool:
    return cohandler.unit_id in access_for(user).member_unit_ids()
