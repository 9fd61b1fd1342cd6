"""State-changing views refuse a POST without the CSRF token, and the pages give HTMX the
token (``hx-headers`` on <body>) so its requests pass — the residents' pages included."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from orders.lifecycle import Status, Tier
from orders.models import Order
from tests.orders.public_helpers import order_data, prove_phone
from tests.orders.staff_helpers import HX, resolved

HX_TOKEN = re.compile(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""")


@pytest.fixture
def strict() -> Client:
    return Client(enforce_csrf_checks=True)


def _token_from_page(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    match = HX_TOKEN.search(page)
    assert match, f"{url} gives HTMX no CSRF token"
    return match.group(1)


def test_placing_an_order_without_the_token_is_refused(world, strict):
    response = strict.post("/r/", order_data(world))
    assert response.status_code == 403
    assert "无法完成这个操作" in response.content.decode()
    assert not Order.objects.exists()


def test_rating_without_the_token_is_refused(world, strict):
    order = resolved(world)
    for headers in ({}, HX):
        response = strict.post(
            f"/t/{order.tracking_token}/",
            {"action": "rate", "solved": "yes", "rating": "satisfied"},
            **headers,
        )
        assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == Status.AWAITING_RATING and order.rating == ""


def test_rating_with_the_token_htmx_reads_from_the_page_is_accepted(world, strict):
    order = resolved(world)
    prove_phone(strict)  # the resident's own browser (tests/orders/test_resident_voice.py)
    token = _token_from_page(strict, f"/t/{order.tracking_token}/")
    response = strict.post(
        f"/t/{order.tracking_token}/",
        {"action": "rate", "solved": "yes", "rating": "satisfied"},
        HTTP_X_CSRFTOKEN=token,
        **HX,
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Status.CLOSED


def test_dispatching_without_the_token_is_refused(world, strict):
    order = world.place()
    strict.force_login(world.dispatcher)
    data = {
        "expected_status": order.status,
        "tier": Tier.PROPERTY,
        "handler": world.property_manager.pk,
    }
    for headers in ({}, HX):
        response = strict.post(f"/staff/orders/{order.pk}/act/dispatch/", data, **headers)
        assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH


def test_dispatching_with_the_token_from_the_page_is_accepted(world, strict):
    order = world.place()
    strict.force_login(world.dispatcher)
    token = _token_from_page(strict, f"/staff/orders/{order.pk}/")
    data = {
        "expected_status": order.status,
        "tier": Tier.PROPERTY,
        "handler": world.property_manager.pk,
    }
    response = strict.post(
        f"/staff/orders/{order.pk}/act/dispatch/", data, HTTP_X_CSRFTOKEN=token, **HX
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Status.AWAITING_SIGN


@pytest.mark.parametrize("url", ["/r/", "/me/", "/wall/LX01/", "/r/LX01-G01-C01-M001/"])
def test_resident_pages_give_htmx_the_token(world, strict, url):
    assert _token_from_page(strict, url)


def test_state_changing_staff_posts_are_refused_without_the_token(world, strict):
    strict.force_login(world.street_official)
    order = world.place()
    for url in (
        "/staff/intake/",
        f"/staff/orders/{order.pk}/act/cancel/",
        "/staff/supervision/1/resolve/",
        "/staff/callbacks/1/",
        "/grids/areas/import/confirm/",
        "/logout/",
    ):
        assert strict.post(url, {"note": "x"}).status_code == 403, url


def test_state_changing_views_refuse_get(world):
    client = Client()
    client.force_login(world.dispatcher)
    order = world.place()
    for url in (
        f"/staff/orders/{order.pk}/act/dispatch/",
        "/staff/supervision/1/resolve/",
        "/staff/supervision/1/note/",
        "/staff/callbacks/1/",
        "/grids/areas/import/confirm/",
    ):
        assert client.get(url).status_code == 405, url
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH
