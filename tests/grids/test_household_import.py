"""The household register import: per-row errors, all or nothing, scope."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from grids.models import Household
from grids.visits import services
from grids.visits.importing import plan_household_import
from tests.grids.visit_helpers import build_street

pytestmark = pytest.mark.django_db

HEADER = "区域编码,地址,单元/房号,户主,电话,人数,关怀类别\n"


@pytest.fixture
def st():
    return build_street()


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def test_good_file_creates_and_updates(st, django_assert_max_num_queries):
    st.household(room="1-101")
    content = _csv(
        "HX01-1-A,幸福路 8 号,1-101,张大爷,13900139001,1,独居老人",
        "HX01-1-A,幸福路 8 号,1-102,李阿姨,,3,残疾人、困难家庭",
        "HX01-1-A,幸福路 8 号,1-103,王先生,13900139003,,",
    )
    with django_assert_max_num_queries(5):
        plan = plan_household_import(content=content, filename="h.csv", user=st.worker1)
    assert plan.is_valid, plan.errors
    result = services.household_import(user=st.worker1, content=content, filename="h.csv")
    assert (result.created, result.updated) == (2, 1)
    updated = Household.objects.get(unit_room="1-101")
    assert updated.phone == "13900139001" and updated.visit_every_days == 7
    two = Household.objects.get(unit_room="1-102")
    assert sorted(c.code for c in two.care.all()) == ["disabled", "hardship"]
    assert two.members == 3
    assert Household.objects.get(unit_room="1-103").visit_every_days == 30


def test_xlsx_is_read_too(st):
    book = Workbook()
    sheet = book.active
    sheet.append(["区域编码", "地址", "单元/房号", "户主", "电话", "人数", "关怀类别"])
    sheet.append(["HX01-1-A", "幸福路", "2-201", "赵", 13900139002, 2, "留守儿童"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = services.household_import(
        user=st.worker1, content=buffer.getvalue(), filename="h.xlsx"
    )
    assert result.created == 1
    assert Household.objects.get().phone == "13900139002"


def test_every_bad_row_is_reported_and_nothing_is_written(st):
    content = _csv(
        "HX01-1-A,幸福路,1-101,张,13900139001,1,独居老人",  # good
        "NOPE,幸福路,1-102,李,,,",  # unknown area
        "HX01-1,幸福路,1-103,王,,,",  # a grid, not a compound
        "HX01-2-A,和平路,1-104,赵,,,",  # another worker's grid
        "HX01-1-A,幸福路,1-105,钱,12345,0,外星人",  # phone, members, care
        "HX01-1-A,幸福路,1-101,孙,,,",  # duplicate room
        "HX01-1-A,,,,,,",  # missing fields
    )
    plan = plan_household_import(content=content, filename="h.csv", user=st.worker1)
    by_line: dict[int, list[str]] = {}
    for error in plan.errors:
        by_line.setdefault(error.line, []).append(error.message)
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8]
    assert "不存在" in by_line[3][0]
    assert "网格" in by_line[4][0]
    assert "管辖范围" in by_line[5][0]
    assert len(by_line[6]) == 3  # phone, members, unknown care category
    assert "与第 2 行重复" in by_line[7][0]
    assert len(by_line[8]) == 3  # address, room, head
    with pytest.raises(services.VisitError):
        services.household_import(user=st.worker1, content=content, filename="h.csv")
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("content", "filename", "fragment"),
    [
        (b"", "h.csv", "空"),
        (b"a,b\n1,2\n", "h.csv", "缺少列"),
        (HEADER.encode(), "h.csv", "没有数据行"),
        (b"\xd0\xcf\x11\xe0rest", "h.xls", ".xls"),
        (b"PK\x03\x04garbage", "h.xlsx", "Excel"),
    ],
)
def test_unreadable_files_are_one_clear_error(st, content, filename, fragment):
    plan = plan_household_import(content=content, filename=filename, user=st.worker1)
    assert not plan.is_valid
    assert [e.line for e in plan.errors] == [None]
    assert fragment in plan.errors[0].message


def test_import_pages(client, st):
    client.force_login(st.worker1)
    upload = io.BytesIO(_csv("HX01-1-A,幸福路,1-101,张,,,"))
    upload.name = "h.csv"
    page = client.post("/grids/households/import/", {"file": upload}).content.decode()
    assert "将新增 1 户" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    response = client.post("/grids/households/import/confirm/", {"token": token})
    assert response.status_code == 302
    assert Household.objects.count() == 1
    # A second confirm with the same token finds nothing and writes nothing.
    client.post("/grids/households/import/confirm/", {"token": token})
    assert Household.objects.count() == 1


def test_import_page_shows_row_errors(client, st):
    client.force_login(st.worker1)
    upload = io.BytesIO(_csv("NOPE,幸福路,1-101,张,,,"))
    upload.name = "h.csv"
    page = client.post("/grids/households/import/", {"file": upload}).content.decode()
    assert "import-error" in page and "确认导入" not in page
