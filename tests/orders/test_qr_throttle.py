"""Finding: a street's QR sheet took 15.8 s to make and anyone in scope could ask for it
again and again. Now a user gets SIDAN_QR_SHEETS_PER_MINUTE sheets a minute (then a polite
429), and a sheet once made is served from the shared cache."""

from __future__ import annotations

import pytest

from orders import qr

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("suffix", ["", "sheet.png"])
def test_a_user_is_limited_per_minute(client, world, settings, suffix) -> None:
    settings.SIDAN_QR_SHEETS_PER_MINUTE = 2
    client.force_login(world.dispatcher)
    url = f"/staff/qr/{world.community.code}/{suffix}"
    statuses = [client.get(url, {"level": level}).status_code for level in (3, 4, 5)]

    assert statuses == [200, 200, 429]
    busy = client.get(url, {"level": 5})
    assert busy["Retry-After"] == "60" and "请一分钟后再试" in busy.content.decode()
    # A sheet already made is still served; another user is not held up.
    assert client.get(url, {"level": 3}).status_code == 200
    client.force_login(world.street_official)
    assert client.get(url, {"level": 5}).status_code == 200


def test_a_sheet_is_made_once_then_served_from_the_cache(client, world, monkeypatch) -> None:
    calls = {"png": 0, "svg": 0}
    real_png, real_svg = qr.qr_sheet_png, qr.qr_svg

    def counting_png(**kwargs):
        calls["png"] += 1
        return real_png(**kwargs)

    def counting_svg(**kwargs):
        calls["svg"] += 1
        return real_svg(**kwargs)

    monkeypatch.setattr(qr, "qr_sheet_png", counting_png)
    monkeypatch.setattr(qr, "qr_svg", counting_svg)
    client.force_login(world.dispatcher)
    for _ in range(3):
        assert client.get(f"/staff/qr/{world.grid.code}/sheet.png").status_code == 200
        assert client.get(f"/staff/qr/{world.grid.code}/").status_code == 200

    assert calls["png"] == 1
    assert calls["svg"] == 1  # one compound under the grid, drawn once
