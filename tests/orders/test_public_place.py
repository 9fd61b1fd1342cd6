"""Placing an order from the phone form and from a QR code, through the test client."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orders.models import Channel, Order, OrderPhoto, PhoneVerification
from tests.orders.public_helpers import last_code, order_data, png, send_code


def test_form_page_and_cascading_picker(client, world):
    page = client.get("/r/")
    assert page.status_code == 200 and "东湖社区" in page.content.decode()
    # Plain GET reload: community then grid.
    page = client.get("/r/", {"community": world.community.code, "grid": world.grid.code})
    html = page.content.decode()
    assert "桂花苑" in html and f'value="{world.grid.code}"' in html
    # A grid from another community is ignored.
    page = client.get("/r/", {"community": world.other_community.code, "grid": world.grid.code})
    assert "桂花苑" not in page.content.decode()
    # HTMX: only the picker partial comes back.
    part = client.get(
        "/r/",
        {
            "community": world.community.code,
            "grid": world.grid.code,
            "compound": world.compound.code,
        },
        HTTP_HX_REQUEST="true",
    )
    html = part.content.decode()
    assert (
        html.lstrip().startswith('<form id="picker"') and "1栋1单元" in html and "<html" not in html
    )


def test_qr_url_prefills_location_and_records_qr_channel(client, world):
    page = client.get(f"/r/{world.microgrid.code}/")
    html = page.content.decode()
    assert (
        page.status_code == 200 and "桂花苑" in html and "1栋1单元" in html and "更换位置" in html
    )
    send_code(client, f"/r/{world.microgrid.code}/")
    response = client.post(
        f"/r/{world.microgrid.code}/",
        order_data(world, otp_code=last_code(), photos=[png(), png("b.png")]),
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/t/{order.tracking_token}/ok/"
    assert order.channel == Channel.QR and order.area == world.microgrid
    assert order.photos.count() == 2


def test_qr_url_refuses_a_tampered_location(client, world):
    send_code(client, f"/r/{world.microgrid.code}/")
    client.post(
        f"/r/{world.microgrid.code}/",
        order_data(world, area_code=world.other_microgrid.code, otp_code=last_code()),
    )
    assert not Order.objects.exists()


def test_plain_form_records_mobile_channel(client, world):
    send_code(client)
    response = client.post("/r/", order_data(world, otp_code=last_code()))
    assert response.status_code == 302
    assert Order.objects.get().channel == Channel.MOBILE


def test_unknown_area_code_is_a_friendly_404(client, world):
    for url in ("/r/NOPE/", f"/r/{world.community.code}/", "/r/%E4%B8%AD/"):
        response = client.get(url)
        assert response.status_code == 404 and "找不到这个位置" in response.content.decode()


def test_cannot_place_without_a_verified_phone(client, world):
    response = client.post("/r/", order_data(world))
    assert response.status_code == 200 and "验证码" in response.content.decode()
    send_code(client)
    response = client.post(
        "/r/", order_data(world, otp_code="999999" if last_code() != "999999" else "000000")
    )
    assert "验证码不正确" in response.content.decode()
    # A code for one phone does not prove another.
    response = client.post(
        "/r/", order_data(world, resident_phone="13900139000", otp_code=last_code())
    )
    assert not Order.objects.exists()


def test_verified_phone_is_remembered_for_the_next_order(client, world):
    send_code(client)
    client.post("/r/", order_data(world, otp_code=last_code()))
    response = client.post("/r/", order_data(world, description="第二件事：路灯不亮"))
    assert response.status_code == 302 and Order.objects.count() == 2
    assert PhoneVerification.objects.count() == 1


def test_send_code_htmx_returns_the_partial(client, world):
    response = send_code(client, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and '<div id="otp"' in html and "138****8000" in html
    assert "<html" not in html
    # Immediately again: refused by the rate limit, with a clear message.
    html = send_code(client, HTTP_HX_REQUEST="true").content.decode()
    assert "太频繁" in html
    assert PhoneVerification.objects.count() == 1


def test_send_code_plain_post_keeps_what_was_typed(client, world):
    response = client.post(
        "/r/", {**order_data(world), "action": "send_code", "description": "楼道堆满杂物"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "楼道堆满杂物" in html and "138****8000" in html
    assert not Order.objects.exists()


def test_send_code_with_a_bad_phone(client, world):
    html = send_code(client, phone="123").content.decode()
    assert "11 位" in html and not PhoneVerification.objects.exists()


@pytest.mark.parametrize(
    "photos, message",
    [
        (lambda: [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")], "图片"),
        (lambda: [png(f"{i}.png") for i in range(4)], "最多上传 3 张"),
        (
            lambda: [
                SimpleUploadedFile(
                    "big.png", b"\0" * (5 * 1024 * 1024 + 1), content_type="image/png"
                )
            ],
            "5 MB",
        ),
    ],
)
def test_bad_photos_are_refused(client, world, photos, message):
    send_code(client)
    response = client.post("/r/", order_data(world, otp_code=last_code(), photos=photos()))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Order.objects.exists() and not OrderPhoto.objects.exists()


def test_missing_fields_and_location(client, world):
    send_code(client)
    response = client.post(
        "/r/", order_data(world, area_code="", description="", otp_code=last_code())
    )
    html = response.content.decode()
    assert response.status_code == 200 and "请先选择位置" in html
    assert not Order.objects.exists()


def test_confirmation_page_shows_reference_and_tracking_link(client, world):
    send_code(client)
    response = client.post("/r/", order_data(world, otp_code=last_code()), follow=True)
    order = Order.objects.get()
    html = response.content.decode()
    assert order.reference in html and f"/t/{order.tracking_token}/" in html
    assert response["Referrer-Policy"] == "same-origin"


def test_area_qr_png(client, world):
    response = client.get(f"/r/{world.compound.code}/qr.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get("/r/NOPE/qr.png").status_code == 404
