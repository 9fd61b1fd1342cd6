"""Staff: the order detail, its actions and its photos.

One view per page, one template per page with ``{% partialdef %}`` blocks; an HTMX
request gets the partial, a plain request the page (POST → redirect → GET). Orders are
fetched only through the scoped selectors (outside the scope: 404); every write is one
call to ``orders.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grids import access
from orders import selectors, services
from orders.errors import OrderError
from orders.forms.staff import (
    ACTION_FORMS,
    ActionForm,
    DispatchForm,
)
from orders.lifecycle import Action, Status, Tier
from orders.models import Order
from orders.privacy import resident_view
from orders.selectors.candidates import dispatch_candidates
from orders.selectors.joint import joint_for_order
from orders.selectors.patch import PATCH_ROLES
from orders.timeline import staff_rows
from orders.units.suggest import dispatch_candidates as suggested_candidates
from orders.views.board import counts_context
from orders.views.inbox import render_inbox
from orders.wall_scrub import scrub


def _dispatch_tier(request: HttpRequest, order: Order) -> int:
    try:
        tier = int(request.GET.get("tier") or request.POST.get("tier") or 0)
    except ValueError:
        tier = 0
    return tier if tier in Tier.values else (order.tier or order.category.default_tier)


def _action_forms(
    request: HttpRequest, order: Order, actions: list[str], bound: ActionForm | None = None
) -> dict[str, ActionForm]:
    """An unbound form for each allowed action (the one just submitted stays bound)."""
    forms = {}
    for action in actions:
        if bound is not None and bound.action == action:
            forms[action] = bound
            continue
        forms[action] = _make_form(request, order, action, data=None)
    return forms


def _make_form(request: HttpRequest, order: Order, action: str, *, data, files=None) -> ActionForm:
    cls = ACTION_FORMS[action]
    kwargs = {"order": order, "auto_id": f"id_{action}_%s"}  # several forms on one page
    suggestions = []
    if cls is DispatchForm:
        tier = _dispatch_tier(request, order)
        # Tier 3: on-duty and resource-matching units first (orders/units/suggest.py);
        # each candidate described with its post, unit and load (orders/selectors/candidates.py).
        candidates, suggestions = suggested_candidates(order=order, tier=tier)
        described = dispatch_candidates(candidates=candidates, tier=tier)
        kwargs |= {
            "tier": tier,
            "candidates": candidates,
            "labels": {c.handler.pk: c.label for c in described},
        }
    elif action in (Action.CANCEL, Action.MERGE):
        kwargs["originals"] = selectors.orders_for_user(user=request.user)
    form = cls(data, files, **kwargs) if data is not None else cls(**kwargs)
    form.action = action
    form.unit_suggestions = suggestions
    return form


def _detail_context(
    request: HttpRequest, order_id: int, *, bound: ActionForm | None = None, error: str = ""
) -> dict:
    detail = selectors.order_detail_for_user(user=request.user, order_id=order_id)
    order = detail.order
    actions = selectors.order_actions_for_user(user=request.user, order=order)
    community = selectors.board_community_for_order(user=request.user, order=order)
    forms = _action_forms(request, order, actions, bound)
    resident = resident_view(user=request.user, order=order, events=detail.events)
    context = {
        "detail": detail,
        "order": order,
        "timeline": staff_rows(detail.events),
        "actions": actions,
        "action_items": [
            {"action": a, "label": Action(a).label, "form": f} for a, f in forms.items()
        ],
        "dispatch_form": forms.get(Action.DISPATCH),
        "resident": resident,
        # Others than those who need it read the description scrubbed of contact details.
        "description": order.description
        if resident.full
        else scrub(order.description, names=(order.resident_name,)),
        "can_moderate_wall": resident.relation in ("superuser", "oversees"),
        "error": error,
        "Status": Status,
        # The breadcrumb leads to a list this user has (the inbox is for handlers).
        "crumb_inbox": access.has_role(request.user, *selectors.INBOX_ROLES),
        "crumb_patch": access.has_role(request.user, *PATCH_ROLES),
    }
    if community is not None:
        context |= counts_context(community=community)
    # Whistles to departments and co-handling units (issue 12, orders/selectors/joint.py).
    context["joint"] = joint_for_order(user=request.user, order=order)
    return context


@login_required
@require_GET
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    context = _detail_context(request, order_id)
    if request.htmx and request.GET.get("tier"):
        # The dispatch form's handler list, reloaded when the tier changes.
        return render(request, "orders/staff/detail.html#dispatch-handlers", context)
    template = "orders/staff/detail.html#detail" if request.htmx else "orders/staff/detail.html"
    return render(request, template, context)


def _perform(request: HttpRequest, order: Order, action: str, form: ActionForm) -> Order:
    """One service call per action, with the status the user saw."""
    data, user = form.cleaned_data, request.user
    common = {
        "order_id": order.pk,
        "actor": user,
        "expected_status": data["expected_status"],
        "expected_version": data.get("expected_version"),
    }
    if action == Action.DISPATCH:
        return services.order_dispatch(**common, **form.service_kwargs())
    if action == Action.SIGN:
        return services.order_sign(**common)
    if action == Action.RETURN:
        return services.order_return(**common, reason=data["reason"])
    if action == Action.REQUEST_EXTENSION:
        return services.order_request_extension(
            **common, until=data["until"], reason=data["reason"]
        )
    if action == Action.APPROVE_EXTENSION:
        return services.order_approve_extension(**common, note=data["note"])
    if action == Action.REFUSE_EXTENSION:
        return services.order_refuse_extension(**common, note=data["note"])
    if action == Action.ESCALATE:
        return services.order_escalate(**common, reason=data["reason"])
    if action == Action.RESOLVE:
        return services.order_resolve(
            **common, result_note=data["result_note"], photos=data["photos"]
        )
    if action == Action.RATE:
        return services.order_rate(
            **common,
            rating=data["rating"],
            solved={"yes": True, "no": False}.get(data["solved"]),
            comment=data["comment"],
        )
    if action == Action.CANCEL:
        return services.order_cancel(
            **common, reason=data["reason"], note=data["note"], duplicate_of=data["duplicate_of"]
        )
    if action == Action.MERGE:
        return services.order_merge(**common, into=data["original"], note=data["note"])
    if action == Action.KEEP_BOTH:
        services.order_keep_both(order_id=order.pk, actor=user, note=data["note"])
        return order
    if action == Action.CHASE:
        services.order_chase(order_id=order.pk, actor=user, note=data["note"])
        return order
    if action == Action.SUPERVISE:
        services.order_supervise(order_id=order.pk, actor=user, note=data["note"])
        return order
    if action == Action.TO_POOL:
        return services.order_to_pool(**common, note=data["note"])
    if action == Action.WITHDRAW_POOL:
        return services.order_withdraw_from_pool(**common, reason=data["reason"])
    if action == Action.CLAIM:
        return services.order_claim(**common)
    if action == Action.RETURN_TO_POOL:
        return services.order_return_to_pool(**common, reason=data["reason"])
    if action == Action.NOTE:
        if order.status != data["expected_status"]:
            # A note is about what the user saw; say so if the order moved meanwhile.
            messages.warning(
                request, _("提示：这张工单已变为「%(s)s」。") % {"s": order.get_status_display()}
            )
        services.order_add_note(order_id=order.pk, actor=user, note=data["note"])
        return order
    if action == Action.ASK_RESIDENT:
        services.order_ask_resident(order_id=order.pk, actor=user, question=data["question"])
        return order
    raise Http404


@login_required
@require_POST
def order_action(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    order = selectors.order_for_user(user=request.user, order_id=order_id)  # 404 outside scope
    if action not in ACTION_FORMS:
        raise Http404
    form = _make_form(request, order, action, data=request.POST, files=request.FILES)
    return_to = request.POST.get("return_to", "detail")
    error = ""
    if form.is_valid():
        try:
            _perform(request, order, action, form)
        except OrderError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("已%(action)s：%(ref)s")
                % {"action": Action(action).label, "ref": order.reference},
            )
            if not request.htmx:
                return redirect(_after_action_url(return_to, order))
            return _render_after_action(request, order_id, return_to)
    elif not request.htmx:
        # A plain post with input errors: the page again, with the form and its errors.
        return render(
            request, "orders/staff/detail.html", _detail_context(request, order_id, bound=form)
        )
    if error and not request.htmx:
        messages.error(request, error)
        return redirect(_after_action_url(return_to, order))
    # HTMX: 200 with the message (or the form errors) in the swapped fragment; the
    # fragment shows the order as it is now, so a stale click explains itself.
    if return_to == "inbox":
        return render_inbox(request, error=error)
    bound = None if error else form
    return render(
        request,
        "orders/staff/detail.html#detail",
        _detail_context(request, order_id, bound=bound, error=error),
    )


def _after_action_url(return_to: str, order: Order) -> str:
    if return_to == "inbox":
        return reverse("orders:staff_inbox")
    if return_to == "pool":
        return reverse("orders:pool")
    return reverse("orders:staff_order", args=[order.pk])


def _render_after_action(request: HttpRequest, order_id: int, return_to: str) -> HttpResponse:
    if return_to == "inbox":
        return render_inbox(request)
    # The detail may now be out of the user's sight (returned by a handler): show the inbox.
    if not selectors.orders_for_user(user=request.user).filter(pk=order_id).exists():
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("orders:staff_inbox")
        return response
    return render(request, "orders/staff/detail.html#detail", _detail_context(request, order_id))


@login_required
@require_GET
def order_photo(request: HttpRequest, order_id: int, photo_id: int) -> FileResponse:
    photo = selectors.photo_for_user(user=request.user, order_id=order_id, photo_id=photo_id)
    response = FileResponse(photo.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def order_wall(request: HttpRequest, order_id: int) -> HttpResponse:
    """Moderate the order's wall entry: hide it, or show an edited text (the resident's own
    description is kept). Dispatchers and street officials over the order only."""
    order = get_object_or_404(selectors.orders_for_user(user=request.user), pk=order_id)
    if resident_view(user=request.user, order=order, events=()).relation not in (
        "superuser",
        "oversees",
    ):
        raise Http404
    try:
        services.order_wall_moderate(
            order_id=order.pk,
            actor=request.user,
            hidden=request.POST.get("wall_hidden") == "on",
            text=request.POST.get("wall_text", ""),
        )
        messages.success(request, _("问题墙上的显示已更新，居民的原始描述保持不变。"))
    except OrderError as error:
        messages.error(request, error.message)
    return redirect("orders:staff_order", order_id=order.pk)


urlpatterns = [
    path("staff/orders/<int:order_id>/", order_detail, name="staff_order"),
    path("staff/orders/<int:order_id>/wall/", order_wall, name="staff_order_wall"),
    path("staff/orders/<int:order_id>/act/<slug:action>/", order_action, name="staff_order_action"),
    path(
        "staff/orders/<int:order_id>/photos/<int:photo_id>/", order_photo, name="staff_order_photo"
    ),
]
