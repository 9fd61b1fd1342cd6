"""Pagination that sorts on the list's own table and joins only the page's rows.

A sorted page of a joined queryset (``select_related``) makes PostgreSQL join every row
of the range before it sorts and cuts 25: at 1,000,000 orders the board's "全部" tab
joined a community's 3,000 orders with their areas, handlers and categories for each
page. ``LatePaginator`` sorts and slices the ids without the joins (one index range,
index-only with ``order_comm_placed``'s included columns) and reads the page's rows with
their joins by primary key — in ONE statement (``pk IN (SELECT id … ORDER BY … LIMIT 25
OFFSET n)``), so no query is added. The rows come back in the list's order.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet


class LatePaginator(Paginator):
    def _get_page(self, object_list, number, paginator):
        full = self.object_list
        if isinstance(object_list, QuerySet) and isinstance(full, QuerySet):
            ids = object_list.select_related(None).values("pk")
            object_list = full.filter(pk__in=ids)
        return super()._get_page(object_list, number, paginator)
