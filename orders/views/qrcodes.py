"""Staff QR sheets: every compound (or micro-grid) under a node of the user's scope, each
with its QR code, name and code — as a printable HTML page and as one PNG."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.safestring import mark_safe
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


@login_required
@require_GET
def qr_sheet(request: HttpRequest, code: str) -> HttpResponse:
    area, level, items = _sheet_areas(request, code)
    cards = [
        {
            "area": a,
            "url": qr.area_public_url(a),
            "svg": mark_safe(qr.qr_svg(data=qr.area_public_url(a))),
        }
        for a in items
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
    response = HttpResponse(qr.qr_sheet_png(areas=items, title=area.name), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="sidan-qr-{area.code}.png"'
    return response


urlpatterns = [
    path("staff/qr/<str:code>/", qr_sheet, name="qr_sheet"),
    path("staff/qr/<str:code>/sheet.png", qr_sheet_png, name="qr_sheet_png"),
]
