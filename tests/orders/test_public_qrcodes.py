"""QR codes: the single PNG and the staff print sheets (HTML with SVGs, and one PNG)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from orders import qr

pytestmark = pytest.mark.django_db


def test_sheet_in_scope(client, world):
    client.force_login(world.dispatcher)
    response = client.get(f"/staff/qr/{world.compound.code}/")
    html = response.content.decode()
    assert (
        response.status_code == 200
        and "<svg" in html
        and world.microgrid.code in html
        and "1栋1单元" in html
    )
    response = client.get(f"/staff/qr/{world.grid.code}/")
    assert world.compound.code in response.content.decode()
    response = client.get(f"/staff/qr/{world.grid.code}/", {"level": "5"})
    assert world.microgrid.code in response.content.decode()


def test_sheet_png_is_a_png(client, world):
    client.force_login(world.grid_leader)
    response = client.get(f"/staff/qr/{world.grid.code}/sheet.png", {"level": "junk"})
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    assert image.format == "PNG"


def test_sheet_out_of_scope_is_404(client, world):
    client.force_login(world.other_dispatcher)
    assert client.get(f"/staff/qr/{world.compound.code}/").status_code == 404
    assert client.get(f"/staff/qr/{world.compound.code}/sheet.png").status_code == 404
    assert client.get("/staff/qr/NOPE/").status_code == 404


def test_sheet_requires_login(client, world):
    response = client.get(f"/staff/qr/{world.compound.code}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_qr_encodes_the_public_url(world, settings):
    settings.SIDAN_PUBLIC_BASE_URL = "https://sidan.example.cn/"
    assert (
        qr.area_public_url(world.microgrid) == f"https://sidan.example.cn/r/{world.microgrid.code}/"
    )
    assert Image.open(io.BytesIO(qr.qr_png(data="x"))).format == "PNG"


def test_nul_in_staff_sheet(client, world):
    client.force_login(world.dispatcher)
    assert client.get("/staff/qr/%00/").status_code == 404
