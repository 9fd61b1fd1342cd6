"""Language of what Sidan says: messages and refusals."""

from __future__ import annotations

import pytest


def test_messages_to_residents_use_the_site_language_whoever_acts(world):
    from django.utils import translation

    from orders import services
    from orders.lifecycle import Tier
    from orders.models import OutboxMessage

    order = world.place()
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    services.order_sign(order_id=order.pk, actor=world.property_manager)
    with translation.override("en"):
        services.order_resolve(order_id=order.pk, actor=world.property_manager, result_note="Fixed")
    request = OutboxMessage.objects.get(order=order, template="rating_request")
    assert "已办理完毕" in request.body


def test_a_refused_move_reads_well_in_english(world):
    from django.utils import translation

    from orders import services
    from orders.errors import OrderError
    from orders.lifecycle import Tier

    order = world.place()
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    with translation.override("en"), pytest.raises(OrderError) as refused:
        services.order_dispatch(
            order_id=order.pk,
            actor=world.street_official,
            tier=Tier.GRID,
            handler_user=world.grid_leader,
        )
    assert "。" not in refused.value.message and "无法" not in refused.value.message


def test_queue_names_differ_from_the_moves_in_english():
    from django.utils import translation

    from orders.lifecycle import Action, QueueReason

    with translation.override("en"):
        assert str(QueueReason.RETURNED.label) == "Returned"
        assert str(QueueReason.ESCALATED.label) == "Escalated"
        assert str(Action.RETURN.label) != str(QueueReason.RETURNED.label)
