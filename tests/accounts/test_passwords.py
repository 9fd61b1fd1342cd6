"""Passwords: at least 10 characters, not common, not a disguised common one (offline), not
like the username; staff change their own; an administrator can reset one."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.checks import check_known_passwords
from tests.factories import DEFAULT_PASSWORD, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

REFUSED = [
    "short1!",  # too short
    "password123",  # common
    "P@ssw0rd2024!",  # leetspeak of a common one, digits stuck on
    "Dragon-2024",  # a common word with a year
    "qwertyuiop",  # keyboard run
    "1234567890",  # digit run
    "abcabcabcabc",  # repeated block
    "zzzzzzzzzzzz",  # one character
    "sidan-demo-2026",  # the published demo password
    "MySidan2026pw",  # the site's name
]


@pytest.mark.parametrize("password", REFUSED)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_username_is_refused() -> None:
    user = UserFactory.build(username="zhangweiming", first_name="伟明", last_name="张")
    with pytest.raises(ValidationError):
        validate_password("zhangweiming1", user=user)


@pytest.mark.parametrize("password", ["lantern-orbit-quilt", "Tq7#vLm2pXr9", "湖边的桂花树开了88"])
def test_strong_passwords_pass(password: str) -> None:
    validate_password(password)


def test_staff_change_their_password_and_other_sessions_end() -> None:
    user = UserFactory(username="li")
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)

    bad = here.post(
        "/account/password/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "qwerty123",
            "new_password2": "qwerty123",
        },
    )
    assert bad.status_code == 200 and "密码" in bad.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)

    new = "lantern-orbit-quilt"
    done = here.post(
        "/account/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302  # back to the login page


def test_admin_resets_a_password_and_the_user_must_change_it() -> None:
    admin = SuperuserFactory()
    user = UserFactory(username="chen")
    victim_session = Client()
    victim_session.force_login(user)
    boss = Client()
    boss.force_login(admin)

    response = boss.post(
        "/admin/auth/user/",
        {"action": "reset_passwords", "_selected_action": [user.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "临时密码 chen：" in page
    temporary = page.split("临时密码 chen：")[1][:12]
    assert victim_session.get("/").status_code == 302  # signed out everywhere

    fresh = Client()
    assert (
        fresh.post(
            "/login/", {"username": "chen", "password": temporary}, REMOTE_ADDR="10.1.1.1"
        ).status_code
        == 302
    )
    assert fresh.get("/").url == "/account/password/"  # held until a new password is set
    new = "lantern-orbit-quilt"
    fresh.post(
        "/account/password/",
        {"old_password": temporary, "new_password1": new, "new_password2": new},
    )
    assert fresh.get("/").status_code == 200


def test_production_refuses_accounts_with_a_known_password(settings) -> None:
    settings.PRODUCTION = True
    UserFactory(username="admin", password="sidan-demo-2026")
    UserFactory(username="someone", password="a-private-pass-phrase")

    errors = check_known_passwords(databases=["default"])

    assert [e.id for e in errors] == ["sidan.E001"]
    assert "admin" in errors[0].msg and "someone" not in errors[0].msg


def test_accounts_sharing_a_known_password_hash_are_found(settings) -> None:
    from django.contrib.auth.hashers import make_password

    settings.PRODUCTION = True
    shared = make_password("sidan-demo-2026")
    for name in ("pm_a", "pm_b"):
        UserFactory(username=name).__class__.objects.filter(username=name).update(password=shared)

    errors = check_known_passwords(databases=["default"])
    assert "pm_a" in errors[0].msg and "pm_b" in errors[0].msg


def test_the_known_password_check_is_quiet_outside_production(settings) -> None:
    settings.PRODUCTION = False
    UserFactory(username="admin", password="sidan-demo-2026")
    assert check_known_passwords(databases=["default"]) == []
