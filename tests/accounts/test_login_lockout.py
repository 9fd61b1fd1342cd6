"""Finding: 20 wrong staff passwords in 51 s met no lockout or throttle.

django-axes on the shared cache locks an account after SIDAN_LOGIN_FAILURE_LIMIT wrong
passwords from anywhere, and an address after as many wrong passwords for any accounts;
the right password does not get through a lockout; a success resets the count.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/login/"


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_no_longer_works() -> None:
    UserFactory(username="wang")
    client = Client()
    statuses = [attempt(client, "wang", f"wrong-{n}").status_code for n in range(20)]

    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with the error
    assert set(statuses[limit:]) == {429}
    locked = attempt(client, "wang", DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert "暂时无法登录" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_lock_holds_from_another_address() -> None:
    UserFactory(username="wang")
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), "wang", f"wrong-{n}", ip=f"10.0.1.{n}")

    assert attempt(Client(), "wang", DEFAULT_PASSWORD, ip="10.9.9.9").status_code == 429


def test_one_address_guessing_many_accounts_is_locked_out() -> None:
    UserFactory(username="victim")
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), f"nobody{n}", "guess", ip="10.0.2.2")

    # A different, unlocked account is refused from that address...
    assert attempt(Client(), "victim", DEFAULT_PASSWORD, ip="10.0.2.2").status_code == 429
    # ...and still signs in from anywhere else.
    elsewhere = attempt(Client(), "victim", DEFAULT_PASSWORD, ip="10.0.3.3")
    assert elsewhere.status_code == 302


def test_a_success_resets_the_count() -> None:
    UserFactory(username="wang")
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(Client(), "wang", f"wrong-{n}")
    assert attempt(Client(), "wang", DEFAULT_PASSWORD).status_code == 302
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(Client(), "wang", f"wrong-again-{n}")

    assert attempt(Client(), "wang", DEFAULT_PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too() -> None:
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "boss", "password": f"x{n}"})

    response = client.post("/admin/login/", {"username": "boss", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429


def test_lockout_lives_in_the_shared_cache() -> None:
    assert settings.AXES_HANDLER == "axes.handlers.cache.AxesCacheHandler"
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
