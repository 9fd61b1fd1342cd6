"""Street supervision (督办): the list, a supervision note, resolving an item."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from orders import services
from orders.errors import OrderError
from orders.forms.deadlines import SupervisionNoteForm
from orders.selectors import supervision as selectors
from orders.views.common import require_role

SUPERVISION_PAGE_SIZE = 25


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    require_role(request, selectors.SUPERVISION_ROLES)
    now = clock.now()
    items = []
    page = Paginator(
        selectors.supervision_items_for_user(user=request.user), SUPERVISION_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for item in page.object_list:
        order = item.order
        since = order.signed_at or order.dispatched_at or order.placed_at
        items.append(
            {
                "item": item,
                "order": order,
                "held_since": since,
                "held_for": now - since,
                "form": SupervisionNoteForm(prefix=f"s{item.pk}"),
            }
        )
    return render(
        request, "orders/deadlines/supervision.html", {"items": items, "now": now, "page": page}
    )


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
