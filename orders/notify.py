"""Order notifications: which messages an order event causes and who receives them.

Only records messages (``core.outbox``: written inside the transaction that caused them,
delivered by a Celery task after commit, retried from the row, sent at most once). No
business write happens here: supervision is raised by the writer that decides it
(``orders.services``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import memo, outbox
from core.outbox import staff_address
from core.phones import is_mobile
from grids.models import Post
from orders.lifecycle import Action, Status
from orders.models import CancelReason, Order, OrderEvent, OutboxMessage


def tracking_url(order: Order) -> str:
    return settings.SIDAN_PUBLIC_BASE_URL.rstrip("/") + reverse(
        "orders:track", args=[order.tracking_token]
    )


# Muting is the outbox's (``core.outbox.muted``); re-exported for the demo loader.
muted = outbox.muted


def queue_message(
    *,
    recipient: str,
    channel: str,
    template: str,
    body: str,
    order: Order | None = None,
    area_path: str = "",
    payload: dict | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Record a message (about ``order``) and deliver it after commit. A repeated
    ``dedupe_key`` records nothing, and neither does an SMS to what is not a mobile (a
    landline, or no phone: that resident is reached by callback or visit)."""
    if channel == "sms" and not is_mobile(recipient):
        return None
    return outbox.queue_message(
        recipient=recipient,
        channel=channel,
        template=template,
        body=body,
        area_path=area_path or (order.area.path if order else ""),
        payload=payload,
        dedupe_key=dedupe_key,
        order=order,
    )


def staff_recipients(order: Order) -> list:
    """Who answers for ``order`` now: its handler, or its member unit's liaisons."""
    if order.handler_user_id:
        return [order.handler_user]
    if order.handler_unit_id:
        unit_id = order.handler_unit_id
        return list(memo.remembered(("unit_liaisons", unit_id), lambda: _unit_liaisons(unit_id)))
    return []


def _unit_liaisons(unit_id: int) -> list:
    return [p.user for p in Post.objects.filter(member_unit_id=unit_id).select_related("user")]


def tell_staff(users, *, order: Order, template: str, body: str, key: str) -> None:
    """One message per user, deduplicated on ``key`` and the user."""
    for user in users:
        channel, recipient = staff_address(user)
        queue_message(
            recipient=recipient,
            channel=channel,
            template=template,
            order=order,
            body=body,
            dedupe_key=f"{template}:{key}:{user.pk}",
        )


def after_event(event: OrderEvent) -> None:
    """Messages an order event causes. Runs inside the event's transaction.

    Messages are written in the site's language, not in the language of whoever caused
    them: a resident's SMS must not turn English because a staff member reads English.
    """
    with translation.override(settings.LANGUAGE_CODE):
        _messages_for(event)


def _messages_for(event: OrderEvent) -> None:
    order = event.order
    if event.action == Action.PLACE:
        queue_message(
            recipient=order.resident_phone,
            channel="sms",
            template="order_placed",
            order=order,
            body=_("【四单】您的诉求已受理，编号 %(ref)s。查看进度：%(url)s")
            % {"ref": order.reference, "url": tracking_url(order)},
            dedupe_key=f"placed:{order.pk}",
        )
    elif (
        event.action in (Action.DISPATCH, Action.ESCALATE)
        and event.to_status == Status.AWAITING_SIGN
    ):
        for user in staff_recipients(order):
            queue_message(
                recipient=user.username,
                channel="console",
                template="order_assigned",
                order=order,
                body=_("【四单】新工单 %(ref)s（%(cat)s）待您签收。")
                % {"ref": order.reference, "cat": order.category.name},
                dedupe_key=f"assigned:{event.pk}:{user.pk}",
            )
    elif event.action == Action.ASK_RESIDENT:
        # The question itself stays on the tracking page: an SMS carries only the link.
        queue_message(
            recipient=order.resident_phone,
            channel="sms",
            template="ask_resident",
            order=order,
            body=_("【四单】承办方想请您补充诉求 %(ref)s 的情况，请打开：%(url)s")
            % {"ref": order.reference, "url": tracking_url(order)},
            dedupe_key=f"ask_resident:{event.pk}",
        )
    elif event.action == Action.RESIDENT_ADD:
        tell_staff(
            staff_recipients(order),
            order=order,
            template="resident_added",
            body=_("【四单】居民补充了工单 %(ref)s 的情况，请查看。") % {"ref": order.reference},
            key=str(event.pk),
        )
    elif event.action == Action.MERGE:
        queue_message(
            recipient=order.resident_phone,
            channel="sms",
            template="order_merged",
            order=order,
            body=_(
                "【四单】您的诉求 %(ref)s 与社区正在办理的同一问题合并办理，"
                "进度和结果可在此查看：%(url)s"
            )
            % {"ref": order.reference, "url": tracking_url(order)},
            dedupe_key=f"merged:{event.pk}",
        )
    elif event.action == Action.RESOLVE:
        _tell_merged_residents(order, event)
        queue_message(
            recipient=order.resident_phone,
            channel="sms",
            template="rating_request",
            order=order,
            body=_("【四单】您的诉求 %(ref)s 已办理完毕，请评价：%(url)s")
            % {"ref": order.reference, "url": tracking_url(order)},
            dedupe_key=f"rating_request:{event.pk}",
        )


def _tell_merged_residents(order: Order, event: OrderEvent) -> None:
    """The residents whose repeated requests were merged into ``order`` hear its result
    too, each through their own tracking link — one query."""
    for merged in order.duplicates.filter(cancel_reason=CancelReason.MERGED).select_related("area"):
        queue_message(
            recipient=merged.resident_phone,
            channel="sms",
            template="merged_resolved",
            order=merged,
            body=_("【四单】您反映的问题（诉求 %(ref)s，已合并办理）已办理完毕，请查看：%(url)s")
            % {"ref": merged.reference, "url": tracking_url(merged)},
            dedupe_key=f"merged_resolved:{event.pk}:{merged.pk}",
        )


# --- issue 12: who answers for a department or a co-handling unit ---------------------------


def department_staff(department_id: int) -> list:
    """Active staff of a functional department (once per sweep batch)."""

    def read() -> list:
        posts = Post.objects.filter(department_id=department_id, user__is_active=True)
        return [p.user for p in posts.select_related("user")]

    return list(memo.remembered(("department_staff", department_id), read))


def unit_liaisons(unit_id: int) -> list:
    """A member unit's liaisons (once per sweep batch)."""
    return list(memo.remembered(("unit_liaisons", unit_id), lambda: _unit_liaisons(unit_id)))
