"""QR codes for area nodes: each encodes the node's public order URL (``/r/<code>/``).

Single PNGs and inline SVGs come from segno; the printable PNG sheet is composed with
Pillow, with each node's code under its QR (and its Chinese name when a CJK font exists).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

from grids.models import Area

CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
# A sheet is bounded: a compound has tens of micro-grids, a grid a handful of compounds.
MAX_SHEET_ITEMS = 300


def area_public_url(area: Area) -> str:
    return settings.SIDAN_PUBLIC_BASE_URL.rstrip("/") + reverse("orders:place_at", args=[area.code])


def _qr(data: str) -> segno.QRCode:
    return segno.make_qr(data, error="m")


def qr_png(*, data: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    _qr(data).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(*, data: str, scale: int = 4) -> str:
    """An inline ``<svg>`` element (no XML declaration), safe to mark safe: segno escapes nothing
    user-controlled into it besides the encoded modules."""
    return _qr(data).svg_inline(scale=scale, border=2, omitsize=True)


@lru_cache(maxsize=1)
def _cjk_font_path() -> str | None:
    for candidate in CJK_FONT_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return None


def _font(size: int, *, cjk: bool) -> ImageFont.ImageFont:
    path = _cjk_font_path() if cjk else None
    if path:
        return ImageFont.truetype(path, size=size)
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def qr_sheet_png(
    *, areas: Sequence[Area], title: str = "", columns: int = 4, scale: int = 6
) -> bytes:
    """One PNG with a QR per area, its code under it, and its name when a CJK font exists."""
    areas = list(areas)[:MAX_SHEET_ITEMS]
    has_cjk = _cjk_font_path() is not None
    images = [
        Image.open(io.BytesIO(qr_png(data=area_public_url(a), scale=scale))).convert("L")
        for a in areas
    ]
    cell = max((img.width for img in images), default=200)
    label_h = 56 if has_cjk else 30
    pad = 16
    title_h = 48 if (title and has_cjk) else (30 if title else 0)
    rows = max(1, -(-len(images) // columns))
    width = columns * (cell + pad) + pad
    height = title_h + rows * (cell + label_h + pad) + pad
    sheet = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(sheet)
    name_font, code_font = _font(20, cjk=True), _font(16, cjk=False)
    if title:
        draw.text((pad, pad // 2), title if has_cjk else "", fill=0, font=_font(26, cjk=True))
    for index, (area, img) in enumerate(zip(areas, images, strict=True)):
        x = pad + (index % columns) * (cell + pad)
        y = title_h + pad + (index // columns) * (cell + label_h + pad)
        sheet.paste(img, (x, y))
        text_y = y + img.height + 2
        if has_cjk:
            draw.text((x + cell // 2, text_y), area.name, fill=0, font=name_font, anchor="ma")
            text_y += 26
        draw.text((x + cell // 2, text_y), area.code, fill=0, font=code_font, anchor="ma")
    out = io.BytesIO()
    sheet.save(out, format="PNG", optimize=True)
    return out.getvalue()
