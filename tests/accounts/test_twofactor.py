"""TOTP two-factor login is required for street officials and superusers: after the
password they enrol an authenticator (first time) or enter its code; nothing else of the
site, the admin included, opens before that. Other roles are not asked."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from grids.models import PostRole
from tests.factories import DEFAULT_PASSWORD, SuperuserFactory, area_chain, user_with_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_factor_on(settings) -> None:
    settings.SIDAN_2FA_REQUIRED = True


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token() + offset:06d}"[-6:]


def password_login(user, ip: str = "10.0.0.1") -> Client:
    client = Client()
    response = client.post(
        "/login/", {"username": user.username, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=ip
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def street_official():
    return user_with_post(role=PostRole.STREET_OFFICIAL, area=area_chain(level=1)[-1])


def test_a_street_official_enrols_then_gets_in(street_official) -> None:
    client = password_login(street_official)
    assert client.get("/").url == "/account/2fa/setup/"
    assert client.get("/grids/areas/").url == "/account/2fa/setup/"
    assert client.get("/", HTTP_HX_REQUEST="true")["HX-Redirect"] == "/account/2fa/setup/"

    page = client.get("/account/2fa/setup/").content.decode()
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=street_official)
    assert base64.b32decode(secret) == device.bin_key
    assert not device.confirmed

    wrong = client.post("/account/2fa/setup/", {"code": "000000"})
    assert "动态码不正确" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    assert client.post("/account/2fa/setup/", {"code": code_for(device)}).status_code == 302

    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=street_official).confirmed


def test_an_enrolled_official_must_enter_a_code_at_each_login(street_official) -> None:
    device = TOTPDevice.objects.create(user=street_official, name="phone", confirmed=True)
    client = password_login(street_official)
    assert client.get("/").url == "/account/2fa/verify/"

    assert client.post("/account/2fa/verify/", {"code": "12"}).status_code == 200  # not 6 digits
    wrong = client.post("/account/2fa/verify/", {"code": code_for(device, offset=7)})
    assert "动态码不正确" in wrong.content.decode()
    assert client.get("/").url == "/account/2fa/verify/"


def test_a_right_code_opens_the_site(street_official) -> None:
    device = TOTPDevice.objects.create(user=street_official, name="phone", confirmed=True)
    client = password_login(street_official)

    response = client.post(
        "/account/2fa/verify/", {"code": code_for(device), "next": "/grids/areas/"}
    )

    assert response.url == "/grids/areas/"
    assert client.get("/grids/areas/").status_code == 200


def test_guessing_codes_is_throttled(street_official) -> None:
    device = TOTPDevice.objects.create(user=street_official, name="phone", confirmed=True)
    client = password_login(street_official)
    client.post("/account/2fa/verify/", {"code": code_for(device, offset=3)})

    # Right after a failure the device refuses even the right code (django-otp's back-off).
    throttled = client.post("/account/2fa/verify/", {"code": code_for(device)})
    assert throttled.status_code == 429
    assert client.get("/").url == "/account/2fa/verify/"


def test_a_superuser_cannot_reach_the_admin_without_the_second_factor() -> None:
    boss = SuperuserFactory()
    client = password_login(boss)

    assert client.get("/admin/").url == "/account/2fa/setup/"
    assert client.get("/admin/orders/order/").url == "/account/2fa/setup/"


def test_other_roles_are_not_asked() -> None:
    dispatcher = user_with_post(role=PostRole.COMMUNITY_DISPATCHER, area=area_chain(level=2)[-1])
    client = password_login(dispatcher)
    assert client.get("/").status_code == 200


def test_the_demo_enrols_its_street_official_and_admin_and_prints_how(settings) -> None:
    from io import StringIO

    from django.core.management import call_command

    from demo.street import build_demo
    from tests.grids.test_demo import SMALL

    build_demo(**SMALL)
    from accounts.demo import current_code, enrol_demo_devices

    enrolled = dict(enrol_demo_devices(usernames=["demo_street", "admin", "demo_dispatcher"]))
    assert set(enrolled) == {"demo_street", "admin"}
    out = StringIO()
    call_command("demo_totp", "demo_street", stdout=out)
    device = TOTPDevice.objects.get(user__username="demo_street")
    assert out.getvalue().strip() == code_for(device) == current_code(username="demo_street")
    # Idempotent: the same secret on the next run.
    assert (
        dict(enrol_demo_devices(usernames=["demo_street"]))["demo_street"]
        == enrolled["demo_street"]
    )
