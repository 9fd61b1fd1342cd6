"""Staff: "本片工单" — the orders of the user's patch, for every staff role.

The board's filters and sorting over ``orders_for_user``; rows link to the order detail,
which offers only what the user may do there and a follow-up note."""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from core.paging import LatePaginator
from orders import selectors
from orders.forms.staff import BoardFilterForm
from orders.selectors.patch import (
    PATCH_PAGE_SIZE,
    PATCH_QUEUES,
    PATCH_ROLES,
    patch_grids,
    patch_orders,
)
from orders.stats import exports
from orders.views.common import require_role
from orders.wall_scrub import scrub

# The list's two tabs: what is still open (the default), and everything.


@login_required
@require_GET
def patch_list(request: HttpRequest) -> HttpResponse:
    require_role(request, PATCH_ROLES)
    if request.GET.get("format") == "xlsx":
        return exports.respond(request, "patch")
    form = BoardFilterForm(request.GET, grids=patch_grids(user=request.user))
    queue = request.GET.get("queue", "")
    filters = replace(form.filters(), queue=queue if queue in PATCH_QUEUES else "open")
    paginator = LatePaginator(patch_orders(user=request.user, filters=filters), PATCH_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # An overview: descriptions scrubbed of contact details (the detail decides the rest).
    for order in page.object_list:
        order.overview = scrub(order.description, names=(order.resident_name,))
    context = {
        "form": form,
        "queue": filters.queue,
        "tabs": [(key, selectors.QUEUES[key][0]) for key in PATCH_QUEUES],
        "page": page,
        "sort": filters.sort,
        "sorts": selectors.board_sort_links(filters.sort),
    }
    template = "orders/staff/patch.html#rows" if request.htmx else "orders/staff/patch.html"
    return render(request, template, context)


urlpatterns = [
    path("staff/patch/", patch_list, name="staff_patch"),
]
