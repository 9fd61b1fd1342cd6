"""Names read surname first everywhere ("赵海涛", never "海涛 赵")."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from core.people import person_name
from orders.lifecycle import Tier


@pytest.mark.parametrize(
    "last, first, username, expected",
    [
        ("赵", "海涛", "zhao", "赵海涛"),
        ("欧阳", "娜娜", "oy", "欧阳娜娜"),
        ("Zhao", "Haitao", "zh", "Zhao Haitao"),
        ("", "", "demo_dispatcher", "demo_dispatcher"),
    ],
)
def test_person_name_is_surname_first(last, first, username, expected):
    user = get_user_model()(last_name=last, first_name=first, username=username)
    assert person_name(user) == expected


def test_the_header_and_the_dispatch_choices_put_the_surname_first(client, world):
    pm = world.property_manager
    pm.last_name, pm.first_name = "赵", "海涛"
    pm.save()
    world.dispatcher.last_name, world.dispatcher.first_name = "吴", "超"
    world.dispatcher.save()
    order = world.place()
    client.force_login(world.dispatcher)
    html = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert '<span class="who">吴超</span>' in html and "超 吴" not in html
    html = client.get(f"/staff/orders/{order.pk}/", {"tier": Tier.PROPERTY}).content.decode()
    assert "赵海涛" in html and "海涛 赵" not in html


def test_the_timeline_names_the_handler_it_was_dispatched_to_surname_first(world, client):
    from orders import services
    from orders.lifecycle import Tier

    world.property_manager.last_name, world.property_manager.first_name = "赵", "海涛"
    world.property_manager.save()
    order = world.place()
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    client.force_login(world.dispatcher)
    timeline = (
        client.get(f"/staff/orders/{order.pk}/").content.decode().split('class="timeline"')[1]
    )
    dispatch_row = timeline.split('data-action="dispatch"')[1].split("</li>")[0]
    assert "（物业：赵海涛）" in dispatch_row
    assert world.property_manager.username not in dispatch_row
