"""Supervision (督办) raised by the writers that decide it: the rate move (a repeated
dissatisfied rating) and the deadline sweep (overdue, unsigned at the top tier)."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import memo, writer
from core.outbox import staff_address
from grids.models import AreaLevel, Post, PostRole
from orders import notify
from orders.lifecycle import QueueReason, Status
from orders.models import Order, SupervisionItem, SupervisionKind, Urgency

# The redo count at which a dissatisfied rating puts the order under street supervision.
REPEAT_DISSATISFIED_SUPERVISED = 2


def _post_holders(role: str, path: str) -> list:
    """Active users holding ``role`` on the area at ``path`` (once per sweep batch)."""

    def read() -> list:
        posts = Post.objects.filter(role=role, area__path=path, user__is_active=True)
        return [p.user for p in posts.select_related("user")]

    return list(memo.remembered(("post_holders", role, path), read))


def street_officials(order: Order) -> list:
    codes = order.area.ancestor_codes
    return _post_holders(PostRole.STREET_OFFICIAL, codes[0] + "/")


def dispatchers(order: Order) -> list:
    codes = order.area.ancestor_codes
    if len(codes) < AreaLevel.COMMUNITY:
        return []
    return _post_holders(
        PostRole.COMMUNITY_DISPATCHER, "/".join(codes[: AreaLevel.COMMUNITY]) + "/"
    )


def raise_supervision(
    *, order: Order, kind: str, at: datetime, whistle=None
) -> tuple[SupervisionItem, bool]:
    """Open a supervision item for ``order`` unless one of this kind is open already
    (with ``whistle``: for that whistle — a sweep batch of whistles, issue 12)."""
    bulk = writer.active_bulk()
    key = (order.pk, kind) if whistle is None else (whistle.pk, kind)
    if bulk is None:
        found = SupervisionItem.objects.filter(kind=kind, resolved_at__isnull=True)
        if whistle is None:
            found = found.filter(order=order, whistle__isnull=True)
        else:
            found = found.filter(whistle=whistle)
        existing = found.first()
    elif whistle is None:
        # A sweep batch: the open items of all its orders, read once.
        open_items = bulk.lookup("open_supervision", lambda: _open_items(bulk.row_ids))
        existing = open_items.get(key)
    else:
        open_items = bulk.lookup("open_whistle_supervision", lambda: _open_whistle_items(bulk))
        existing = open_items.get(key)
    if existing is not None:
        return existing, False
    item = SupervisionItem(order=order, kind=kind, raised_at=at, whistle=whistle)
    writer.insert_rows(SupervisionItem, [item])
    if bulk is not None:
        open_items[key] = item
    # In the site's language, whoever's request raised it (as every order message).
    with translation.override(settings.LANGUAGE_CODE):
        _tell_street(order=order, kind=kind, item=item)
    return item, True


def _open_items(order_ids: list) -> dict:
    items = SupervisionItem.objects.filter(
        order_id__in=order_ids, resolved_at__isnull=True, whistle__isnull=True
    )
    return {(item.order_id, item.kind): item for item in items}


def _open_whistle_items(bulk) -> dict:
    """The open whistle items of a sweep batch of whistles (its tracked rows)."""
    items = SupervisionItem.objects.filter(whistle_id__in=bulk.row_ids, resolved_at__isnull=True)
    return {(item.whistle_id, item.kind): item for item in items}


def _tell_street(*, order: Order, kind: str, item: SupervisionItem) -> None:
    notify.tell_staff(
        street_officials(order),
        order=order,
        template="supervision_raised",
        body=_("【四单】工单 %(ref)s 已列入街道督办（%(kind)s）。")
        % {"ref": order.reference, "kind": SupervisionKind(kind).label},
        key=f"{item.pk}",
    )


# --- new orders for the dispatchers ---------------------------------------------------

# Urgencies the community's dispatchers are told of at once; the others come in the digest.
URGENT_AT_ONCE = (Urgency.EMERGENCY, Urgency.URGENT)


def tell_dispatchers_of_new_order(order: Order, *, event) -> None:
    """A 特急 or 紧急 order was placed: each dispatcher of its community is told now."""
    if order.urgency not in URGENT_AT_ONCE:
        return
    with translation.override(settings.LANGUAGE_CODE):
        notify.tell_staff(
            dispatchers(order),
            order=order,
            template="new_order_urgent",
            body=_(
                "【四单】%(urgency)s新工单 %(ref)s（%(cat)s，%(place)s）待派单，派单时限 %(due)s。"
            )
            % {
                "urgency": order.get_urgency_display(),
                "ref": order.reference,
                "cat": order.category.name,
                "place": order.area.name,
                "due": timezone.localtime(order.dispatch_due_at).strftime("%m-%d %H:%M")
                if order.dispatch_due_at
                else "",
            },
            key=f"{event.pk}",
        )


def digest_window(now: datetime) -> tuple[datetime, datetime]:
    """The digest period that ended last before ``now`` (fixed slots of
    ``SIDAN_NEW_ORDER_DIGEST_MINUTES`` from midnight UTC), so every run in one slot
    describes the same period and is deduplicated as one digest."""
    minutes = max(int(settings.SIDAN_NEW_ORDER_DIGEST_MINUTES), 1)
    midnight = now.astimezone(dt_timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    slots = int((now - midnight).total_seconds() // (minutes * 60))
    end = midnight + timedelta(minutes=slots * minutes)
    return end - timedelta(minutes=minutes), end


def send_new_order_digests(*, now: datetime) -> int:
    """The periodic digest of the other new orders: per community with normal new orders
    placed in the last period, each dispatcher gets one message listing them and how
    many new orders are waiting in all. Idempotent per period (the outbox dedupe key);
    returns the messages recorded. Two queries, plus the dispatchers of each community."""
    start, end = digest_window(now)
    waiting = Order.objects.filter(
        status=Status.AWAITING_DISPATCH,
        queue_reason=QueueReason.NEW,
        urgency=Urgency.NORMAL,
        placed_at__lt=end,
    )
    fresh: dict[str, list[str]] = {}
    for path, reference in (
        waiting.filter(placed_at__gte=start)
        .order_by("placed_at", "pk")
        .values_list("area__path", "reference")
    ):
        fresh.setdefault(_community_path(path), []).append(reference)
    if not fresh:
        return 0
    # Grouped by the order's own community (one row per community, not one per order).
    totals: dict[str, int] = {
        path: n
        for path, n in waiting.filter(community__isnull=False)
        .values_list("community__path")
        .annotate(n=Count("id"))
        .order_by()
    }
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for community_path, references in sorted(fresh.items()):
            body = _(
                "【四单】%(start)s–%(end)s 新到一般工单 %(n)s 张：%(refs)s。"
                "本社区共 %(total)s 张新单待派。"
            ) % {
                "start": timezone.localtime(start).strftime("%m-%d %H:%M"),
                "end": timezone.localtime(end).strftime("%H:%M"),
                "n": len(references),
                "refs": "、".join(references[:20]) + ("…" if len(references) > 20 else ""),
                "total": totals.get(community_path, len(references)),
            }
            for user in _post_holders(PostRole.COMMUNITY_DISPATCHER, community_path):
                channel, recipient = staff_address(user)
                message = notify.queue_message(
                    recipient=recipient,
                    channel=channel,
                    template="new_order_digest",
                    body=body,
                    area_path=community_path,
                    dedupe_key=f"new_order_digest:{community_path}:{end.isoformat()}:{user.pk}",
                )
                sent += message is not None
    return sent


def _community_path(path: str) -> str:
    return "/".join(path.split("/")[: AreaLevel.COMMUNITY]) + "/"
