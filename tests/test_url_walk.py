"""Every URL pattern (resolver walk, shared with tests/test_hostile_input.py, so a new URL
is covered the day it is added), with real objects of two communities for its
parameters, requested by every kind of visitor — anonymous, a resident holding their
tracking link and proved phone, every staff post of one community, staff of the other,
a street official and a superuser — fails on:

- any 5xx;
- any 200 for a staff page about the other community's object (order, photo, supervision
  item, callback, area) — the scope rule;
- any page showing a resident's phone or name to a visitor who may not see it
  (``orders.privacy.resident_view``; the resident sees only their own).
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model

from grids.models import Post, PostRole
from orders.privacy import resident_view
from tests.parties.helpers import RESIDENT_PHONE as WISH_POSTER_PHONE
from tests.test_hostile_input import (
    PUBLIC_PREFIXES,
    ROUTES,
    Scene,
    build_scene,
    client_as,
    fill,
    valid_values,
)

pytestmark = pytest.mark.django_db

OUR_NAME, THEIR_NAME = "王阿姨", "赵大爷"
VISITORS = (
    "anonymous",
    "resident",
    "dispatcher",
    "property_manager",
    "grid_leader",
    "unit_liaison",
    "grid_worker",
    "party_member",
    "street_official",
    "department_staff",
    "other_dispatcher",
    "other_property_manager",
    "superuser",
)
OURS = {
    "dispatcher",
    "property_manager",
    "grid_leader",
    "unit_liaison",
    "grid_worker",
    "party_member",
}
THEIRS = {"other_dispatcher", "other_property_manager"}


def _scene() -> Scene:
    scene = build_scene()
    w = scene.world
    for order in scene.theirs:
        type(order).objects.filter(pk=order.pk).update(resident_name=THEIR_NAME)
        order.refresh_from_db()
    User = get_user_model()
    for role, area in (("grid_worker", w.grid), ("party_member", w.community)):
        user = User.objects.create_user(username=f"walk_{role}", password="pw")
        Post.objects.create(user=user, role=getattr(PostRole, role.upper()), area=area)
        setattr(w, role, user)
    return scene


def _user(role: str, scene: Scene):
    if role == "superuser":
        return scene.superuser
    return getattr(scene.world, role, None)


def _foreign_values(role: str, scene: Scene) -> dict[str, set[str]]:
    """Per parameter name, the values naming objects outside this staff member's community."""
    w = scene.world
    half_m, half_w = len(scene.member_ids) // 2, len(scene.wish_ids) // 2
    if role in OURS:
        other_orders, codes = scene.theirs, {w.other_community.code, w.other_microgrid.code}
        members, wishes = scene.member_ids[half_m:], scene.wish_ids[half_w:]
        pledges = scene.commitment_ids[1:]
        records = scene.fulfilment_ids[1:]
        units = 1
    elif role in THEIRS:
        other_orders, codes = scene.ours, {w.community.code, w.microgrid.code, w.grid.code}
        members, wishes = scene.member_ids[:half_m], scene.wish_ids[:half_w]
        pledges = scene.commitment_ids[:1]
        records = scene.fulfilment_ids[:1]
        units = 0
    else:
        return {}
    from orders.models import CallbackTask, SupervisionItem

    ids = {o.pk for o in other_orders}
    return {
        "order_id": {str(i) for i in ids},
        "photo_id": {str(scene.photo_of[i]) for i in ids if i in scene.photo_of},
        "item_id": {
            str(i)
            for i in SupervisionItem.objects.filter(order_id__in=ids).values_list("pk", flat=True)
        },
        "task_id": {
            str(i)
            for i in CallbackTask.objects.filter(order_id__in=ids).values_list("pk", flat=True)
        },
        "code": codes,
        "member_id": {str(i) for i in members},
        "wish_id": {str(i) for i in wishes},
        "commitment_id": {str(i) for i in pledges},
        "fulfilment_id": {str(i) for i in records},
        **{
            name: {str(getattr(scene, name.replace("_id", "_ids"))[units])}
            for name in ("unit_id", "resource_id", "demand_id", "unit_project_id")
        },
    }


def _secrets(role: str, scene: Scene) -> set[str]:
    """Phones and names this visitor may not read anywhere."""
    orders = scene.ours + scene.theirs
    user = _user(role, scene)
    allowed, forbidden = set(), set()
    for order in orders:
        if role == "resident":
            may = order.resident_phone == "13800138000"  # their own orders only
        elif user is None:
            may = False
        else:
            may = resident_view(user=user, order=order).full
        (allowed if may else forbidden).update({order.resident_phone, order.resident_name})
    forbidden.add(WISH_POSTER_PHONE)  # a wish's poster is shown to nobody
    return {s for s in forbidden - allowed if s}


def _paths(route, scene: Scene) -> list[tuple[str, dict[str, str]]]:
    """(path, its parameters) for every real value of each parameter."""
    if not route.params:
        return [(fill(route.route, {}), {})]
    valid = {name: valid_values(conv, name, scene) for conv, name in route.params}
    base = {name: values[0] for name, values in valid.items()}
    out: dict[str, dict[str, str]] = {}
    for name, values in valid.items():
        for value in values:
            chosen = base | {name: value}
            out.setdefault(fill(route.route, chosen), chosen)
    return list(out.items())


@pytest.fixture
def quiet():
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize("role", VISITORS)
def test_every_url_for_every_visitor(role, quiet) -> None:
    scene = _scene()
    foreign = _foreign_values(role, scene)
    secrets = _secrets(role, scene)
    failures: list[str] = []
    requests = 0
    for route in ROUTES:
        if route.name in ("logout", "set_language"):
            continue  # they end the visit; the hostile sweep covers them
        for path, values in _paths(route, scene):
            client = client_as(role, scene) if role not in ("grid_worker", "party_member") else None
            if client is None:
                from django.test import Client

                client = Client(raise_request_exception=False)
                client.force_login(_user(role, scene))
            # The board's every queue and the wall's echo tab show more rows; the hostile
            # sweep covers the other query strings.
            queries = ("",) if route.params else ("", "queue=all", "tab=echo")
            for query in queries:
                response = client.get(f"{path}?{query}" if query else path)
                requests += 1
                what = f"GET {path}?{query} as {role}"
                if response.status_code >= 500 and not path.startswith("/healthz"):
                    failures.append(f"{response.status_code} {what}")
                    continue
                is_staff_page = not route.route.startswith(PUBLIC_PREFIXES)
                names_foreign = any(v in foreign.get(k, ()) for k, v in values.items())
                if is_staff_page and names_foreign and response.status_code == 200:
                    failures.append(f"out-of-scope 200: {what}")
                if response.status_code == 200 and response.get("Content-Type", "").startswith(
                    "text/html"
                ):
                    html = response.content.decode()
                    shown = sorted(s for s in secrets if s in html)
                    if shown:
                        failures.append(f"shows {shown}: {what}")
    print(f"{role}: {requests} requests over {len(ROUTES)} URL patterns")
    assert not failures, "\n".join(failures[:40])


def test_the_walk_sees_each_visitor_and_the_new_pages() -> None:
    names = {r.name for r in ROUTES}
    assert {"orders:staff_order_wall", "accounts:audit_log", "accounts:twofactor_setup"} <= names
    assert {"orders:units", "orders:reconciliation", "orders:unit_wall_project"} <= names
    assert {"orders:department_inbox", "orders:unit_work", "orders:whistle_act"} <= names
