"""Findings: one address queued 20 one-time codes to 20 phones in 3.3 s; a stranger's five
wrong guesses killed a resident's live code.

Sends are limited per address and site-wide in the shared cache (and per phone and per
session as before), with a honeypot field and a polite message; wrong guesses lock the
guesser's session and address, while the resident's code lives on.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from core.clientip import client_ip
from orders import verification as v
from orders.models import OutboxMessage
from tests.orders.public_helpers import PHONE, last_code

pytestmark = pytest.mark.django_db


def send(phone: str, ip: str, client: Client | None = None, **extra):
    client = client or Client()
    return client.post(
        "/me/", {"action": "send_code", "resident_phone": phone, **extra}, REMOTE_ADDR=ip
    )


def verify(client: Client, code: str, ip: str):
    return client.post(
        "/me/",
        {"action": "verify", "resident_phone": PHONE, "otp_code": code},
        REMOTE_ADDR=ip,
        follow=True,
    )


def test_one_address_cannot_queue_codes_to_twenty_phones(settings) -> None:
    pages = [send(f"1390000{n:04d}", ip="10.1.1.1").content.decode() for n in range(20)]

    assert (
        OutboxMessage.objects.filter(template="otp").count() == settings.SIDAN_OTP_SENDS_PER_IP_HOUR
    )
    assert "您所在的网络一小时内获取验证码的次数已经很多了" in pages[-1]
    # Someone elsewhere is not affected.
    send("13911112222", ip="10.2.2.2")
    assert OutboxMessage.objects.filter(recipient="13911112222").exists()


def test_the_whole_site_has_a_ceiling(settings) -> None:
    settings.SIDAN_OTP_SENDS_PER_MINUTE = 3
    for n in range(3):
        send(f"1390000{n:04d}", ip=f"10.3.0.{n}")
    page = send("13900009999", ip="10.3.1.1").content.decode()

    assert OutboxMessage.objects.filter(template="otp").count() == 3
    assert "现在获取验证码的人比较多，请您稍等一两分钟再试" in page


def test_the_honeypot_sends_nothing() -> None:
    page = send(PHONE, ip="10.4.4.4", website="http://spam.example").content.decode()

    assert not OutboxMessage.objects.exists()
    assert "提交没有成功" in page


def test_a_strangers_wrong_guesses_lock_the_stranger_not_the_residents_code() -> None:
    resident = Client()
    send(PHONE, ip="10.5.5.5", client=resident)
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"

    stranger = Client()
    pages = [verify(stranger, wrong, ip="10.6.6.6").content.decode() for _ in range(6)]
    assert "验证码不正确" in pages[0]
    assert "分钟后再试" in pages[-1]
    # Locked: even the right code does not work for the stranger now.
    assert "分钟后再试" in verify(stranger, right, ip="10.6.6.6").content.decode()

    page = verify(resident, right, ip="10.5.5.5").content.decode()
    assert "138****8000" in page and "验证码输错次数过多" not in page
    assert v.verified_phone(resident.session) == PHONE


def test_many_sessions_from_one_address_are_locked_by_the_address() -> None:
    send(PHONE, ip="10.5.5.5")
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(10):
        verify(Client(), wrong, ip="10.7.7.7")  # a fresh session each time

    assert "分钟后再试" in verify(Client(), right, ip="10.7.7.7").content.decode()
    resident = Client()
    verify(resident, right, ip="10.5.5.5")
    assert v.verified_phone(resident.session) == PHONE


def test_the_code_still_dies_after_many_guessers() -> None:
    v.verification_send(phone=PHONE)
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for n in range(v.PHONE_MAX_ATTEMPTS):
        with pytest.raises(v.VerificationError):
            v.verification_check(phone=PHONE, code=wrong, session={}, client_ip=f"10.8.{n}.1")

    with pytest.raises(v.VerificationError) as err:
        v.verification_check(phone=PHONE, code=right, session={}, client_ip="10.9.9.9")
    assert err.value.code == "locked"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "127.0.0.9"),  # no proxy: the header is the client's own words
        (1, "1.1.1.1", "1.1.1.1"),
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),  # a forged first entry is ignored
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.2", "1.1.1.1"),
        (1, "not-an-address", "127.0.0.9"),
        (1, "", "127.0.0.9"),
    ],
)
def test_the_client_address_behind_proxies(settings, proxies, forwarded, expected) -> None:
    settings.SIDAN_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
