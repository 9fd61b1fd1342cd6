"""Writes for notices and the SMS digest.

The digest is a swept rule: beat runs ``orders.notice_digest`` every
``SIDAN_NOTICE_DIGEST_SECONDS``; from ``SIDAN_NOTICE_DIGEST_HOUR`` (local time) each
opted-in phone of a community with notices published since the previous day's digest hour
gets one SMS through ``core.outbox``, ``dedupe_key`` ``notice_digest:<community>:<phone>:<date>``
— once a day however often it runs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock, outbox
from core.errors import DomainError
from grids import access
from grids.models import Area, AreaLevel, PostRole
from orders.models import Notice, NoticeSubscription

STAFF_ROLES = (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)
DIGEST_TEMPLATE = "notice_digest"


class NoticeError(DomainError):
    pass


def _text(value: str, *, what: str, limit: int) -> str:
    value = (value or "").replace("\x00", "").strip()
    if not value:
        raise NoticeError("required", _("请填写%(what)s。") % {"what": what})
    if len(value) > limit:
        raise NoticeError("too_long", _("%(what)s最多 %(n)d 个字。") % {"what": what, "n": limit})
    return value


def notice_publish(
    *,
    actor,
    community: Area,
    title: str,
    body: str,
    valid_from: date,
    valid_until: date,
    targets: list[Area] = (),
    pinned: bool = False,
) -> Notice:
    if community.level != AreaLevel.COMMUNITY:
        raise NoticeError("bad_area", _("公告要发在社区一级。"))
    if not access.area_in_scope(actor, community, roles=STAFF_ROLES):
        raise NoticeError("forbidden", _("这个社区不在你的岗位范围内。"))
    if valid_until < valid_from:
        raise NoticeError("bad_dates", _("截止日期不能早于生效日期。"))
    targets = list(targets)
    if any(t.level != AreaLevel.COMPOUND or not t.is_within(community) for t in targets):
        raise NoticeError("bad_target", _("面向的小区必须在本社区内。"))
    with transaction.atomic():
        notice = Notice.objects.create(
            community=community,
            community_path=community.path,
            title=_text(title, what=_("标题"), limit=100),
            body=_text(body, what=_("正文"), limit=5000),
            valid_from=valid_from,
            valid_until=valid_until,
            pinned=pinned,
            created_by=actor,
            published_at=clock.now(),
        )
        if targets:
            notice.targets.set(targets)
    return notice


def _staff_notice(actor, notice_id: int) -> Notice:
    notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None or not access.area_in_scope(actor, notice.community, roles=STAFF_ROLES):
        raise NoticeError("not_found", _("公告不存在。"))
    return notice


def notice_pin(*, actor, notice_id: int, pinned: bool) -> Notice:
    with transaction.atomic():
        notice = _staff_notice(actor, notice_id)
        notice.pinned = pinned
        notice.save(update_fields=["pinned"])
    return notice


def notice_withdraw(*, actor, notice_id: int) -> Notice:
    """Withdrawn notices leave the public page; a second withdrawal changes nothing."""
    with transaction.atomic():
        notice = _staff_notice(actor, notice_id)
        if notice.withdrawn_at is None:
            notice.withdrawn_at = clock.now()
            notice.save(update_fields=["withdrawn_at"])
    return notice


def subscribe(*, community: Area, phone: str) -> bool:
    """Opt a verified phone in to the community's notice SMS; True when newly added."""
    if not phone:
        raise NoticeError("unverified", _("请先验证手机号。"))
    try:
        with transaction.atomic():
            NoticeSubscription.objects.create(
                community=community, phone=phone, created_at=clock.now()
            )
    except IntegrityError:
        return False
    return True


def unsubscribe(*, community: Area, phone: str) -> None:
    NoticeSubscription.objects.filter(community=community, phone=phone).delete()


def send_digests(*, now: datetime | None = None) -> int:
    """Record today's digests not yet recorded; returns how many were recorded."""
    local = timezone.localtime(now or clock.now())
    hour = settings.SIDAN_NOTICE_DIGEST_HOUR
    if local.hour < hour:
        return 0
    day = local.date()
    since = timezone.make_aware(datetime.combine(day - timedelta(days=1), time(hour)))
    fresh: dict[int, list[Notice]] = {}
    for notice in Notice.objects.filter(
        published_at__gte=since, withdrawn_at__isnull=True, valid_until__gte=day
    ).order_by("community_id", "-pinned", "published_at"):
        fresh.setdefault(notice.community_id, []).append(notice)
    if not fresh:
        return 0
    recorded = 0
    subs = NoticeSubscription.objects.filter(community_id__in=list(fresh)).select_related(
        "community"
    )
    for sub in subs:
        notices = fresh[sub.community_id]
        body = _("【%(community)s公告】%(titles)s") % {
            "community": sub.community.name,
            "titles": "；".join(n.title for n in notices[:5]),
        }
        try:
            with transaction.atomic():
                message = outbox.queue_message(
                    recipient=sub.phone,
                    channel="sms",
                    template=DIGEST_TEMPLATE,
                    body=body,
                    area_path=sub.community.path,
                    dedupe_key=f"{DIGEST_TEMPLATE}:{sub.community_id}:{sub.phone}:{day.isoformat()}",
                )
        except IntegrityError:
            message = None
        recorded += message is not None
    return recorded
