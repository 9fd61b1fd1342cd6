"""Staff QR sheets: every compound (or micro-grid) under a node of the user's scope, each
with its QR code, name and code — as a printable HTML page and as one PNG.

A big sheet is expensive (a street's 2,826 micro-grids took 15.8 s), so a generated sheet
is kept in the shared cache for ``SHEET_CACHE_SECONDS`` (asking again for the same sheet
costs nothing), and each user may have ``SIDAN_QR_SHEETS_PER_MINUTE`` sheets generated a
minute (then 429 with a polite page)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from grids.models import Area, AreaLevel
from grids.selectors import area_for_user, area_subtree
from orders import qr
from orders.selectors.public import is_area_code


def _sheet_areas(request: HttpRequest, code: str) -> tuple[Area, int, list[Area]]:
    """The node (404 outside the user's scope), the level shown, and its nodes of that level."""
    if not is_area_code(code):
        raise Http404
    area = area_for_user(user=request.user, code=code)
    default = min(area.level + 1, AreaLevel.MICROGRID)
    try:
        level = int(request.GET.get("level", default))
    except ValueError:
        level = default
    if not (area.level <= level <= AreaLevel.MICROGRID):
        level = default
    items = list(area_subtree(area=area).filter(level=level).order_by("path")[: qr.MAX_SHEET_ITEMS])
    return area, level, items


SHEET_CACHE_SECONDS = 600


def _too_many(request: HttpRequest) -> HttpResponse | None:
    """Count this user's sheet requests of this minute; a 429 page over the limit."""
    minute = int(timezone.now().timestamp() // 60)
    key = f"sidan:qr-sheets:{request.user.pk}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    if count <= settings.SIDAN_QR_SHEETS_PER_MINUTE:
        return None
    response = render(
        request,
        "orders/qrcodes/busy.html",
        {"message": _("二维码生成比较耗时，请一分钟后再试；刚生成过的二维码会很快打开。")},
        status=429,
    )
    response["Retry-After"] = "60"
    return response


def _sheet_key(kind: str, items: list[Area]) -> str:
    digest = hashlib.sha256(
        "|".join(f"{a.pk}:{a.code}:{a.name}" for a in items).encode()
    ).hexdigest()
    return f"sidan:qr-sheet:{kind}:{settings.SIDAN_PUBLIC_BASE_URL}:{digest}"


@login_required
@require_GET
def qr_sheet(request: HttpRequest, code: str) -> HttpResponse:
    area, level, items = _sheet_areas(request, code)
    key = _sheet_key("svg", items)
    svgs = cache.get(key)
    if not isinstance(svgs, list) or len(svgs) != len(items):
        if (refused := _too_many(request)) is not None:
            return refused
        svgs = [qr.qr_svg(data=qr.area_public_url(a)) for a in items]
        cache.set(key, svgs, timeout=SHEET_CACHE_SECONDS)
    cards = [
        {"area": a, "url": qr.area_public_url(a), "svg": mark_safe(svg)}
        for a, svg in zip(items, svgs, strict=True)
    ]
    levels = [lvl for lvl in AreaLevel if area.level <= lvl.value]
    return render(
        request,
        "orders/qrcodes/sheet.html",
        {"area": area, "level": level, "levels": levels, "cards": cards},
    )


@login_required
@require_GET
def qr_sheet_png(request: HttpRequest, code: str) -> HttpResponse:
    area, _level, items = _sheet_areas(request, code)
    key = _sheet_key(f"png:{area.name}", items)
    png = cache.get(key)
    if not isinstance(png, bytes):
        if (refused := _too_many(request)) is not None:
            return refused
        png = qr.qr_sheet_png(areas=items, title=area.name)
        cache.set(key, png, timeout=SHEET_CACHE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="sidan-qr-{area.code}.png"'
    return response


urlpatterns = [
    path("staff/qr/<str:code>/", qr_sheet, name="qr_sheet"),
    path("staff/qr/<str:code>/sheet.png", qr_sheet_png, name="qr_sheet_png"),
]
