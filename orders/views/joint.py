"""Staff: issue 12's joint work (docs/departments.md) — the department's inbox of
whistles, the unit liaison's co-handling and claims, and the posts behind the whistle
and co-handling card of the order detail.

Each POST parses, calls one service and redirects back (POST → redirect → GET) with the
outcome as a message; a refused move changes nothing and says why. Rows are fetched
through the user's order scope (outside it: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grids.models import Department, MemberUnit, PostRole
from orders import selectors, services
from orders.errors import OrderError
from orders.lifecycle import Action
from orders.models import CoHandler, Whistle
from orders.selectors import joint
from orders.views.common import require_role

DEPARTMENT_ROLES = (PostRole.DEPARTMENT_STAFF,)
UNIT_ROLES = (PostRole.UNIT_LIAISON,)
BACK_PAGES = {"department": "orders:department_inbox", "unit": "orders:unit_work"}


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _back(request: HttpRequest, order_id: int) -> HttpResponse:
    page = BACK_PAGES.get(request.POST.get("back", ""))
    if page is not None:
        return redirect(page)
    if selectors.orders_for_user(user=request.user).filter(pk=order_id).exists():
        return redirect("orders:staff_order", order_id=order_id)
    return redirect("home")


def _done(request: HttpRequest, call, *, success: str) -> None:
    try:
        call()
    except OrderError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


# --- pages -----------------------------------------------------------------------------------


@login_required
@require_GET
def department_inbox(request: HttpRequest) -> HttpResponse:
    require_role(request, DEPARTMENT_ROLES)
    return render(
        request,
        "orders/staff/department_inbox.html",
        {"sections": joint.department_inbox(user=request.user)},
    )


@login_required
@require_GET
def unit_work(request: HttpRequest) -> HttpResponse:
    require_role(request, UNIT_ROLES)
    return render(
        request, "orders/staff/unit_work.html", {"work": joint.unit_work(user=request.user)}
    )


# --- the whistle -----------------------------------------------------------------------------


@login_required
@require_POST
def whistle_blow(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_for_user(user=request.user, order_id=order_id)
    department = Department.objects.filter(
        pk=_int(request.POST.get("department")), street_id=order.street_id
    ).first()
    _done(
        request,
        lambda: services.whistle_blow(
            order_id=order.pk,
            actor=request.user,
            department=department,
            note=request.POST.get("note", ""),
        ),
        success=_("已吹哨：%(ref)s") % {"ref": order.reference},
    )
    return _back(request, order.pk)


WHISTLE_ACTIONS = {
    "report": Action.WHISTLE_REPORT,
    "resolve": Action.WHISTLE_RESOLVE,
    "withdraw": Action.WHISTLE_WITHDRAW,
}


@login_required
@require_POST
def whistle_act(request: HttpRequest, whistle_id: int, action: str) -> HttpResponse:
    if action not in WHISTLE_ACTIONS:
        raise Http404
    whistle = get_object_or_404(
        Whistle.objects.filter(order__in=selectors.orders_for_user(user=request.user)),
        pk=whistle_id,
    )
    seen = {"expected_status": request.POST.get("expected_status") or None}
    text = request.POST.get("note", "")
    calls = {
        "report": lambda: services.whistle_report(
            whistle_id=whistle.pk, actor=request.user, note=text, **seen
        ),
        "resolve": lambda: services.whistle_resolve(
            whistle_id=whistle.pk, actor=request.user, result_note=text, **seen
        ),
        "withdraw": lambda: services.whistle_withdraw(
            whistle_id=whistle.pk, actor=request.user, reason=text, **seen
        ),
    }
    label = Action(WHISTLE_ACTIONS[action]).label
    _done(request, calls[action], success=_("已%(action)s。") % {"action": label})
    return _back(request, whistle.order_id)


# --- co-handling and claims ------------------------------------------------------------------


@login_required
@require_POST
def cohandler_invite(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_for_user(user=request.user, order_id=order_id)
    unit = MemberUnit.objects.filter(pk=_int(request.POST.get("unit"))).first()
    _done(
        request,
        lambda: services.cohandler_invite(
            order_id=order.pk, actor=request.user, unit=unit, part=request.POST.get("part", "")
        ),
        success=_("已邀请协办：%(ref)s") % {"ref": order.reference},
    )
    return _back(request, order.pk)


CO_ACTIONS = {"sign": Action.CO_SIGN, "report": Action.CO_REPORT, "withdraw": Action.CO_WITHDRAW}


@login_required
@require_POST
def cohandler_act(request: HttpRequest, cohandler_id: int, action: str) -> HttpResponse:
    if action not in CO_ACTIONS:
        raise Http404
    cohandler = get_object_or_404(
        CoHandler.objects.filter(order__in=selectors.orders_for_user(user=request.user)),
        pk=cohandler_id,
    )
    seen = {"expected_status": request.POST.get("expected_status") or None}
    text = request.POST.get("note", "")
    calls = {
        "sign": lambda: services.cohandler_sign(
            cohandler_id=cohandler.pk, actor=request.user, **seen
        ),
        "report": lambda: services.cohandler_report(
            cohandler_id=cohandler.pk, actor=request.user, note=text, **seen
        ),
        "withdraw": lambda: services.cohandler_withdraw(
            cohandler_id=cohandler.pk, actor=request.user, reason=text, **seen
        ),
    }
    label = Action(CO_ACTIONS[action]).label
    _done(request, calls[action], success=_("已%(action)s。") % {"action": label})
    return _back(request, cohandler.order_id)


@login_required
@require_POST
def unit_claim(request: HttpRequest, order_id: int) -> HttpResponse:
    order = joint.claimable_or_visible(user=request.user, order_id=order_id)
    unit = MemberUnit.objects.filter(pk=_int(request.POST.get("unit"))).first()
    _done(
        request,
        lambda: services.order_unit_claim(
            order_id=order.pk,
            actor=request.user,
            unit=unit,
            expected_status=request.POST.get("expected_status") or None,
        ),
        success=_("已认领：%(ref)s") % {"ref": order.reference},
    )
    return _back(request, order.pk)


urlpatterns = [
    path("staff/department/", department_inbox, name="department_inbox"),
    path("staff/unit/", unit_work, name="unit_work"),
    path("staff/orders/<int:order_id>/whistle/", whistle_blow, name="whistle_blow"),
    path("staff/whistles/<int:whistle_id>/<slug:action>/", whistle_act, name="whistle_act"),
    path("staff/orders/<int:order_id>/cohandlers/", cohandler_invite, name="cohandler_invite"),
    path("staff/cohandlers/<int:cohandler_id>/<slug:action>/", cohandler_act, name="cohandler_act"),
    path("staff/orders/<int:order_id>/claim/", unit_claim, name="unit_claim"),
]
