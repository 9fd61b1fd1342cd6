"""Street supervision (督办): the list, a supervision note, resolving an item."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from orders import services
from orders.errors import OrderError
from orders.forms.deadlines import SupervisionNoteForm
from orders.models import SupervisionKind
from orders.selectors import supervision as selectors
from orders.views.common import require_role

SUPERVISION_PAGE_SIZE = 25
MAX_PAGE = 10_000


@dataclass
class WindowPage:
    """A page read as one LIMIT size+1 query: previous/next links, no COUNT(*) of the scope
    (the street's open supervision items can be thousands; counting them joined every order
    of the street on every request)."""

    number: int
    object_list: list
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def window_page(queryset, raw_number: str | None, *, size: int) -> WindowPage:
    try:
        number = min(max(int(raw_number or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return WindowPage(number=number, object_list=rows[:size], has_next=len(rows) > size)


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    require_role(request, selectors.SUPERVISION_ROLES)
    now = clock.now()
    communities = selectors.supervision_communities(user=request.user)
    community = {c.code: c for c in communities}.get(request.GET.get("community", ""))
    kind = request.GET.get("kind", "")
    kind = kind if kind in SupervisionKind.values else ""
    items = []
    page = window_page(
        selectors.supervision_items_for_user(
            user=request.user,
            community_id=community.pk if community else None,
            kind=kind,
        ),
        request.GET.get("page"),
        size=SUPERVISION_PAGE_SIZE,
    )
    names = {c.pk: c.name for c in communities}
    for item in page.object_list:
        order = item.order
        since = order.signed_at or order.dispatched_at or order.placed_at
        items.append(
            {
                "item": item,
                "order": order,
                "community_name": names.get(order.community_id, ""),
                "held_since": since,
                "held_for": now - since,
                "late": selectors.still_late(item, now=now),
                "form": SupervisionNoteForm(prefix=f"s{item.pk}"),
            }
        )
    context = {
        "items": items,
        "now": now,
        "page": page,
        "communities": communities,
        "community": community,
        "kinds": SupervisionKind.choices,
        "kind": kind,
    }
    return render(request, "orders/deadlines/supervision.html", context)


@login_required
@require_POST
def supervision_note(request: HttpRequest, item_id: int) -> HttpResponse:
    require_role(request, selectors.SUPERVISION_ROLES)
    item = get_object_or_404(selectors.supervision_items_for_user(user=request.user), pk=item_id)
    form = SupervisionNoteForm(request.POST, prefix=f"s{item.pk}")
    if form.is_valid():
        try:
            services.supervision_add_note(
                item_id=item.pk, actor=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("督办意见已发送给承办方。"))
        except OrderError as refused:
            messages.error(request, refused.message)
    else:
        messages.error(request, _("请填写督办意见。"))
    return redirect("orders:supervision")


@login_required
@require_POST
def supervision_resolve(request: HttpRequest, item_id: int) -> HttpResponse:
    require_role(request, selectors.SUPERVISION_ROLES)
    item = get_object_or_404(selectors.supervision_items_for_user(user=request.user), pk=item_id)
    services.supervision_resolve(item_id=item.pk, actor=request.user)
    messages.success(request, _("已解除督办。"))
    return redirect("orders:supervision")


urlpatterns = [
    path("staff/supervision/", supervision_list, name="supervision"),
    path("staff/supervision/<int:item_id>/note/", supervision_note, name="supervision_note"),
    path(
        "staff/supervision/<int:item_id>/resolve/", supervision_resolve, name="supervision_resolve"
    ),
]
