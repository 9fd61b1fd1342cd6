"""Keep Order.community and Order.street right when an area moves in the tree.

``grids.services.area_update`` saves the moved node, then rewrites its descendants' paths;
``pre_save`` notes the node's old path, ``post_save`` re-derives the community and street of
the orders on the node and under its old path (the descendants still carry it then).
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from grids.models import Area, AreaLevel

_OLD_PATH = "_sidan_old_path"


@receiver(pre_save, sender=Area, dispatch_uid="orders.area_old_path")
def remember_old_path(sender, instance: Area, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    old = Area.objects.filter(pk=instance.pk).values_list("path", flat=True).first()
    setattr(instance, _OLD_PATH, old)


@receiver(post_save, sender=Area, dispatch_uid="orders.area_moved")
def rescope_orders(sender, instance: Area, created: bool, raw: bool = False, **kwargs) -> None:
    old_path = getattr(instance, _OLD_PATH, None)
    if raw or created or not old_path or old_path == instance.path:
        return
    if instance.level < AreaLevel.COMMUNITY:
        return  # a street is a root: its communities' ids do not change
    from orders.models import Order
    from orders.services.lifecycle import scope_ids

    community_id, street_id = scope_ids(instance)
    Order.objects.filter(Q(area_id=instance.pk) | Q(area__path__startswith=old_path)).exclude(
        community_id=community_id, street_id=street_id
    ).update(community_id=community_id, street_id=street_id)
