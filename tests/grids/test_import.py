"""Area import: preview, confirm, and every way a file can be wrong (nothing written)."""

import io
import re

import pytest
from openpyxl import Workbook

from grids import services
from grids.importing import MAX_ROWS, parse_area_file
from grids.models import Area, PostRole
from tests.factories import AreaFactory, SuperuserFactory, user_with_post

pytestmark = pytest.mark.django_db

HEADER_ZH = ["编码", "名称", "层级", "上级编码"]
HEADER_EN = ["code", "name", "level", "parent_code"]
# Deliberately out of order: children before their parents.
VALID_ROWS = [
    ["NS01-G01", "第1网格", "网格", "NS01"],
    ["NS", "南山街道", "街道", ""],
    ["NS01", "东湖社区", "社区", "NS"],
    ["NS01-G01-C01", "桂花苑", "小区楼栋", "NS01-G01"],
    ["NS01-G01-C01-M001", "1栋1单元", "微网格", "NS01-G01-C01"],
    ["NS01-G02", "第2网格", "3", "NS01"],
    ["NS02", "西城社区", "community", "NS"],
]


def csv_bytes(rows, *, header=HEADER_ZH, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, *, header=HEADER_EN) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, content: bytes, name: str):
    return client.post("/grids/areas/import/", {"file": _file(content, name)})


def _file(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def token_of(response) -> str:
    assert response.status_code == 302, response.content[:500]
    return re.search(r"token=([\w-]+)", response["Location"]).group(1)


@pytest.fixture
def admin_client(client):
    client.force_login(SuperuserFactory())
    return client


def import_through_views(client, content: bytes, name: str):
    token = token_of(upload(client, content, name))
    preview = client.get("/grids/areas/import/preview/", {"token": token})
    assert preview.status_code == 200
    confirm = client.post("/grids/areas/import/confirm/", {"token": token})
    return preview, confirm


def assert_valid_tree_written():
    assert Area.objects.count() == len(VALID_ROWS)
    assert (
        Area.objects.get(code="NS01-G01-C01-M001").path
        == "NS/NS01/NS01-G01/NS01-G01-C01/NS01-G01-C01-M001/"
    )
    assert Area.objects.get(code="NS02").path == "NS/NS02/"
    for area in Area.objects.select_related("parent"):
        assert area.path == (area.parent.path if area.parent else "") + area.code + "/"


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("areas.csv", lambda: csv_bytes(VALID_ROWS)),
        ("areas-bom.csv", lambda: csv_bytes(VALID_ROWS, encoding="utf-8-sig")),
        ("areas-gbk.csv", lambda: csv_bytes(VALID_ROWS, encoding="gbk")),
        ("areas-en.csv", lambda: csv_bytes(VALID_ROWS, header=HEADER_EN)),
        ("areas.xlsx", lambda: xlsx_bytes(VALID_ROWS)),
        ("areas-zh.xlsx", lambda: xlsx_bytes(VALID_ROWS, header=HEADER_ZH)),
    ],
)
def test_valid_file_previews_then_imports(admin_client, name, make):
    token = token_of(upload(admin_client, make(), name))
    page = admin_client.get("/grids/areas/import/preview/", {"token": token}).content.decode()
    assert "确认导入" in page and "桂花苑" in page
    assert Area.objects.count() == 0  # the preview writes nothing
    confirm = admin_client.post("/grids/areas/import/confirm/", {"token": token})
    assert confirm.status_code == 302 and confirm["Location"] == "/grids/areas/"
    assert_valid_tree_written()


def test_preview_counts_per_level(admin_client):
    token = token_of(upload(admin_client, csv_bytes(VALID_ROWS), "a.csv"))
    plan = admin_client.get("/grids/areas/import/preview/", {"token": token}).context["plan"]
    assert {c["label"]: c["create"] for c in plan.counts_by_level()} == {
        "街道": 1,
        "社区": 2,
        "网格": 2,
        "小区/楼栋": 1,
        "微网格": 1,
    }


def test_existing_codes_are_renamed_not_duplicated(admin_client):
    import_through_views(admin_client, csv_bytes(VALID_ROWS), "a.csv")
    rows = [r[:] for r in VALID_ROWS]
    rows[2][1] = "新东湖社区"
    rows.append(["NS02-G01", "第1网格", "网格", "NS02"])
    _preview, confirm = import_through_views(admin_client, csv_bytes(rows), "b.csv")
    assert confirm.status_code == 302
    assert Area.objects.count() == len(VALID_ROWS) + 1
    assert Area.objects.get(code="NS01").name == "新东湖社区"


# One bad row among good ones: (the bad row, the error's words, the row's line number).
BAD_ROWS = [
    (["NS03", "北苑社区", "社区", "XX"], "既不在系统中，也不在本文件中", 9),
    (["NS01", "重复社区", "社区", "NS"], "与第 4 行重复", 9),
    (["NS01-G01-C02", "错层小区", "网格", "NS01-G01"], "层级不对", 9),
    (["NS01-M9", "错层微网格", "微网格", "NS01"], "层级不对", 9),
    (["XS", "另一街道", "街道", "NS"], "街道是最高一级", 9),
    (["NS09", "无上级社区", "社区", ""], "只有街道可以没有上级编码", 9),
    (["NS 03", "空格编码", "社区", "NS"], "格式不对", 9),
    (["/NS03", "斜杠编码", "社区", "NS"], "格式不对", 9),
    (["NS03", "", "社区", "NS"], "缺少名称", 9),
    (["NS03", "北苑社区", "片区", "NS"], "无法识别的层级", 9),
    (["NS03", "北苑社区", "", "NS"], "缺少层级", 9),
    (["", "无编码", "社区", "NS"], "缺少编码", 9),
    (["N" * 41, "长编码", "社区", "NS"], "编码太长", 9),
    (["NS03", "名" * 101, "社区", "NS"], "名称太长", 9),
]


@pytest.mark.parametrize(("bad", "message", "line"), BAD_ROWS, ids=[b[1] for b in BAD_ROWS])
def test_one_bad_row_blocks_the_whole_file(admin_client, bad, message, line):
    AreaFactory(code="OLD")  # something already in the database
    before = Area.objects.count()
    rows = VALID_ROWS + [bad]  # header is line 1, so the bad row is line 9

    preview, confirm = import_through_views(admin_client, csv_bytes(rows), "bad.csv")

    errors = preview.context["plan"].errors
    assert any(e.line == line and message in e.message for e in errors), [
        (e.line, e.message) for e in errors
    ]
    page = preview.content.decode()
    assert message in page and "确认导入" not in page
    # Posting the token anyway re-validates and writes nothing.
    assert confirm.status_code == 302
    assert Area.objects.count() == before


def test_code_existing_with_another_parent_is_an_error(admin_client):
    street = AreaFactory(code="NS")
    AreaFactory(code="NS01", parent=street)
    other = AreaFactory(code="NS02", parent=street)
    AreaFactory(code="NS02-G01", parent=other)
    before = Area.objects.count()
    rows = [["NS01-G01", "第1网格", "网格", "NS01"], ["NS02-G01", "第1网格", "网格", "NS01"]]
    preview, _confirm = import_through_views(admin_client, csv_bytes(rows), "a.csv")
    assert [
        (e.line, "已存在，但上级或层级不同" in e.message) for e in preview.context["plan"].errors
    ] == [(3, True)]
    assert Area.objects.count() == before


def test_rows_may_hang_under_existing_nodes(admin_client):
    street = AreaFactory(code="NS")
    AreaFactory(code="NS01", parent=street)
    rows = [["NS01-G01-C01", "桂花苑", "小区", "NS01-G01"], ["NS01-G01", "第1网格", "grid", "NS01"]]
    import_through_views(admin_client, csv_bytes(rows), "a.csv")
    assert Area.objects.get(code="NS01-G01-C01").path == "NS/NS01/NS01-G01/NS01-G01-C01/"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100, "photo.xlsx", "不是有效的 Excel"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100, "photo.csv", "不是文本格式"),
        (b"PK\x03\x04broken zip", "broken.xlsx", "Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", ".xls"),
        (b"just,some,text\r\n1,2,3\r\n", "areas.csv", "缺少列"),
        ("编码,名称,层级,上级编码\r\n".encode(), "header-only.csv", "没有数据行"),
        (b"\r\n\r\n", "blank.csv", "没有任何内容"),
        (b"hello", "notes.pdf", "只支持"),
    ],
)
def test_unreadable_uploads_get_a_message_not_a_500(admin_client, content, name, message):
    preview, confirm = import_through_views(admin_client, content, name)
    assert message in preview.content.decode()
    assert "确认导入" not in preview.content.decode()
    assert confirm.status_code == 302
    assert Area.objects.count() == 0


def test_empty_and_oversized_uploads_are_refused_by_the_form(admin_client, settings):
    response = upload(admin_client, b"", "empty.csv")
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert "空文件" in response.content.decode()
    big = b"a" * (5 * 1024 * 1024 + 1)
    response = upload(admin_client, big, "big.csv")
    assert response.status_code == 200 and "文件太大" in response.content.decode()
    response = admin_client.post("/grids/areas/import/", {})
    assert response.status_code == 200


def test_too_many_rows_is_a_file_error():
    rows = "\n".join(f"C{i},n,社区,S" for i in range(MAX_ROWS + 1))
    parsed, errors = parse_area_file(
        content=("编码,名称,层级,上级编码\n" + rows).encode(), filename="a.csv"
    )
    assert parsed == [] and "行数太多" in errors[0].message


def test_tampered_or_expired_token_does_nothing(admin_client):
    token = token_of(upload(admin_client, csv_bytes(VALID_ROWS), "a.csv"))
    response = admin_client.post("/grids/areas/import/confirm/", {"token": token + "x"})
    assert response.status_code == 302 and response["Location"] == "/grids/areas/import/"
    assert admin_client.get("/grids/areas/import/preview/", {"token": "nope"}).status_code == 302

    from django.core.cache import cache

    cache.clear()  # what expiry does
    response = admin_client.post("/grids/areas/import/confirm/", {"token": token})
    assert response["Location"] == "/grids/areas/import/"
    assert Area.objects.count() == 0


def test_a_token_belongs_to_the_user_who_uploaded(client):
    token = token_of(upload(_logged_in(client, SuperuserFactory()), csv_bytes(VALID_ROWS), "a.csv"))
    client.force_login(SuperuserFactory())
    assert (
        client.post("/grids/areas/import/confirm/", {"token": token})["Location"]
        == "/grids/areas/import/"
    )
    assert Area.objects.count() == 0


def test_confirm_revalidates_against_the_database(admin_client):
    token = token_of(upload(admin_client, csv_bytes(VALID_ROWS), "a.csv"))
    AreaFactory(
        code="NS01", parent=AreaFactory(code="OTHER")
    )  # appears between preview and confirm
    before = Area.objects.count()
    response = admin_client.post("/grids/areas/import/confirm/", {"token": token})
    assert response.status_code == 302 and "preview" in response["Location"]
    assert Area.objects.count() == before


def _logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def two_streets():
    ns = AreaFactory(code="NS")
    AreaFactory(code="NS01", parent=ns)
    xs = AreaFactory(code="XS")
    AreaFactory(code="XS01", parent=xs)
    return ns, xs


def test_street_official_imports_inside_the_scope(client, two_streets):
    official = user_with_post(role=PostRole.STREET_OFFICIAL, area=two_streets[0])
    rows = [["NS01-G01", "第1网格", "网格", "NS01"], ["NS02", "西城社区", "社区", "NS"]]
    _preview, confirm = import_through_views(_logged_in(client, official), csv_bytes(rows), "a.csv")
    assert confirm["Location"] == "/grids/areas/"
    assert Area.objects.filter(code__in=["NS01-G01", "NS02"]).count() == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["XS01-G01", "第1网格", "网格", "XS01"], "不在你的管辖范围内"),
        (["XS01", "改名社区", "社区", "XS"], "不在你的管辖范围内"),
        (["YS", "新街道", "街道", ""], "只有超级管理员可以新建街道"),
    ],
)
def test_street_official_is_kept_inside_the_scope(client, two_streets, row, message):
    official = user_with_post(role=PostRole.STREET_OFFICIAL, area=two_streets[0])
    before = Area.objects.count()
    rows = [["NS01-G01", "第1网格", "网格", "NS01"], row]
    preview, _confirm = import_through_views(_logged_in(client, official), csv_bytes(rows), "a.csv")
    errors = preview.context["plan"].errors
    assert [(e.line, message in e.message) for e in errors] == [(3, True)]
    assert Area.objects.count() == before
    assert Area.objects.get(code="XS01").name != "改名社区"


@pytest.mark.parametrize("role", [r for r in PostRole.values if r != PostRole.STREET_OFFICIAL])
def test_other_roles_cannot_reach_the_import(client, two_streets, role):
    from grids.models import ROLE_LEVEL
    from tests.factories import area_chain

    area = area_chain(level=ROLE_LEVEL[role])[-1]
    client.force_login(user_with_post(role=role, area=area))
    assert client.get("/grids/areas/import/").status_code == 404
    assert client.post("/grids/areas/import/confirm/", {"token": "x"}).status_code == 404


def test_service_refuses_an_invalid_file_for_any_caller(two_streets):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.area_import(
            user=SuperuserFactory(), content=csv_bytes([["Q", "", "街道", ""]]), filename="a.csv"
        )
    assert not Area.objects.filter(code="Q").exists()


@pytest.mark.parametrize("name", ["area-import-sample.csv", "area-import-sample.xlsx"])
def test_the_documented_samples_import(admin_client, name):
    from django.conf import settings

    content = (settings.BASE_DIR / "docs" / "samples" / name).read_bytes()
    _preview, confirm = import_through_views(admin_client, content, name)
    assert confirm["Location"] == "/grids/areas/"
    assert Area.objects.count() == 15
    assert (
        Area.objects.get(code="HX02-G01-C01-M002").path
        == "HX/HX02/HX02-G01/HX02-G01-C01/HX02-G01-C01-M002/"
    )


def test_an_xlsx_that_inflates_too_much_is_refused():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (101 * 1024 * 1024))
    rows, errors = parse_area_file(content=buf.getvalue(), filename="bomb.xlsx")
    assert rows == [] and "解压后太大" in errors[0].message
