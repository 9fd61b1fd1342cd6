"""A staff member signs in through the real login page in Chromium."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_login_page_signs_a_user_in(page) -> None:
    get_user_model().objects.create_user(username="wang_gridworker", password="sidan-e2e-pass")

    page.goto("/login/")
    assert page.locator("h1").inner_text() == "工作人员登录"
    page.get_by_label("用户名").fill("wang_gridworker")
    page.get_by_label("密码").fill("sidan-e2e-pass")
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(lambda url: "/login/" not in url)
    assert page.locator(".who").inner_text() == "wang_gridworker"


def test_wrong_password_shows_the_error_in_chinese(page) -> None:
    get_user_model().objects.create_user(username="li_property", password="sidan-e2e-pass")

    page.goto("/login/")
    page.get_by_label("用户名").fill("li_property")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()

    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确，请重新输入。"
