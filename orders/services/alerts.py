"""Supervision (督办) raised by the writers that decide it: the rate move (a repeated
dissatisfied rating) and the deadline sweep (overdue, unsigned at the top tier)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core import memo, writer
from grids.models import AreaLevel, Post, PostRole
from orders import notify
from orders.models import Order, SupervisionItem, SupervisionKind

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


def raise_supervision(*, order: Order, kind: str, at: datetime) -> tuple[SupervisionItem, bool]:
    """Open a supervision item for ``order`` unless one of this kind is open already."""
    bulk = writer.active_bulk()
    if bulk is None:
        existing = SupervisionItem.objects.filter(
            order=order, kind=kind, resolved_at__isnull=True
        ).first()
    else:
        # A sweep batch: the open items of all its orders, read once.
        open_items = bulk.lookup("open_supervision", lambda: _open_items(bulk.row_ids))
        existing = open_items.get((order.pk, kind))
    if existing is not None:
        return existing, False
    item = SupervisionItem(order=order, kind=kind, raised_at=at)
    writer.insert_rows(SupervisionItem, [item])
    if bulk is not None:
        open_items[(order.pk, kind)] = item
    # In the site's language, whoever's request raised it (as every order message).
    with translation.override(settings.LANGUAGE_CODE):
        _tell_street(order=order, kind=kind, item=item)
    return item, True


def _open_items(order_ids: list) -> dict:
    items = SupervisionItem.objects.filter(order_id__in=order_ids, resolved_at__isnull=True)
    return {(item.order_id, item.kind): item for item in items}


def _tell_street(*, order: Order, kind: str, item: SupervisionItem) -> None:
    notify.tell_staff(
        street_officials(order),
        order=order,
        template="supervision_raised",
        body=_("【四单】工单 %(ref)s 已列入街道督办（%(kind)s）。")
        % {"ref": order.reference, "kind": SupervisionKind(kind).label},
        key=f"{item.pk}",
    )
