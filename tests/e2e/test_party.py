"""The micro-wish flow in real Chromium on a phone viewport (390×844): a resident posts a
wish → staff verify it → a party member registers, is verified, claims and fulfils it →
the resident confirms → the wall shows it and the member's points rise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from parties.models import MicroWish, PartyMember
from parties.wishes.lifecycle import WishStatus
from tests.e2e.conftest import PHONE as PHONE_VIEWPORT
from tests.orders.conftest import build_world
from tests.orders.public_helpers import last_code
from tests.parties.helpers import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RESIDENT = "13700137001"
MEMBER = "13500135055"


def login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def prove_phone(page, phone: str) -> None:
    page.get_by_label("手机号").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_selector("text=验证码已发送")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("验证码").fill(last_code(phone))
    page.get_by_role("button", name="验证手机号").click()


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_wish_from_post_to_wall(phone, new_desktop, live_server, screenshot):
    world = build_world()
    code = world.community.code
    resident = phone.new_page()
    resident.goto(f"/c/{code}/wishes/")
    prove_phone(resident, RESIDENT)
    resident.wait_for_selector("#wish-form")
    resident.select_option("select[name=category]", "study")
    resident.fill("textarea[name=description]", "想要一套初中数学辅导书")
    needed = (timezone.localdate() + timedelta(days=10)).isoformat()
    resident.fill("input[name=needed_by]", needed)
    fits(resident)
    screenshot(resident, "party-01-post-wish")
    resident.click("#wish-form button[type=submit]")
    resident.wait_for_selector("text=心愿已提交")
    wish = MicroWish.objects.get()

    staff_page = new_desktop().new_page()
    login(staff_page, "dispatcher", "pw")
    base = live_server.url
    staff_page.goto("/party/staff/wishes/")
    staff_page.click(f"[data-wish='{wish.pk}'] >> button:has-text('审核通过')")
    staff_page.wait_for_selector("text=已保存")
    assert MicroWish.objects.get().status == WishStatus.OPEN

    member_ctx = phone.browser.new_context(**PHONE_VIEWPORT, locale="zh-CN", base_url=base)
    member_ctx.set_default_timeout(10_000)
    member = member_ctx.new_page()
    member.goto(f"/c/{code}/join/")
    prove_phone(member, MEMBER)
    member.wait_for_selector("#join-form")
    member.get_by_label("姓名").fill("李红梅")
    member.get_by_label("工作单位").fill("区税务局")
    member.get_by_label("所在党支部").fill("第二党支部")
    member.get_by_label("特长").fill("辅导功课")
    member.fill("input[name=password]", PASSWORD)
    fits(member)
    screenshot(member, "party-02-register")
    member.click("#join-form button[type=submit]")
    member.wait_for_selector("text=报到信息已提交")
    registration = PartyMember.objects.get()

    staff_page.goto("/party/staff/members/")
    staff_page.click(f"[data-member='{registration.pk}'] >> button:has-text('审核通过')")
    staff_page.wait_for_selector("text=已保存")

    login(member, MEMBER, PASSWORD)
    member.goto("/party/")
    assert member.inner_text("#balance").strip() == "0"
    member.click(f"#pool [data-wish='{wish.pk}'] >> button:has-text('认领')")
    member.wait_for_selector(f"#mine [data-wish='{wish.pk}']")
    member.fill(f"#mine [data-wish='{wish.pk}'] input[name=note]", "书已送到家")
    member.click(f"#mine [data-wish='{wish.pk}'] >> button:has-text('完成心愿')")
    member.wait_for_selector("text=已保存")
    fits(member)
    screenshot(member, "party-03-member-home")

    resident.goto(f"/c/{code}/wishes/")
    resident.click(f"#my-wishes [data-wish='{wish.pk}'] >> button:has-text('确认心愿已实现')")
    resident.wait_for_selector("text=心愿已上心愿墙")
    assert resident.locator(f"#wall [data-wish='{wish.pk}']").count() == 1
    assert "李同志" in resident.inner_text("#wall")
    assert RESIDENT not in resident.content()
    screenshot(resident, "party-04-wall")

    member.goto("/party/")
    assert member.inner_text("#balance").strip() == "10"
    member_ctx.close()
