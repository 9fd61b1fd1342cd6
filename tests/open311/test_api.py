"""Open311 GeoReport v2: fields, filters, errors, keys, limits, pagination, XML."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localtime

from core.models import AuditEntry
from open311 import keys
from open311.models import ApiClient
from orders import services as order_services
from orders.models import Channel, Order
from tests.open311.conftest import make_client

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
PHONE, NAME = "13912345678", "李四"


def post(client, key, **fields):
    data = {
        "api_key": key,
        "service_code": "facility",
        "address_id": "LX01-G01-C01-M001",
        "phone": PHONE,
        "last_name": "李",
        "first_name": "四",
        "description": "小区路灯不亮",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}/requests.json", data)


def errors(response) -> list[str]:
    return [e["error"] for e in response.json()]


def test_discovery_services_and_definition(client, world):
    body = client.get(f"{BASE}/discovery.json").json()
    assert body["endpoints"][0]["url"].endswith("/open311/v2")
    services = client.get(f"{BASE}/services.json").json()
    facility = next(s for s in services if s["service_code"] == "facility")
    assert facility["metadata"] is True and facility["type"] == "realtime"
    assert facility["service_name"] == world.category.name and facility["group"]
    definition = client.get(f"{BASE}/services/facility.json").json()
    codes = [a["code"] for a in definition["attributes"]]
    assert codes == ["nature", "urgency"]
    assert {"key": "urgent", "name": "紧急"} in definition["attributes"][1]["values"]
    assert client.get(f"{BASE}/services/nope.json").status_code == 404
    assert errors(client.get(f"{BASE}/services/nope.json")) == ["service_not_found"]


def test_services_with_a_jurisdiction(client, world):
    assert client.get(f"{BASE}/services.json?jurisdiction_id=LX").status_code == 200
    response = client.get(f"{BASE}/services.json?jurisdiction_id=LX01")
    assert response.status_code == 404 and errors(response) == ["jurisdiction_not_found"]


def test_xml_is_the_standards_shape(client, world, api):
    root = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services" and root.find("service/service_code") is not None
    definition = ET.fromstring(client.get(f"{BASE}/services/facility.xml").content)
    assert definition.find("attributes/attribute/values/value/key") is not None
    response = client.post(
        f"{BASE}/requests.xml",
        {
            "api_key": api[1],
            "service_code": "facility",
            "address_id": world.microgrid.code,
            "phone": PHONE,
            "description": "路灯",
        },
    )
    assert response.status_code == 201 and response["Content-Type"].startswith("text/xml")
    created = ET.fromstring(response.content)
    assert created.tag == "service_requests"
    ref = created.find("request/service_request_id").text
    one = ET.fromstring(client.get(f"{BASE}/requests/{ref}.xml?api_key={api[1]}").content)
    assert one.find("request/status").text == "open"
    bad = ET.fromstring(client.get(f"{BASE}/requests/none.xml?api_key={api[1]}").content)
    assert bad.tag == "errors" and bad.find("error/code").text == "404"
    assert bad.find("error/error").text == "request_not_found"


def test_post_places_an_order_through_the_writer_and_audits_it(client, world, api):
    api_client, key = api
    response = post(client, key, **{"attribute[urgency]": "urgent", "jurisdiction_id": "LX"})
    assert response.status_code == 201, response.content
    [created] = response.json()
    order = Order.objects.get(reference=created["service_request_id"])
    assert order.area == world.microgrid and order.channel == Channel.HOTLINE
    assert order.resident_phone == PHONE and order.resident_name == NAME
    assert order.urgency == "urgent" and order.events.filter(action="place").exists()
    assert "签收" in created["service_notice"]
    entry = AuditEntry.objects.get(action="open311_create")
    assert entry.target_id == str(order.pk) and entry.actor == "open311:hotline"
    assert PHONE not in entry.summary


def test_reading_back_never_shows_a_person(client, world, api):
    api_client, key = api
    ref = post(client, key).json()[0]["service_request_id"]
    order = Order.objects.get(reference=ref)
    order_services.order_dispatch(
        order_id=order.pk, actor=world.dispatcher, tier=1, handler_user=world.property_manager
    )
    [row] = client.get(f"{BASE}/requests/{ref}.json?api_key={key}").json()
    text = json.dumps(row, ensure_ascii=False)
    assert PHONE not in text and "李" not in text
    assert world.property_manager.username not in text and "pm" not in row["agency_responsible"]
    assert row["agency_responsible"] == "物业" and row["status"] == "open"
    assert row["status_notes"].startswith("待签收")
    order.refresh_from_db()
    assert row["expected_datetime"] is not None and order.sign_due_at is not None
    assert row["address_id"] == world.compound.code  # never the micro-grid
    assert row["description"] == "小区路灯不亮" and row["service_code"] == "facility"
    for field in ("requested_datetime", "updated_datetime", "service_notice", "service_name"):
        assert row[field]


def test_address_string_is_matched_against_the_tree(client, world, api):
    key = api[1]
    ok = post(client, key, address_id=None, address_string="罗星街道东湖社区桂花苑1栋1单元门口")
    assert ok.status_code == 201, ok.content
    assert Order.objects.get(reference=ok.json()[0]["service_request_id"]).area == world.microgrid
    compound = post(client, key, address_id=None, address_string="桂花苑北门")
    assert Order.objects.get(reference=compound.json()[0]["service_request_id"]).area == (
        world.compound
    )
    # "1栋1单元" is in both communities: ambiguous without the compound.
    both = post(client, key, address_id=None, address_string="1栋1单元")
    assert both.status_code == 400 and errors(both) == ["address_ambiguous"]
    nowhere = post(client, key, address_id=None, address_string="火星基地")
    assert errors(nowhere) == ["address_not_found"]
    community_only = post(client, key, address_id=None, address_string="东湖社区")
    assert errors(community_only) == ["address_not_found"]  # not precise enough


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"service_code": ""}, "missing_field"),
        ({"service_code": "nope"}, "service_not_found"),
        ({"phone": ""}, "missing_field"),
        ({"phone": "12345"}, "invalid_field"),
        ({"description": ""}, "missing_field"),
        ({"description": "x" * 2001}, "invalid_field"),
        ({"address_id": None}, "location_required"),
        ({"address_id": "LX99"}, "address_not_found"),
        ({"attribute[nature]": "war"}, "invalid_field"),
        ({"attribute[urgency]": "now"}, "invalid_field"),
        ({"media_url": "file:///etc/passwd"}, "invalid_field"),
        ({"jurisdiction_id": "LX01"}, "jurisdiction_not_found"),
        ({"description": "a\x00b"}, "invalid_field"),
    ],
)
def test_bad_posts_are_refused_and_write_nothing(client, world, api, fields, error):
    response = post(client, api[1], **fields)
    assert response.status_code in (400, 404), response.content
    assert errors(response) == [error]
    assert response.json()[0]["code"] == response.status_code
    assert not Order.objects.exists() and not AuditEntry.objects.filter(action="open311_create")


def test_keys_required_hashed_revocable_and_scoped(client, world, api):
    api_client, key = api
    assert (
        key
        not in ApiClient.objects.filter(pk=api_client.pk).values_list("key_digest", flat=True)[0]
    )
    assert errors(post(client, "")) == ["api_key_required"]
    assert post(client, "").status_code == 401
    assert errors(post(client, key + "x")) == ["api_key_invalid"]
    keys.revoke(api_client)
    response = post(client, key)
    assert response.status_code == 403 and errors(response) == ["api_key_invalid"]
    # A new key replaces the old one.
    api_client.refresh_from_db()
    new = keys.issue(api_client)
    assert post(client, new).status_code == 201 and post(client, key).status_code == 403
    # A community key cannot post in the other community.
    _other, community_key = make_client(world.community, name="mini")
    out = post(client, community_key, address_id=world.other_microgrid.code)
    assert errors(out) == ["address_not_found"]


def test_a_client_that_does_not_verify_phones_cannot_post(client, world):
    _c, key = make_client(world.street, name="app", verifies_phone=False)
    response = post(client, key)
    assert response.status_code == 403 and errors(response) == ["phone_not_verified"]
    assert not Order.objects.exists()


def test_rate_limit_per_key(client, world):
    _c, key = make_client(world.street, name="tight", limit=3)
    _d, other = make_client(world.street, name="other", limit=3)
    url = f"{BASE}/requests.json?api_key={key}"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(url)
    assert limited.status_code == 429 and errors(limited) == ["rate_limited"]
    assert int(limited["Retry-After"]) > 0
    assert client.get(f"{BASE}/requests.json?api_key={other}").status_code == 200


def test_keyless_reads_need_a_jurisdiction(client, world, api):
    post(client, api[1])
    missing = client.get(f"{BASE}/requests.json")
    assert missing.status_code == 400 and errors(missing) == ["missing_field"]
    assert errors(client.get(f"{BASE}/requests.json?jurisdiction_id=XX")) == [
        "jurisdiction_not_found"
    ]
    rows = client.get(f"{BASE}/requests.json?jurisdiction_id=LX").json()
    assert len(rows) == 1 and PHONE not in json.dumps(rows)


def _place_many(world, n: int) -> list[Order]:
    return [world.place(description=f"第{i}件事") for i in range(n)]


def test_filters(client, world, api):
    key = api[1]
    orders = _place_many(world, 4)
    other = world.place(area=world.other_microgrid)
    order_services.order_cancel(
        order_id=orders[0].pk, actor=world.dispatcher, reason="invalid", note="测试"
    )
    url = f"{BASE}/requests.json?api_key={key}"
    everything = client.get(url).json()
    assert {r["service_request_id"] for r in everything} == {o.reference for o in [*orders, other]}
    ids = ",".join(o.reference for o in orders[:2])
    picked = client.get(f"{url}&service_request_id={ids}").json()
    assert {r["service_request_id"] for r in picked} == {o.reference for o in orders[:2]}
    assert client.get(f"{url}&service_code=facility").json()
    assert client.get(f"{url}&service_code=nope").json() == []
    closed = client.get(f"{url}&status=closed").json()
    open_ = client.get(f"{url}&status=open").json()
    assert len(closed) + len(open_) == len(everything)
    assert all(r["status"] == "closed" for r in closed)
    future = (localtime(orders[0].placed_at) + timedelta(days=1)).date().isoformat()
    assert client.get(f"{url}&start_date={future}").json() == []
    assert len(client.get(f"{url}&end_date={future}").json()) == len(everything)
    bad = client.get(f"{url}&start_date=yesterday")
    assert bad.status_code == 400 and errors(bad) == ["invalid_field"]
    assert errors(client.get(f"{url}&status=maybe")) == ["invalid_field"]
    assert errors(client.get(f"{url}&start_date={future}&end_date=2020-01-01")) == ["invalid_field"]
    # The community key sees only its community.
    _c, community_key = make_client(world.community, name="mini")
    mine = client.get(f"{BASE}/requests.json?api_key={community_key}").json()
    assert other.reference not in {r["service_request_id"] for r in mine} and len(mine) == 4
    outside = client.get(f"{BASE}/requests/{other.reference}.json?api_key={community_key}")
    assert outside.status_code == 404


def test_keyset_pagination_walks_every_row_once(client, world, api, django_assert_max_num_queries):
    key = api[1]
    orders = _place_many(world, 7)
    seen, url = [], f"{BASE}/requests.json?api_key={key}&page_size=3"
    pages = 0
    while url:
        with django_assert_max_num_queries(3):  # key, orders, policies
            response = client.get(url)
        assert response.status_code == 200
        seen += [r["service_request_id"] for r in response.json()]
        link = response.get("Link")
        url = link[1 : link.index(">")] + f"&api_key={key}" if link else None
        pages += 1
    assert pages == 3 and sorted(seen) == sorted(o.reference for o in orders)
    assert len(seen) == len(set(seen))
    bad = client.get(f"{BASE}/requests.json?api_key={key}&page_token=garbage!")
    assert errors(bad) == ["invalid_field"]
    assert errors(client.get(f"{BASE}/requests.json?api_key={key}&page_size=0")) == [
        "invalid_field"
    ]


def test_query_counts(client, world, api, django_assert_max_num_queries):
    key = api[1]
    _place_many(world, 20)
    with django_assert_max_num_queries(3):
        assert len(client.get(f"{BASE}/requests.json?api_key={key}").json()) == 20
    with django_assert_max_num_queries(2):
        client.get(f"{BASE}/services.json")
    with django_assert_max_num_queries(1):
        client.get(f"{BASE}/services/facility.json")


def test_method_not_allowed_and_csrf_free(world, api):
    strict = Client(enforce_csrf_checks=True)
    response = strict.delete(f"{BASE}/requests.json")
    assert response.status_code == 405 and "GET" in response["Allow"]
    assert post(strict, api[1]).status_code == 201


def test_the_schema_is_served(client, db):
    doc = client.get(reverse("open311:openapi")).json()
    assert doc["openapi"] == "3.1.0" and "/requests.json" in doc["paths"]


def test_nul_bytes_and_odd_ids_are_plain_404s(client, world, api):
    key = api[1]
    for url in (
        f"{BASE}/services/a%00b.json",
        f"{BASE}/requests/a%00b.json?api_key={key}",
        f"{BASE}/requests/{'x' * 300}.json?api_key={key}",
    ):
        response = client.get(url)
        assert response.status_code == 404 and response.json()[0]["code"] == 404
    assert errors(client.get(f"{BASE}/requests.json?api_key={key}&service_code=a%00b")) == [
        "invalid_field"
    ]
