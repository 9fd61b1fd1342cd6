"""The party organisation tree's import: per-row errors, nothing written on error, the
page's scope and query budget."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from parties.units import orgs
from parties.units.models import PartyOrg


def csv(*lines: str) -> bytes:
    return ("\n".join(("区域编码,组织名称,书记", *lines)) + "\n").encode("utf-8")


GOOD = csv(
    "LX,罗星街道党工委,street",
    "LX01,东湖社区党委,dispatcher",
    "LX01-G01,第1网格党支部,",
    "LX01-G01-C01,桂花苑党小组,gridleader",
)


def test_a_good_file_builds_the_tree_in_any_row_order(world):
    content = csv(*reversed(GOOD.decode().splitlines()[1:]))
    result = orgs.party_org_import(user=world.street_official, content=content, filename="t.csv")
    assert (result.created, result.updated) == (4, 0)
    community = PartyOrg.objects.get(area=world.community)
    assert (community.kind, community.secretary, community.parent.area) == (
        2,
        world.dispatcher,
        world.street,
    )
    assert PartyOrg.objects.get(area=world.compound).get_kind_display() == "楼栋党小组"
    again = orgs.party_org_import(
        user=world.street_official,
        content=csv("LX01,东湖社区大党委,street"),
        filename="t.csv",
    )
    assert (again.created, again.updated) == (0, 1)
    community.refresh_from_db()
    assert (community.name, community.secretary) == ("东湖社区大党委", world.street_official)


def test_every_bad_row_is_reported_and_nothing_is_written(world):
    content = csv(
        "LX,罗星街道党工委,street",
        "NOPE,不存在的区域,",
        "LX01,东湖社区党委,nobody",
        "LX01,重复,",
        "LX02-G01,没有上级组织的支部,",
        ",没有编码,",
        "LX01-G01," + "长" * 101 + ",",
    )
    plan = orgs.plan_org_import(content=content, filename="t.csv", user=world.street_official)
    lines = sorted({e.line for e in plan.errors})
    assert lines == [3, 4, 5, 6, 7, 8]
    with pytest.raises(orgs.OrgImportError):
        orgs.party_org_import(user=world.street_official, content=content, filename="t.csv")
    assert not PartyOrg.objects.exists()


def test_a_dispatcher_imports_only_inside_their_community(world):
    plan = orgs.plan_org_import(content=GOOD, filename="t.csv", user=world.dispatcher)
    assert [e.line for e in plan.errors] == [2, 3]  # the street row, then LX01's parent
    assert (
        orgs.plan_org_import(
            content=b"not,a,header\n1,2,3\n", filename="t.csv", user=world.dispatcher
        )
        .errors[0]
        .line
        is None
    )


def test_the_page_uploads_previews_and_confirms(world, django_assert_max_num_queries):
    client = Client()
    client.force_login(world.street_official)
    with django_assert_max_num_queries(8):
        assert client.get("/party/orgs/").status_code == 200
    upload = SimpleUploadedFile("orgs.csv", GOOD, content_type="text/csv")
    page = client.post("/party/orgs/", {"file": upload}).content.decode()
    assert "将新增 4 个党组织" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    assert not PartyOrg.objects.exists()
    client.post("/party/orgs/confirm/", {"token": token})
    assert PartyOrg.objects.count() == 4
    listing = client.get("/party/orgs/").content.decode()
    assert "桂花苑党小组" in listing
    # Other roles: no such page.
    other = Client()
    other.force_login(world.unit_liaison)
    assert other.get("/party/orgs/").status_code == 404
    # A dispatcher of the other community sees none of this community's tree.
    theirs = Client()
    theirs.force_login(world.other_dispatcher)
    assert "东湖社区党委" not in theirs.get("/party/orgs/").content.decode()
