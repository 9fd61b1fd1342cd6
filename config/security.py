"""Request limits and response headers that apply to every page (README "Security").

- ``RequestLimitsMiddleware`` answers 413 to a body larger than
  ``SIDAN_MAX_REQUEST_BYTES`` before anything reads it, and 400 to a NUL character in the
  path or the query string of an admin page (PostgreSQL refuses NUL in text, and the
  admin's changelist filters passed it through to a 500).
- ``ResponseHeadersMiddleware`` adds ``Permissions-Policy`` to every response and
  ``Cache-Control: no-store`` to every dynamic page (staff pages show residents' names
  and phones; resident pages show their own). Static files are served above it by
  WhiteNoise and keep their long cache.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest(_("请求格式不正确。"))
        if length > settings.SIDAN_MAX_REQUEST_BYTES:
            limit_mb = settings.SIDAN_MAX_REQUEST_BYTES // (1024 * 1024)
            body = render_to_string("413.html", {"limit_mb": limit_mb}, request=None)
            return HttpResponse(body, status=413)
        # The admin feeds query-string values straight into its filters; our own views
        # check theirs (a NUL there is a 404 or an ignored filter).
        raw_query = request.META.get("QUERY_STRING", "")
        if request.path.startswith("/admin/") and (
            "\x00" in request.path or b"\x00" in unquote_to_bytes(raw_query)
        ):
            return HttpResponseBadRequest(render_to_string("400.html", {}, request=None))
        return self.get_response(request)


class ResponseHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.SIDAN_PERMISSIONS_POLICY)
        if "Cache-Control" not in response:
            patch_cache_control(response, no_store=True, private=True)
        return response


class AdminBadInputMiddleware:
    """The admin builds its queries from the query string and runs them while rendering;
    a value the database cannot hold (a number past bigint, on SQLite an OverflowError, on
    PostgreSQL a DataError) then surfaced as a 500. It is bad input: answer 400, change
    nothing. Other errors, and everything outside the admin, go on as before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import DataError

        if not request.path.startswith("/admin/"):
            return None
        if isinstance(exception, (OverflowError, DataError)):
            return HttpResponseBadRequest(render_to_string("400.html", {}, request=None))
        return None
