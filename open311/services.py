"""The one thing the API creates — a service request — placed through the orders writer
(``orders.services.order_place``, as the resident form does), audited, and its
``media_url`` queued for download."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from core import audit
from core.writer import after_commit
from grids.models import Area, AreaLevel
from open311.errors import Open311Error
from open311.models import ApiClient, MediaFetch
from orders import services as order_services
from orders.errors import OrderError
from orders.models import Category, Order

AUDIT_ACTION = "open311_create"


def area_by_id(client: ApiClient, address_id: str) -> Area:
    area = Area.objects.filter(code=address_id).first() if len(address_id) <= 40 else None
    if area is None or not area.is_within(client.area):
        raise Open311Error("address_not_found", _("找不到这个地址编码：%(v)s") % {"v": address_id})
    return area


def area_by_string(client: ApiClient, address: str) -> Area:
    """The deepest area of the client's tree whose name the address contains, when the
    names found form one chain (街道 → 社区 → 网格 → 小区 → 微网格) — one query."""
    address = " ".join(address.split())[:300]
    if not address:
        raise Open311Error("address_not_found", _("地址不能为空。"))
    named = list(
        Area.objects.filter(path__startswith=client.area.path)
        .annotate(address=Value(address), name_len=Length("name"))
        .filter(name_len__gte=2, address__contains=F("name"))
        .order_by("-level", "path")[:50]
    )
    if not named:
        raise Open311Error(
            "address_not_found", _("地址没有对应到任何社区或小区：%(v)s") % {"v": address}
        )
    deepest = [a for a in named if a.level == named[0].level]
    # Among same-level candidates keep those every other named area agrees with.
    fitting = [a for a in deepest if all(a.is_within(o) or o.is_within(a) for o in named)]
    if len(fitting) == 1:
        return fitting[0]
    # Several share a name (every compound has "1栋1单元"): the named ancestors decide.
    chains = [a for a in deepest if all(a.is_within(o) for o in named if o.level < a.level)]
    if len(chains) == 1:
        return chains[0]
    raise Open311Error(
        "address_ambiguous",
        _("地址对应到多个位置，请写明社区和小区，或使用 address_id。"),
    )


@dataclass(frozen=True)
class NewRequest:
    category: Category
    area: Area
    description: str
    phone: str
    name: str
    nature: str
    urgency: str
    media_url: str


def create_request(client: ApiClient, new: NewRequest, *, ip: str) -> Order:
    if not client.verifies_phone:
        raise Open311Error(
            "phone_not_verified",
            _("这个客户端没有承诺核验居民手机号，不能提交工单。"),
        )
    if new.area.level < AreaLevel.GRID:
        raise Open311Error("address_not_found", _("请把地址写到具体的网格、小区或楼栋。"))
    try:
        with transaction.atomic():
            order = order_services.order_place(
                category=new.category,
                area=new.area,
                description=new.description,
                resident_phone=new.phone,
                resident_name=new.name,
                nature=new.nature,
                urgency=new.urgency,
                channel=client.channel,
            )
            audit.record(
                action=AUDIT_ACTION,
                username=f"open311:{client.name}",
                target=order,
                summary=(
                    f"client={client.pk} key={client.key_prefix} service={new.category.code} "
                    f"area={new.area.code} media={'yes' if new.media_url else 'no'}"
                ),
                ip=ip,
            )
            if new.media_url:
                fetch = MediaFetch.objects.create(order=order, client=client, url=new.media_url)
                after_commit(lambda: _queue_fetch(fetch.pk))
    except OrderError as error:
        raise Open311Error("order_refused", error.message) from error
    return order


def _queue_fetch(fetch_id: int) -> None:
    from open311.tasks import fetch_media

    fetch_media.delay(fetch_id)
