"""Supply meets demand in real Chromium: a resident's need (their order) becomes a demand
item → matched to a member unit's resource → a project → the unit's liaison reports
progress and completion → residents see it on the community's wall (390×844) and one
evaluates it with their proved phone."""

from __future__ import annotations

import pytest

from parties.units.lifecycle import UnitProjectStatus
from parties.units.models import DemandItem, UnitProject
from tests.e2e.test_party import fits, login
from tests.orders.conftest import build_world
from tests.orders.public_helpers import last_code
from tests.orders.units_helpers import resource

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RESIDENT = "13700137002"


def test_need_to_demand_to_project_to_wall(phone, new_desktop, screenshot):
    world = build_world()
    code = world.community.code
    resource(world, title="家庭医生上门随访", capacity=4)
    order = world.place(
        description="家里老人行动不便，希望有医生定期上门量血压", resident_phone=RESIDENT
    )

    staff = new_desktop().new_page()
    login(staff, "dispatcher", "pw")
    staff.goto(f"/staff/demands/?order={order.reference}")
    staff.select_option("select[name=community]", code)
    staff.get_by_label("需求", exact=True).fill("独居老人定期量血压")
    staff.get_by_label("说明").fill("来自居民点单，3 栋两位老人")
    staff.select_option("select[name=category]", "elderly")
    staff.select_option("select[name=source]", "order")
    staff.get_by_role("button", name="列入需求清单").click()
    staff.wait_for_selector("text=已加入需求清单")
    demand = DemandItem.objects.get()
    assert demand.order_reference == order.reference
    staff.wait_for_selector("#matches >> text=家庭医生上门随访")
    screenshot(staff, "units-01-demand-matches")
    staff.get_by_role("button", name="匹配并生成项目").click()
    staff.wait_for_selector("text=已匹配，生成项目清单")
    project = UnitProject.objects.get()
    assert (project.unit, project.demand) == (world.unit, demand)

    liaison = new_desktop().new_page()
    login(liaison, "liaison", "pw")
    liaison.goto("/staff/unit-projects/")
    liaison.click(f"[data-project='{project.pk}'] a")
    liaison.fill("[data-action=start] textarea", "已与两位老人约定每周二上门")
    liaison.click("[data-action=start] button")
    liaison.wait_for_selector("#project-status:has-text('实施中')")
    liaison.fill("[data-action=progress] textarea", "第一次上门随访已完成，血压平稳")
    liaison.click("[data-action=progress] button")
    liaison.wait_for_selector("text=第一次上门随访已完成")
    liaison.fill("[data-action=complete] textarea", "本月四次上门随访全部完成，建立健康档案")
    liaison.click("[data-action=complete] button")
    liaison.wait_for_selector("#project-status:has-text('已完成')")
    screenshot(liaison, "units-02-project-done")
    assert UnitProject.objects.get().status == UnitProjectStatus.DONE

    resident = phone.new_page()
    resident.goto(f"/c/{code}/units/")
    resident.click(f"[data-project='{project.pk}'] a")
    resident.wait_for_selector("#public-result:has-text('建立健康档案')")
    resident.wait_for_selector("#updates >> text=血压平稳")
    fits(resident)
    resident.click("text=验证手机号后评价")
    resident.get_by_label("手机号").fill(RESIDENT)
    resident.get_by_role("button", name="获取验证码").click()
    resident.wait_for_selector("text=验证码已发送")
    resident.get_by_label("验证码").fill(last_code(RESIDENT))
    resident.get_by_role("button", name="验证并查看").click()
    resident.wait_for_selector(f"text={order.reference}")
    resident.goto(f"/c/{code}/units/{project.pk}/")
    resident.check("input[name=rating][value=satisfied]")
    resident.fill("input[name=comment]", "医生很耐心")
    resident.get_by_role("button", name="提交评价").click()
    resident.wait_for_selector("text=谢谢你的评价")
    resident.wait_for_selector("#evaluation >> text=满意 1")
    fits(resident)
    screenshot(resident, "units-03-wall-evaluated")
    assert list(project.evaluations.values_list("rating", "phone")) == [("satisfied", RESIDENT)]
