"""Community notices: targets, pin, withdraw, the public page, and the SMS digest once a
day per opted-in phone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from core import clock
from orders import verification
from orders.models import Notice, NoticeSubscription, OutboxMessage
from orders.notices import selectors, services

pytestmark = pytest.mark.django_db
EVENING = timezone.make_aware(datetime(2026, 3, 18, 19, 0))


def publish(world, **kw):
    at = kw.pop("at", EVENING - timedelta(hours=3))
    fields = dict(
        actor=world.dispatcher,
        community=world.community,
        title="停水通知",
        body="3月19日 9:00-12:00 停水",
        valid_from=date(2026, 3, 18),
        valid_until=date(2026, 3, 19),
    )
    fields.update(kw)
    with clock.travel_to(at):
        return services.notice_publish(**fields)


def test_publish_targets_pin_withdraw(world):
    notice = publish(world, targets=[world.compound])
    assert list(notice.targets.all()) == [world.compound]
    pinned = publish(world, title="重要", pinned=True)
    later = publish(world, title="普通")
    rows = selectors.public_notices(community=world.community, day=date(2026, 3, 18))
    assert [n.pk for n in rows][0] == pinned.pk and len(rows) == 3
    services.notice_withdraw(actor=world.dispatcher, notice_id=later.pk)
    services.notice_pin(actor=world.dispatcher, notice_id=pinned.pk, pinned=False)
    rows = selectors.public_notices(community=world.community, day=date(2026, 3, 18))
    assert later.pk not in [n.pk for n in rows]
    assert selectors.public_notices(community=world.community, day=date(2026, 3, 20)) == []


@pytest.mark.parametrize(
    "kw",
    [
        {"title": ""},
        {"valid_until": date(2026, 3, 1)},
        {"targets": "other"},
        {"actor": "other"},
    ],
)
def test_bad_notices_change_nothing(world, kw):
    if kw.get("targets") == "other":
        kw["targets"] = [world.other_microgrid.parent]
    if kw.get("actor") == "other":
        kw["actor"] = world.other_dispatcher
    with pytest.raises(services.NoticeError):
        publish(world, **kw)
    assert not Notice.objects.exists()


def test_digest_once_a_day_per_opted_in_phone(world):
    services.subscribe(community=world.community, phone="13900000001")
    services.subscribe(community=world.community, phone="13900000001")
    services.subscribe(community=world.community, phone="13900000002")
    services.subscribe(community=world.other_community, phone="13900000003")
    assert NoticeSubscription.objects.count() == 3
    publish(world)
    publish(world, title="疫苗接种")
    with clock.travel_to(EVENING - timedelta(hours=2)):  # 17:00: before the digest hour
        assert services.send_digests() == 0
    with clock.travel_to(EVENING):
        assert services.send_digests() == 2
        assert services.send_digests() == 0
    sms = list(OutboxMessage.objects.filter(template="notice_digest").order_by("recipient"))
    assert [m.recipient for m in sms] == ["13900000001", "13900000002"]
    assert "停水通知" in sms[0].body and "疫苗接种" in sms[0].body
    with clock.travel_to(EVENING + timedelta(days=1)):  # nothing new since yesterday's digest
        assert services.send_digests() == 0
    services.unsubscribe(community=world.community, phone="13900000002")
    publish(
        world,
        title="新通知",
        at=EVENING + timedelta(days=1, hours=-2),
        valid_until=date(2026, 3, 25),
    )
    with clock.travel_to(EVENING + timedelta(days=1, hours=1)):
        assert services.send_digests() == 1


def test_pages(client, world, django_assert_max_num_queries):
    notice = publish(world, targets=[world.compound])
    client.force_login(world.other_dispatcher)
    assert client.post(f"/staff/notices/{notice.pk}/withdraw/").status_code == 404
    client.force_login(world.dispatcher)
    client.get("/staff/notices/")
    with django_assert_max_num_queries(10):
        assert "停水通知" in client.get("/staff/notices/").content.decode()
    client.post(f"/staff/notices/{notice.pk}/pin/")
    assert Notice.objects.get().pinned
    assert client.post(f"/staff/notices/{notice.pk}/explode/").status_code == 404
    response = client.post(
        "/staff/notices/",
        {
            "community": world.community.code,
            "title": "t",
            "body": "b",
            "valid_from": "2026-03-01",
            "valid_until": "2026-02-01",
        },
    )
    assert response.status_code == 200 and Notice.objects.count() == 1
    client.logout()
    with clock.travel_to(EVENING):
        page = client.get(f"/c/{world.community.code}/").content.decode()
    assert "停水通知" in page and "验证手机号后可订阅" in page
    client.post(f"/c/{world.community.code}/sms/", {"action": "on"})  # unverified: nothing
    assert not NoticeSubscription.objects.exists()
    session = client.session
    verification.remember_verified(session, phone="13900000009")
    session.save()
    client.post(f"/c/{world.community.code}/sms/", {"action": "on"})
    assert NoticeSubscription.objects.get().phone == "13900000009"
    client.post(f"/c/{world.community.code}/sms/", {"action": "off"})
    assert not NoticeSubscription.objects.exists()
