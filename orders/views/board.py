"""Staff: the community dispatch board.

One view per page, one template per page with ``{% partialdef %}`` blocks; an HTMX
request gets the partial, a plain request the page (POST → redirect → GET). Orders are
fetched only through the scoped selectors (outside the scope: 404); every write is one
call to ``orders.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from core.paging import LatePaginator
from orders import selectors
from orders.forms.staff import (
    BoardFilterForm,
)
from orders.lifecycle import QueueReason, Status
from orders.stats import exports


def counts_context(*, community) -> dict:
    counts = selectors.board_counts(community=community)
    return {
        "community": community,
        "counts": counts,
        "tabs": selectors.board_tabs(counts=counts),
        "poll_seconds": settings.SIDAN_BOARD_POLL_SECONDS,
    }


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "xlsx":
        return exports.respond(request, "board")
    communities, grids_of = selectors.board_places(user=request.user)
    if not communities:
        raise Http404
    by_code = {c.code: c for c in communities}
    community = by_code.get(request.GET.get("community", ""), communities[0])
    grids = grids_of[community.pk]
    form = BoardFilterForm(request.GET, grids=grids)
    filters = form.filters()
    counts = counts_context(community=community)
    paginator = LatePaginator(
        selectors.board_orders(community=community, filters=filters), selectors.BOARD_PAGE_SIZE
    )
    known = selectors.board_count_for(counts=counts["counts"], filters=filters)
    if known is not None:
        paginator.count = known  # the tab's count is the list's: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "communities": communities,
        "form": form,
        "queue": filters.queue,
        "page": page,
        "sort": filters.sort,
        "sorts": selectors.board_sort_links(filters.sort),
        # Ticking rows for a bulk dispatch: the board's users all dispatch here.
        "can_bulk": any(o.status == Status.AWAITING_DISPATCH for o in page.object_list),
        **counts,
    }
    template = "orders/staff/board.html#rows" if request.htmx else "orders/staff/board.html"
    return render(request, template, context)


@login_required
@require_GET
def board_counts(request: HttpRequest) -> HttpResponse:
    """The queue tabs alone, polled by the board every ``SIDAN_BOARD_POLL_SECONDS``: the
    counts (new, overdue, every queue) follow new orders without a reload."""
    communities = selectors.board_communities(user=request.user)
    if not communities:
        raise Http404
    community = {c.code: c for c in communities}.get(
        request.GET.get("community", ""), communities[0]
    )
    queue = request.GET.get("queue", "")
    context = {
        "queue": queue if queue in selectors.QUEUES else QueueReason.NEW,
        "on_board": True,
        **counts_context(community=community),
    }
    return render(request, "orders/staff/_queue_counts.html", context)


urlpatterns = [
    path("staff/board/", board, name="staff_board"),
    path("staff/board/counts/", board_counts, name="staff_board_counts"),
]
