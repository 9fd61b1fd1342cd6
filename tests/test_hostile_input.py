"""Every URL of the project, fed hostile input by every kind of visitor, never answers 5xx.

The URL list is walked from the resolver (admin and static/media aside), so a new page
is covered the day it is added. Each path parameter gets the real values of the world
(both communities' orders, photos, codes, tokens) and hostile ones (0, a number past
bigint, very long, unicode, quotes, dots); each page is requested with GET (plain and
HTMX, with hostile query strings, invalid UTF-8 included) and with POST (garbage forms:
empty, wrong types, huge strings, impossible dates, NUL bytes, lists, non-image and too
many files), as an anonymous visitor, a resident with a verified phone, every staff post
of the world and a superuser.

A second set of tests pins the scope rule: staff of one community get 404 — not a page,
not 403 — for the other community's order, its actions and its photos.
"""

from __future__ import annotations

import itertools
import logging
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from orders import services, verification
from orders.forms.staff import ACTION_FORMS
from orders.lifecycle import Tier
from orders.models import CallbackTask, ExportJob, Order, SupervisionItem, SupervisionKind
from tests.factories import SuperuserFactory
from tests.orders.conftest import World, build_world
from tests.orders.public_helpers import PHONE, png
from tests.orders.staff_helpers import extension_requested, resolved, signed

HX = {"HTTP_HX_REQUEST": "true"}
HUGE_INT = "99999999999999999999"  # the int converter takes it; bigint does not
SKIPPED_PREFIXES = ("admin/", "static/", "media/")

# --- the URL list --------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    route: str  # "staff/orders/<int:order_id>/act/<slug:action>/"
    params: tuple[tuple[str, str], ...]  # (converter, name)


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.lstrip("^").startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            assert not route.startswith("^"), (
                f"regex route {route!r}: teach this test its parameters"
            )
            params = tuple(
                (conv or "str", name) for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", route)
            )
            yield Route(name=f"{namespace}{entry.name or route}", route=route, params=params)


def project_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


ROUTES = project_routes()


def test_the_walk_finds_every_part_of_the_site():
    names = {r.name for r in ROUTES}
    assert {
        "home",
        "login",
        "logout",
        "set_language",
        "grids:area_import_confirm",
        "orders:place_at",
        "orders:track_photo",
        "orders:staff_order_action",
        "orders:callback_record",
    } <= names
    assert not any(r.route.startswith("admin/") for r in ROUTES)


# --- the world the requests run against ------------------------------------------------


@dataclass
class Scene:
    world: World
    superuser: object
    ours: list[Order]  # the first community's orders, one per interesting status
    theirs: list[Order]  # the second community's
    photo_of: dict[int, int] = field(default_factory=dict)  # order id → one photo id
    supervision_ids: list[int] = field(default_factory=list)
    callback_ids: list[int] = field(default_factory=list)
    household_ids: list[int] = field(default_factory=list)
    dispute_ids: list[int] = field(default_factory=list)
    meeting_ids: list[int] = field(default_factory=list)
    topic_ids: list[int] = field(default_factory=list)
    project_ids: list[int] = field(default_factory=list)
    notice_ids: list[int] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)
    wish_ids: list[int] = field(default_factory=list)
    commitment_ids: list[int] = field(default_factory=list)
    fulfilment_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    resource_ids: list[int] = field(default_factory=list)
    demand_ids: list[int] = field(default_factory=list)
    unit_project_ids: list[int] = field(default_factory=list)
    whistle_ids: list[int] = field(default_factory=list)
    cohandler_ids: list[int] = field(default_factory=list)
    job_ids: list[int] = field(default_factory=list)


def build_scene() -> Scene:
    world = build_world()
    w = world
    new = world.place(photos=[png()])
    ours = [new, signed(world), resolved(world), extension_requested(world)]
    their_new = world.place(area=w.other_microgrid, photos=[png()], resident_phone="13900139000")
    theirs_done = world.place(area=w.other_microgrid, resident_phone="13900139000")
    services.order_dispatch(
        order_id=theirs_done.pk,
        actor=w.other_dispatcher,
        tier=Tier.PROPERTY,
        handler_user=w.other_property_manager,
    )
    services.order_sign(order_id=theirs_done.pk, actor=w.other_property_manager)
    services.order_resolve(
        order_id=theirs_done.pk, actor=w.other_property_manager, result_note="已修好"
    )
    theirs = [their_new, Order.objects.get(pk=theirs_done.pk)]
    # One order waiting in each community's open pool (党员接单).
    ours.append(services.order_to_pool(order_id=world.place().pk, actor=w.dispatcher))
    theirs.append(
        services.order_to_pool(
            order_id=world.place(area=w.other_microgrid, resident_phone="13900139000").pk,
            actor=w.other_dispatcher,
        )
    )
    now = timezone.now()
    scene = Scene(world=world, superuser=SuperuserFactory(), ours=ours, theirs=theirs)
    for order in (ours[1], theirs[1]):
        scene.supervision_ids.append(
            SupervisionItem.objects.create(
                order=order, kind=SupervisionKind.OVERDUE, raised_at=now
            ).pk
        )
    for order in (ours[2], theirs[1]):
        task, _ = CallbackTask.objects.get_or_create(
            order=order, defaults={"due_at": now - timedelta(hours=1)}
        )
        scene.callback_ids.append(task.pk)
    for order in (new, their_new):
        scene.photo_of[order.pk] = order.photos.first().pk
    add_grid_work(scene)
    add_party(scene)
    add_units(scene)
    add_joint_work(scene)
    add_export_jobs(scene)
    return scene


def add_joint_work(scene: Scene) -> None:
    """Issue 12: a department with its staff, a whistle on an order of each community and
    a co-handler on ours being handled."""
    from grids.models import Department, DepartmentKind, PostRole
    from grids.services import post_create
    from tests.factories import UserFactory

    w = scene.world
    department = Department.objects.create(
        name="区市场监管局", kind=DepartmentKind.MARKET, street=w.street
    )
    staff = UserFactory(username="department_staff")
    post_create(user=staff, role=PostRole.DEPARTMENT_STAFF, area=w.street, department=department)
    w.department_staff = staff
    for order, actor in ((scene.ours[0], w.dispatcher), (scene.theirs[0], w.other_dispatcher)):
        whistle = services.whistle_blow(
            order_id=order.pk, actor=actor, department=department, note="请到场"
        )
        scene.whistle_ids.append(whistle.pk)
    co = services.cohandler_invite(
        order_id=scene.ours[1].pk, actor=w.dispatcher, unit=w.unit, part="协助清理"
    )
    scene.cohandler_ids.append(co.pk)


def add_export_jobs(scene: Scene) -> None:
    """A finished export of the street official's and a queued one of a dispatcher's:
    nobody else may open either."""
    from orders.stats import exports

    w = scene.world
    done = ExportJob.objects.create(
        user=w.street_official, params={"area": w.street.code}, filename="s.xlsx"
    )
    exports.run(done.pk)
    queued = ExportJob.objects.create(
        user=w.dispatcher, params={"area": w.community.code}, filename="d.xlsx"
    )
    scene.job_ids += [done.pk, queued.pk]


def add_units(scene: Scene) -> None:
    """Per community: a member unit with a resource, a demand item and a project under way."""
    from grids.models import MemberUnit
    from parties.units import services as units

    w = scene.world
    for community, dispatcher, unit in (
        (w.community, w.dispatcher, w.unit),
        (w.other_community, w.other_dispatcher, None),
    ):
        unit = unit or MemberUnit.objects.create(name="西湖小学", community=community)
        resource = units.resource_create(
            actor=dispatcher,
            unit=unit,
            title="助老服务",
            category_code="elderly",
            description="",
            capacity_per_month=5,
            valid_from=timezone.localdate(),
            valid_until=None,
            community_ids=[community.pk],
        )
        demand = units.demand_create(
            actor=dispatcher,
            community=community,
            title="t",
            description="d",
            category_code="elderly",
            source="survey",
        )
        made = units.project_create(
            actor=dispatcher,
            resource_id=resource.pk,
            community=community,
            title="t",
            description="d",
            due_date=timezone.localdate() + timedelta(days=9),
        )
        units.project_start(project_id=made.pk, actor=dispatcher, note="n")
        scene.unit_ids.append(unit.pk)
        scene.resource_ids.append(resource.pk)
        scene.demand_ids.append(demand.pk)
        scene.unit_project_ids.append(made.pk)


def add_party(scene: Scene) -> None:
    """A verified and a pending party member and a wish in every status, per community."""
    from parties import commitments, members
    from parties.wishes import services as wishes
    from parties.wishes.lifecycle import WishStatus
    from tests.parties.helpers import register, wish_in

    w = scene.world
    for n, (community, dispatcher) in enumerate(
        ((w.community, w.dispatcher), (w.other_community, w.other_dispatcher))
    ):
        member = members.member_verify(
            member_id=register(community, phone=f"1350013{n}001").pk, actor=dispatcher
        )
        pending = register(community, phone=f"1350013{n}002", name="周建国")
        scene.member_ids += [member.pk, pending.pk]
        today = timezone.localdate()
        pledge = commitments.commitment_make(
            actor=member.user, title="t", starts_on=today, ends_on=today + timedelta(days=9)
        )
        scene.commitment_ids.append(pledge.pk)
        scene.fulfilment_ids.append(
            commitments.fulfilment_record(
                actor=member.user, commitment_id=pledge.pk, note="n", done_on=today, photo=png()
            ).pk
        )
        for status in WishStatus.values:
            wish = wish_in(w, member, WishStatus.POSTED)
            if community != w.community:
                type(wish).objects.filter(pk=wish.pk).update(
                    community=community, community_path=community.path
                )
            wish = _drive_wish(wishes, wish, status, member, dispatcher)
            scene.wish_ids.append(wish.pk)


def _drive_wish(wishes, wish, status, member, dispatcher):
    from parties.wishes.lifecycle import WishStatus
    from tests.parties.helpers import RESIDENT_PHONE

    if status == WishStatus.POSTED:
        return wish
    if status == WishStatus.DECLINED:
        return wishes.wish_decline(wish_id=wish.pk, actor=dispatcher, reason="r")
    wish = wishes.wish_verify(wish_id=wish.pk, actor=dispatcher)
    steps = [
        (WishStatus.CLAIMED, lambda: wishes.wish_claim(wish_id=wish.pk, actor=member.user)),
        (
            WishStatus.FULFILLED,
            lambda: wishes.wish_fulfil(wish_id=wish.pk, actor=member.user, note="n"),
        ),
        (WishStatus.CONFIRMED, lambda: wishes.wish_confirm(wish_id=wish.pk, phone=RESIDENT_PHONE)),
    ]
    for target, step in steps:
        if wish.status == status:
            break
        wish = step()
    return wish


def add_grid_work(scene: Scene) -> None:
    """A household, a dispute and a meeting with a topic in each community."""
    from grids.disputes.services import dispute_report
    from grids.visits.services import household_create
    from orders.meetings import services as meetings
    from orders.notices import services as notices
    from orders.projects import services as projects

    w = scene.world
    for area, dispatcher in ((w.microgrid, w.dispatcher), (w.other_microgrid, w.other_dispatcher)):
        household = household_create(
            area=area, address="幸福路", unit_room="1-101", head_name="张", phone="13600136000"
        )
        scene.household_ids.append(household.pk)
        scene.dispute_ids.append(
            dispute_report(
                actor=dispatcher,
                area=area,
                title="纠纷",
                description="d",
                colour=2,
                colour_reason="r",
            ).pk
        )
        meeting = meetings.meeting_create(
            actor=dispatcher,
            community=area.parent.parent.parent,
            title="议事会",
            held_on=timezone.localdate(),
            place="p",
            attendees="a",
        )
        scene.meeting_ids.append(meeting.pk)
        scene.topic_ids.append(
            meetings.topic_add(
                meeting_id=meeting.pk, actor=dispatcher, title="t", source="staff"
            ).pk
        )
        compound = area.parent
        scene.project_ids.append(
            projects.project_propose(compound=compound, title="t", description="d", phone=PHONE).pk
        )
        scene.notice_ids.append(
            notices.notice_publish(
                actor=dispatcher,
                community=compound.parent.parent,
                title="t",
                body="b",
                valid_from=timezone.localdate(),
                valid_until=timezone.localdate(),
            ).pk
        )


ROLES = (
    "anonymous",
    "resident",
    "dispatcher",
    "property_manager",
    "grid_leader",
    "unit_liaison",
    "street_official",
    "department_staff",
    "other_dispatcher",
    "other_property_manager",
    "superuser",
)


def client_as(role: str, scene: Scene) -> Client:
    client = Client(raise_request_exception=False)
    if role == "superuser":
        client.force_login(scene.superuser)
    elif role == "resident":
        session = client.session
        verification.remember_verified(session, phone=PHONE)
        session.save()
    elif role != "anonymous":
        client.force_login(getattr(scene.world, role))
    return client


# --- hostile values ------------------------------------------------------------------

HOSTILE_INTS = ["0", HUGE_INT, "1" + "0" * 400]
HOSTILE_STRS = [
    "..",
    "../",
    "...",
    "x" * 5000,
    "东湖社区-𝕏😀\u202e",
    "'; DROP TABLE orders_order; --",
    '"><script>alert(1)</script>',
    "LX01%20OR%201=1",
    " ",
    "-",
    "_",
    "a" * 41,
]


def valid_values(converter: str, name: str, scene: Scene) -> list[str]:
    """Real values of the world for a parameter, this community's first."""
    w, ours, theirs = scene.world, scene.ours, scene.theirs
    if name == "order_id":
        return [str(o.pk) for o in ours + theirs]
    if name == "photo_id":
        return [str(p) for p in scene.photo_of.values()]
    if name == "item_id":
        return [str(i) for i in scene.supervision_ids]
    if name == "task_id":
        return [str(i) for i in scene.callback_ids]
    if name == "action":
        from grids.disputes.lifecycle import DisputeAction
        from orders.meetings.lifecycle import MeetingAction
        from parties.units.lifecycle import UnitProjectAction
        from parties.wishes.lifecycle import WishAction

        return (
            list(ACTION_FORMS)
            + ["close_unrated"]
            + list(DisputeAction.values)
            + list(MeetingAction.values)
            + ["approve", "progress", "complete", "pin", "unpin", "withdraw"]
            + list(WishAction.values)
            + ["redeem", "service", "correct", "grant", "revoke"]
            + list(UnitProjectAction.values)
            + ["report"]  # whistles and co-handlers (issue 12)
        )
    if name in (
        "household_id",
        "dispute_id",
        "meeting_id",
        "topic_id",
        "project_id",
        "notice_id",
        "member_id",
        "wish_id",
        "commitment_id",
        "fulfilment_id",
        "unit_id",
        "resource_id",
        "demand_id",
        "unit_project_id",
        "whistle_id",
        "cohandler_id",
        "job_id",
    ):
        return [str(i) for i in getattr(scene, name.replace("_id", "_ids"))]
    if name == "token":
        return [o.tracking_token for o in ours + theirs]
    if name == "service_code":
        return [w.category.code, "no-such-service"]
    if name == "request_id":
        return [o.reference for o in ours + theirs]
    if name == "code":
        return [
            w.microgrid.code,
            w.community.code,
            w.other_microgrid.code,
            w.other_community.code,
            w.street.code,
            w.grid.code,
        ]
    raise AssertionError(f"no values for <{converter}:{name}>: teach this test the new parameter")


def hostile_values(converter: str) -> list[str]:
    return HOSTILE_INTS if converter == "int" else HOSTILE_STRS


def fill(route: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(values[m.group(1)], safe=""), route)


def path_variants(route: Route, scene: Scene) -> tuple[list[str], list[str]]:
    """(paths made of real values, paths with one hostile value each)."""
    if not route.params:
        return [fill(route.route, {})], []
    valid = {name: valid_values(conv, name, scene) for conv, name in route.params}
    base = {name: values[0] for name, values in valid.items()}
    real, hostile = [], []
    if route.name == "orders:staff_order_action":
        # Every action on every order: the statuses decide which forms run.
        orders = [str(o.pk) for o in (*scene.ours, scene.theirs[0])]
        real = [
            fill(route.route, {"order_id": o, "action": a})
            for o, a in itertools.product(orders, valid["action"])
        ]
    elif route.name in ("orders:track_photo", "orders:staff_order_photo"):
        # A photo with its own order, and with the other community's order.
        owner = {
            scene.photo_of[o.pk]: o for o in scene.ours + scene.theirs if o.pk in scene.photo_of
        }
        for photo_id, order in owner.items():
            for other in (order, *(o for o in (scene.ours[0], scene.theirs[0]) if o != order)):
                key = "token" if "token" in valid else "order_id"
                val = other.tracking_token if key == "token" else str(other.pk)
                real.append(fill(route.route, {key: val, "photo_id": str(photo_id)}))
    else:
        for name, values in valid.items():
            real += [fill(route.route, base | {name: v}) for v in values]
    for conv, name in route.params:
        hostile += [fill(route.route, base | {name: v}) for v in hostile_values(conv)]
    real = list(dict.fromkeys(real))
    return real, [p for p in dict.fromkeys(hostile) if p not in real]


QUERIES = [
    "",
    (
        f"page={HUGE_INT}&tier=abc&level=-5&days={HUGE_INT}&community=%00&code=%00LX&token=..%2F&q=%27%22"
        "&status=evil&grid=%00&overdue=maybe&category=-1&queue=%F0%9F%98%80&micro=x&template=%00&channel=%00"
    ),
    "%ff%fe=%c3%28&code=%ff&token=%ff%ff&page=%ff&tier=%c0%af&community=%ed%a0%80&q=%ff",
    (
        "page=-1&tier=4&level=99999999999999999999&days=-3&community=LX02&code=LX02&grid=LX02-G01"
        "&category=99999999999999999999&loc_community=LX02&loc_grid=" + "x" * 5000
    ),
]

# --- garbage forms ---------------------------------------------------------------------

FORM_FIELDS = (
    "action",
    "seen_status",
    "solved",
    "rating",
    "comment",
    "resident_phone",
    "otp_code",
    "area_code",
    "category",
    "nature",
    "urgency",
    "description",
    "resident_name",
    "expected_status",
    "expected_version",
    "tier",
    "handler",
    "note",
    "reason",
    "until",
    "result_note",
    "original",
    "return_to",
    "channel",
    "loc_community",
    "loc_grid",
    "loc_compound",
    "loc_microgrid",
    "token",
    "reached",
    "resolved",
    "username",
    "password",
    "language",
    "next",
    "duplicate_of",
    "community",
    "level",
    "page",
    "employer",
    "branch",
    "skills",
    "availability",
    "show_initials",
    "needed_by",
    "wish",
    "unit",
    "points",
    "item",
    "hours",
    "title",
    "starts_on",
    "ends_on",
    "done_on",
    "month",
)


def _text_file(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"not an image at all\x00\xff", content_type="image/png")


def _prefixed(scene: Scene, data: dict) -> dict:
    """The supervision and callback forms carry a per-row prefix."""
    out = dict(data)
    for pk in scene.supervision_ids:
        out[f"s{pk}-note"] = data.get("note", "")
    for pk in scene.callback_ids:
        for key in ("reached", "resolved", "rating", "note"):
            out[f"c{pk}-{key}"] = data.get(key, "")
    return out


def payloads(scene: Scene) -> list[tuple[str, dict]]:
    w = scene.world
    plausible = {
        "seen_status": "awaiting_dispatch",
        "rating": "satisfied",
        "comment": "好",
        "resident_phone": PHONE,
        "otp_code": "000000",
        "area_code": w.microgrid.code,
        "category": str(w.category.pk),
        "nature": "help",
        "urgency": "normal",
        "description": "楼道灯坏了一个星期",
        "resident_name": "王阿姨",
        "expected_status": "in_progress",
        "expected_version": "0",
        "tier": "1",
        "handler": str(w.property_manager.pk),
        "note": "说明",
        "reason": "invalid",
        "until": "2030-01-01",
        "result_note": "已修好",
        "original": "",
        "return_to": "detail",
        "channel": "hotline",
        "reached": "yes",
        "resolved": "yes",
        "language": "en",
        "next": "/",
        "token": "x",
        "username": "dispatcher",
        "password": "wrong",
        "needed_by": "2030-01-01",
        "wish": str(scene.wish_ids[0]) if scene.wish_ids else "1",
        "unit": str(w.unit.pk),
        "points": "5",
        "item": "毛巾",
        "hours": "2",
        "employer": "区医院",
        "title": "承诺",
        "starts_on": "2026-01-01",
        "ends_on": "2026-02-01",
        "done_on": "2026-01-05",
        "month": "2026-01",
        "branch": "一支部",
    }
    garbage = {
        "empty strings": dict.fromkeys(FORM_FIELDS, ""),
        "huge strings": dict.fromkeys(FORM_FIELDS, "x" * 5000),
        "negative numbers": dict.fromkeys(FORM_FIELDS, "-1"),
        "huge numbers": dict.fromkeys(FORM_FIELDS, HUGE_INT),
        "sql quotes": dict.fromkeys(FORM_FIELDS, "1' OR '1'='1"),
        "impossible date": dict.fromkeys(FORM_FIELDS, "2026-02-30"),
        "nonsense date": dict.fromkeys(FORM_FIELDS, "9999-99-99"),
        "nul bytes": dict.fromkeys(FORM_FIELDS, "LX01\x00"),
        "unicode": dict.fromkeys(FORM_FIELDS, "𝕏😀\u202e东湖"),
        "lists": {k: ["1", "evil", ""] for k in FORM_FIELDS},
    }
    out: list[tuple[str, dict]] = [("nothing", {})]
    out += [(label, _prefixed(scene, data)) for label, data in garbage.items()]
    for action in ("send_code", "place", "rate", "cancel", "verify", "forget", "confirm", "evil"):
        out.append((f"plausible {action}", _prefixed(scene, plausible | {"action": action})))
    edge = {
        "last date": {"until": "9999-12-31", "expected_version": HUGE_INT},
        "first date": {"until": "0001-01-01", "tier": HUGE_INT, "handler": HUGE_INT},
        "other community": {
            "area_code": w.other_microgrid.code,
            "loc_community": w.other_community.code,
            "handler": str(w.other_property_manager.pk),
            "reason": "duplicate",
            "original": scene.theirs[0].reference,
            "expected_status": "awaiting_sign",
        },
        "invalid choices": {
            "rating": "superb",
            "solved": "maybe",
            "tier": "7",
            "nature": "evil",
            "urgency": "-1",
            "channel": "qr",
            "reason": "evil",
            "expected_status": "closed",
            "reached": "maybe",
            "resolved": "2",
            "category": "-1",
            "return_to": "//evil.example",
        },
        "dispatch duplicate": {
            "reason": "duplicate",
            "original": "x" * 33,
            "expected_status": "awaiting_dispatch",
            "tier": "3",
            "handler": str(w.unit.pk),
        },
    }
    for label, data in edge.items():
        out.append((label, _prefixed(scene, plausible | {"action": "place"} | data)))
    return out


def file_payloads(scene: Scene) -> list[tuple[str, dict]]:
    """Built fresh for each request: an uploaded file is read once."""
    w = scene.world
    base = {
        "action": "place",
        "area_code": w.microgrid.code,
        "category": str(w.category.pk),
        "nature": "help",
        "urgency": "normal",
        "description": "楼道灯坏了一个星期",
        "resident_phone": PHONE,
        "otp_code": "000000",
        "channel": "hotline",
        "expected_status": "in_progress",
        "result_note": "已修好",
    }
    return [
        ("text as photo", base | {"photos": _text_file(), "file": _text_file("areas.xlsx")}),
        ("too many photos", base | {"photos": [png(f"p{i}.png") for i in range(5)]}),
        (
            "empty files",
            base
            | {
                "photos": SimpleUploadedFile("e.png", b""),
                "file": SimpleUploadedFile("e.csv", b""),
            },
        ),
        (
            "garbage csv",
            base
            | {
                "file": SimpleUploadedFile(
                    "a.csv", "编码,名称\n\x00\xff,;;;\n".encode() + b"\xff\xfe"
                )
            },
        ),
    ]


# --- the sweep -----------------------------------------------------------------------------


def _our_frames(text: str) -> str:
    """The project's own frames of a traceback, and the error."""
    lines = text.rstrip().splitlines()
    root = str(settings.BASE_DIR)
    keep = [ln for ln in lines if root in ln and "site-packages" not in ln]
    return "\n".join(keep + lines[-1:])


@pytest.fixture
def server_errors():
    """Tracebacks of exceptions a view raised, so a failure says where."""
    caught: list[str] = []

    def record(sender, request=None, **kwargs):
        caught.append(_our_frames(traceback.format_exc()))

    got_request_exception.connect(record)
    yield caught
    got_request_exception.disconnect(record)


def _check(failures: list[str], errors: list[str], what: str, response) -> None:
    """A view that raised is a failure; so is any 5xx, except the health check's 503,
    which is its answer (no worker heartbeat in tests), not a crash."""
    deliberate = response.status_code == 503 and what.split()[1].startswith("/healthz")
    if errors or (response.status_code >= 500 and not deliberate):
        detail = errors[-1] if errors else ""
        failures.append(f"{response.status_code} {what}\n{detail}")
    errors.clear()


# Visits that log out, forget the verified phone or switch the language: start afresh after.
SESSION_ENDING = {"logout", "orders:mine", "set_language"}
# The forms sent to every real path but the first (which gets them all).
FOCUSED = (
    "nothing",
    "lists",
    "last date",
    "first date",
    "other community",
    "invalid choices",
    "dispatch duplicate",
)


# Pages without login behave alike for every staff post: the other posts take a sample
# (the first path with every query and form), which keeps the sweep under a minute.
PUBLIC_PREFIXES = (
    "r/",
    "t/",
    "me/",
    "wall/",
    "c/",
    "login/",
    "logout/",
    "i18n/",
    "healthz",
    "open311/",
)
PUBLIC_IN_FULL = ("anonymous", "resident", "dispatcher", "superuser")


def _sweep(role: str, scene: Scene, server_errors: list[str]) -> tuple[int, list[str]]:
    forms = payloads(scene)
    focused = [f for f in forms if f[0] in FOCUSED]
    failures: list[str] = []
    requests = 0

    def send(client, method: str, url: str, label: str, data, htmx: bool):
        nonlocal requests
        requests += 1
        response = getattr(client, method)(url, data, **(HX if htmx else {}))
        what = f"{method.upper()} {url[:160]} [{label}] htmx={htmx} as {role}"
        _check(failures, server_errors, what, response)
        return response

    for route in ROUTES:
        client = client_as(role, scene)
        real, hostile = path_variants(route, scene)
        if route.route.startswith(PUBLIC_PREFIXES) and role not in PUBLIC_IN_FULL:
            real, hostile = real[:1], []
        for n, path in enumerate(real + hostile):
            if n == 0:
                gets = [("", True)] + [(q, i % 2 == 1) for i, q in enumerate(QUERIES)]
                posts = forms + file_payloads(scene)
            elif route.name == "orders:staff_order_action" and path in real:
                # Every action on every order is many pages: two of the focused forms each, in turn.
                gets, posts = (
                    [("", n % 2 == 1)],
                    [focused[n % len(focused)], focused[(n + 3) % len(focused)]],
                )
            elif path in real:
                gets, posts = [("", n % 2 == 1)], focused
            else:
                gets, posts = [("", n % 2 == 1)], forms[:2]
            for query, htmx in gets:
                send(client, "get", f"{path}?{query}" if query else path, "query", None, htmx)
            for i, (label, data) in enumerate(posts):
                response = send(client, "post", path, label, data, (i + n) % 2 == 1)
                if route.name in SESSION_ENDING:
                    client = client_as(role, scene)
                if response.status_code == 405:
                    break  # a GET-only page refuses every POST alike
    return requests, failures


@pytest.fixture
def quiet_request_log():
    """Thousands of 404/405 warnings cost time; errors are still logged."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_5xx_to_anything(role, db, server_errors, quiet_request_log):
    requests, failures = _sweep(role, build_scene(), server_errors)
    print(f"{role}: {requests} requests over {len(ROUTES)} URL patterns")
    kinds = sorted(
        {f.strip().splitlines()[-1] + " <- " + f.split("]")[0].split(" [")[0] for f in failures}
    )
    assert not failures, (
        f"{len(failures)} server errors; distinct:\n"
        + "\n".join(kinds[:60])
        + ("\n\nfirst:\n" + failures[0])
    )


# --- the scope rule: the other community's order is not there -----------------------------------


@pytest.fixture
def scene(db) -> Scene:
    return build_scene()


OUR_STAFF = ("dispatcher", "property_manager", "grid_leader", "unit_liaison")
THEIR_STAFF = ("other_dispatcher", "other_property_manager")


def _foreign_pages(scene: Scene, role: str) -> list[tuple[str, str]]:
    """(method, path) of an order outside the role's community, its photo and every action."""
    order = scene.theirs[0] if role in OUR_STAFF else scene.ours[0]
    photo = scene.photo_of[order.pk]
    pages = [
        ("get", f"/staff/orders/{order.pk}/"),
        ("get", f"/staff/orders/{order.pk}/photos/{photo}/"),
    ]
    pages += [("post", f"/staff/orders/{order.pk}/act/{action}/") for action in ACTION_FORMS]
    return pages


@pytest.mark.parametrize("role", OUR_STAFF + THEIR_STAFF)
def test_staff_get_404_for_the_other_communitys_order(scene, role):
    client = client_as(role, scene)
    order = scene.theirs[0] if role in OUR_STAFF else scene.ours[0]
    status_before = order.status
    for method, path in _foreign_pages(scene, role):
        for headers in ({}, HX):
            data = (
                {"expected_status": order.status, "note": "x", "reason": "invalid"}
                if method == "post"
                else None
            )
            response = getattr(client, method)(path, data, **headers)
            assert response.status_code == 404, (method, path, headers, response.status_code)
    order.refresh_from_db()
    assert order.status == status_before
    assert not order.events.filter(actor__username=scene.world.__dict__[role].username).exists()


def test_a_resident_token_does_not_open_another_orders_photo(scene):
    client = Client()
    ours, theirs = scene.ours[0], scene.theirs[0]
    response = client.get(f"/t/{ours.tracking_token}/photos/{scene.photo_of[theirs.pk]}/")
    assert response.status_code == 404
    assert (
        client.get(f"/t/{ours.tracking_token}/photos/{scene.photo_of[ours.pk]}/").status_code == 200
    )


@pytest.mark.parametrize("role", ("anonymous", "resident"))
def test_staff_pages_do_not_open_to_visitors(scene, role):
    client = client_as(role, scene)
    order = scene.ours[0]
    response = client.get(f"/staff/orders/{order.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(
        f"/staff/orders/{order.pk}/act/cancel/",
        {"reason": "invalid", "note": "x", "expected_status": order.status},
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    order.refresh_from_db()
    assert order.status == "awaiting_dispatch"
