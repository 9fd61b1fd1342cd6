"""Staff: bulk dispatch from the board — the orders ticked there, sent to one handler.

GET shows the chosen orders (those of the community still waiting for dispatch) and the
handler choice with each candidate's post and load; POST dispatches them all through
``services.order_dispatch_many`` or, when one cannot go, none (the page again, each
refused order marked with why). Works as plain forms; the board's checkboxes submit here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from orders import selectors, services
from orders.errors import OrderError
from orders.lifecycle import Status, Tier
from orders.selectors.candidates import community_candidates
from orders.selectors.staff import board_base
from orders.services.bulk import MAX_BULK


def _ids(values: list[str]) -> list[int]:
    """The ticked order ids; anything not a plain positive number is dropped."""
    ids = []
    for value in values[: MAX_BULK + 1]:
        if value.isdigit() and len(value) < 12:
            ids.append(int(value))
    return list(dict.fromkeys(ids))


@login_required
@require_http_methods(["GET", "POST"])
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    communities = selectors.board_communities(user=request.user)
    if not communities:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    community = {c.code: c for c in communities}.get(data.get("community", ""), communities[0])
    board_url = reverse("orders:staff_board") + f"?community={community.code}"
    chosen = _ids(data.getlist("orders"))
    orders = list(
        board_base(community=community)
        .filter(pk__in=chosen, status=Status.AWAITING_DISPATCH)
        .select_related("category", "area")
        .order_by("placed_at", "id")
    )
    if not orders:
        messages.error(request, _("请先在派单台勾选待派单的工单。"))
        return redirect(board_url)
    candidates = community_candidates(community=community)
    by_key = {c.key: c for c in candidates}
    refused: dict[int, str] = {}
    error = ""
    if request.method == "POST":
        candidate = by_key.get(data.get("handler", ""))
        note = data.get("note", "")
        if candidate is None:
            error = _("请选择承办人或承办单位。")
        else:
            unit = candidate.tier == Tier.MEMBER_UNIT
            try:
                done = services.order_dispatch_many(
                    order_ids=[o.pk for o in orders],
                    actor=request.user,
                    tier=candidate.tier,
                    handler_user=None if unit else candidate.handler,
                    handler_unit=candidate.handler if unit else None,
                    note=note,
                )
            except services.BulkDispatchError as refusal:
                error = refusal.message
                refused = {r.order_id: r.message for r in refusal.refusals}
            except OrderError as refusal:
                error = refusal.message
            else:
                messages.success(
                    request,
                    _("已批量派出 %(n)s 张工单给 %(who)s。")
                    % {"n": len(done), "who": candidate.name},
                )
                return redirect(board_url)
    tiers = [
        {"tier": Tier(t), "candidates": [c for c in candidates if c.tier == t]} for t in Tier.values
    ]
    context = {
        "community": community,
        "orders": [{"order": o, "refused": refused.get(o.pk, "")} for o in orders],
        "tiers": [t for t in tiers if t["candidates"]],
        "picked": data.get("handler", ""),
        "note": data.get("note", "") if request.method == "POST" else "",
        "error": error,
        "board_url": board_url,
        "dropped": len(chosen) - len(orders),
    }
    return render(request, "orders/staff/bulk_dispatch.html", context, status=200)


urlpatterns = [
    path("staff/board/dispatch/", bulk_dispatch, name="staff_bulk_dispatch"),
]
