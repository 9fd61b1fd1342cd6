"""The benchmark's ceiling view and query counter (routed only by config.settings.bench).

``ceiling`` is the stack's ceiling for ``make bench``: a bare Django page rendering a
25-row table from one indexed query (the newest orders by primary key), through the same
middleware as every page. Each page's figure is reported as a ratio to it.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orders.models import Order


def ceiling(request: HttpRequest) -> HttpResponse:
    rows = Order.objects.order_by("-id").values_list("id", "reference", "status", "placed_at")[:25]
    return render(request, "bench/ceiling.html", {"rows": rows})


class BenchQueryCountMiddleware:
    """Adds ``X-Bench-Queries``: the SQL statements this request ran (outermost middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response
