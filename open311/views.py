"""Open311 GeoReport v2 endpoints under ``/open311/v2/`` (``.json`` or ``.xml``).

Discovery, the service list and service definitions are public (rate-limited per client
address); reading and posting service requests need an ``api_key`` (rate-limited per
key, both on the shared cache)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core import clock
from core.clientip import client_ip
from grids.models import Area
from open311 import keys, selectors, services
from open311.errors import Open311Error, invalid, missing
from open311.formats import render, render_error
from open311.openapi import openapi_document
from orders.models import Nature, Urgency

WINDOW = 60
MAX_TEXT = 2000


def _count(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW)
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=WINDOW)
        return 1


def _throttle(bucket: str, limit: int) -> None:
    now = int(clock.now().timestamp())
    window = now // WINDOW
    if _count(f"open311:rl:{bucket}:{window}") > limit:
        raise Open311Error(
            "rate_limited",
            _("请求过于频繁，请稍后再试。"),
            retry_after=WINDOW - now % WINDOW,
        )


def _client(request: HttpRequest, *, required: bool = True):
    key = (request.POST.get("api_key") if request.method == "POST" else None) or request.GET.get(
        "api_key", ""
    )
    if not key:
        if required:
            raise Open311Error("api_key_required", _("需要提供 api_key。"))
        return None
    client = keys.client_for_key(key.strip())
    if client is None:
        # Wrong keys count against the address so guessing is slow.
        _throttle(f"ip:{client_ip(request)}", settings.SIDAN_OPEN311_ANON_PER_MINUTE)
        raise Open311Error("api_key_invalid", _("api_key 无效或已被吊销。"))
    _throttle(f"key:{client.pk}", client.rate_limit_per_minute)
    return client


def _scope(request: HttpRequest, client) -> Area:
    """The subtree a call may touch: the key's area, narrowed by no one; without a key (the
    standard lets anyone read requests) the street named by ``jurisdiction_id``."""
    data = request.POST if request.method == "POST" else request.GET
    jurisdiction = data.get("jurisdiction_id", "").strip()
    if client is not None:
        if jurisdiction and jurisdiction != client.area.ancestor_codes[0]:
            raise Open311Error("jurisdiction_not_found", _("这个客户端不服务该街道。"))
        return client.area
    if not jurisdiction:
        raise missing("jurisdiction_id")
    street = (
        Area.objects.filter(code=jurisdiction, parent__isnull=True).first()
        if len(jurisdiction) <= 40 and "\x00" not in jurisdiction
        else None
    )
    if street is None:
        raise Open311Error("jurisdiction_not_found", _("没有这个街道编码。"))
    return street


def _check_jurisdiction(request: HttpRequest) -> None:
    """Services are the same everywhere; a named jurisdiction must still exist."""
    if request.GET.get("jurisdiction_id", "").strip():
        _scope(request, None)


def endpoint(*methods: str, public: bool = False):
    """Method check, errors in the standard format, the public rate limit."""

    def wrap(view):
        @csrf_exempt
        @wraps(view)
        def run(request: HttpRequest, *args, fmt: str = "json", **kwargs) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise Open311Error("method_not_allowed", _("不支持这个请求方法。"))
                if public:
                    _throttle(f"ip:{client_ip(request)}", settings.SIDAN_OPEN311_ANON_PER_MINUTE)
                response = view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                response = render_error(fmt, error)
                if error.status == 405:
                    response["Allow"] = ", ".join(methods)
            response["Cache-Control"] = "no-store"
            return response

        return run

    return wrap


@endpoint("GET", public=True)
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:root"))
    body = {
        "changeset": "2026-12-01T00:00:00+08:00",
        "contact": settings.SIDAN_OPEN311_CONTACT,
        "key_service": _("向街道管理员申请 API 密钥（管理后台 → 接口客户端）。"),
        "endpoints": [
            {
                "specification": selectors.SPEC,
                "url": base.rstrip("/"),
                "changeset": "2026-12-01T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return render(fmt, "discovery", body)


@endpoint("GET", public=True)
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    _check_jurisdiction(request)
    return render(fmt, "services", selectors.service_list())


@endpoint("GET", public=True)
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    _check_jurisdiction(request)
    category = selectors.category(service_code)
    if category is None:
        raise Open311Error("service_not_found", _("没有这个服务类别。"))
    return render(fmt, "service_definition", selectors.service_definition(category))


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        client = _client(request)
        _scope(request, client)
        return _post_request(request, client, fmt)
    client = _client(request, required=False)
    if client is None:
        _throttle(f"ip:{client_ip(request)}", settings.SIDAN_OPEN311_ANON_PER_MINUTE)
    area = _scope(request, client)
    query = _request_query(request)
    rows, token = selectors.requests_page(area, query)
    response = render(fmt, "service_requests", rows)
    if token:
        params = request.GET.copy()
        params["page_token"] = token
        params.pop("api_key", None)
        response["Link"] = f'<{request.path}?{params.urlencode()}>; rel="next"'
        response["X-Next-Page-Token"] = token
    return response


@endpoint("GET")
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    client = _client(request, required=False)
    if client is None:
        _throttle(f"ip:{client_ip(request)}", settings.SIDAN_OPEN311_ANON_PER_MINUTE)
    row = selectors.request_by_id(_scope(request, client), request_id)
    if row is None:
        raise Open311Error("request_not_found", _("没有这个工单。"))
    return render(fmt, "service_requests", [row])


@endpoint("GET", public=True)
def openapi(request: HttpRequest, fmt: str) -> HttpResponse:
    body = json.dumps(openapi_document(), ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


# --- parsing -------------------------------------------------------------------------


def _when(name: str, value: str, *, end: bool) -> datetime:
    value = value.strip().replace(" ", "+")  # a "+" in a query string arrives as a space
    moment = parse_datetime(value) if "T" in value else None
    if moment is None and "T" not in value:
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is not None:
            moment = datetime.combine(day, time.max if end else time.min)
    if moment is None:
        raise invalid(name, _("请使用 ISO 8601 时间，例如 2026-12-01T08:00:00+08:00。"))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not datetime(1970, 1, 2).date() < moment.date() < datetime(9999, 1, 1).date():
        raise invalid(name)
    return moment


def _list(value: str, *, limit: int = selectors.MAX_IDS) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    if len(items) > limit or any(len(v) > 40 or "\x00" in v for v in items):
        raise invalid("list", _("最多 %(n)s 项。") % {"n": limit})
    return items


def _request_query(request: HttpRequest) -> selectors.RequestQuery:
    data = request.GET
    ids = _list(data.get("service_request_id", ""))
    codes = _list(data.get("service_code", ""))
    start = _when("start_date", data["start_date"], end=False) if data.get("start_date") else None
    end = _when("end_date", data["end_date"], end=True) if data.get("end_date") else None
    if start and end and start > end:
        raise invalid("start_date", _("开始时间晚于结束时间。"))
    if not ids and start is None and end is None:
        start = clock.now() - timedelta(days=90)  # the standard's default window
    statuses = _list(data.get("status", ""))
    if any(s not in ("open", "closed") for s in statuses):
        raise invalid("status", _("只能是 open 或 closed。"))
    statuses = () if set(statuses) == {"open", "closed"} else statuses
    size = data.get("page_size", "")
    if size:
        if not size.isdigit() or not 1 <= int(size) <= selectors.MAX_PAGE_SIZE:
            raise invalid("page_size", _("1 到 %(n)s。") % {"n": selectors.MAX_PAGE_SIZE})
    after = None
    if data.get("page_token"):
        after = selectors.decode_token(data["page_token"])
        if after is None:
            raise invalid("page_token")
    return selectors.RequestQuery(
        ids=ids,
        service_codes=codes,
        start=start,
        end=end,
        statuses=statuses,
        page_size=int(size) if size else selectors.DEFAULT_PAGE_SIZE,
        after=after,
    )


def _text(data, name: str, *, limit: int = MAX_TEXT) -> str:
    value = data.get(name, "").strip()
    if "\x00" in value or len(value) > limit:
        raise invalid(name, _("不超过 %(n)s 个字符。") % {"n": limit})
    return value


def _post_request(request: HttpRequest, client, fmt: str) -> HttpResponse:
    data = request.POST
    code = _text(data, "service_code", limit=40)
    if not code:
        raise missing("service_code")
    category = selectors.category(code)
    if category is None:
        raise Open311Error("service_not_found", _("没有这个服务类别。"))
    address_id = _text(data, "address_id", limit=40)
    address = _text(data, "address_string", limit=300)
    if address_id:
        area = services.area_by_id(client, address_id)
    elif address:
        area = services.area_by_string(client, address)
    else:
        raise Open311Error(
            "location_required",
            _(
                "请提供 address_id（区域编码）或 address_string；"
                "本系统按社区网格定位，不接受只有经纬度的位置。"
            ),
        )
    phone = _text(data, "phone", limit=20).replace(" ", "").removeprefix("+86")
    if not phone:
        raise missing("phone")
    if not (len(phone) == 11 and phone.isdigit() and phone[0] == "1" and phone[1] in "3456789"):
        raise invalid("phone", _("请使用 11 位中国大陆手机号码。"))
    description = _text(data, "description")
    if not description:
        raise missing("description")
    name = " ".join(
        p for p in (_text(data, "last_name", limit=20), _text(data, "first_name", limit=20)) if p
    )
    nature = data.get("attribute[nature]", Nature.HELP)
    if nature not in Nature.values:
        raise invalid("attribute[nature]")
    urgency = data.get("attribute[urgency]", Urgency.NORMAL)
    if urgency not in Urgency.values:
        raise invalid("attribute[urgency]")
    media_url = _text(data, "media_url", limit=1000)
    if media_url and not media_url.startswith(("http://", "https://")):
        raise invalid("media_url", _("只接受 http 或 https 地址。"))
    order = services.create_request(
        client,
        services.NewRequest(
            category=category,
            area=area,
            description=description,
            phone=phone,
            name=name if name.isascii() else name.replace(" ", ""),
            nature=nature,
            urgency=urgency,
            media_url=media_url,
        ),
        ip=client_ip(request),
    )
    found = selectors.policies()
    body = [
        {
            "service_request_id": order.reference,
            "service_notice": selectors.notice_for(category, found.get((category.id, urgency))),
            "account_id": None,
        }
    ]
    return render(fmt, "service_requests", body, status=201)
