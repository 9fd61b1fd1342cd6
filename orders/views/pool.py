"""The open pool page (党员接单, ``/staff/pool/``).

A verified party member sees their registered community's pool — anonymised: no resident
name or phone until they claim, the description scrubbed — claims an order there (the
claim posts to the order's action URL, like every move) and follows what they claimed;
once claimed they handle it on the order's page like any handler (resolve with photos,
extension, or hand it back to the pool). Dispatchers see the pool orders of their
communities (how long each waited, who claimed what) and take one back on its page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from grids import access
from grids.access import DISPATCH_ROLES
from grids.models import PostRole
from orders.selectors import pool as pool_selectors
from parties.members import member_for_user


@login_required
@require_GET
def pool(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    oversees = access.has_role(request.user, *DISPATCH_ROLES)
    if member is None and not oversees:
        if not access.has_role(request.user, PostRole.PARTY_MEMBER):
            raise Http404
        # A party-member post without a verified registration: say how to get one.
        return render(request, "orders/pool/pool.html", {"unregistered": True})
    context: dict = {"member": member, "oversees": oversees}
    if member is not None:
        waiting = list(pool_selectors.community_pool(community_id=member.community_id)[:100])
        for order in waiting:
            order.anonymised = pool_selectors.anonymised_description(order)
            order.place = pool_selectors.anonymised_place(order)
        context |= {
            "waiting": waiting,
            "mine": list(pool_selectors.member_pool_orders(member=member)[:50]),
        }
    if oversees:
        context["overseen"] = list(pool_selectors.dispatcher_pool(user=request.user)[:200])
    return render(request, "orders/pool/pool.html", context)


urlpatterns = [path("staff/pool/", pool, name="pool")]
