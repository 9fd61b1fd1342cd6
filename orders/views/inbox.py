"""Staff: a handler's inbox.

One view per page, one template per page with ``{% partialdef %}`` blocks; an HTMX
request gets the partial, a plain request the page (POST → redirect → GET). Orders are
fetched only through the scoped selectors (outside the scope: 404); every write is one
call to ``orders.services``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from grids import access
from orders import selectors
from orders.selectors.staff import INBOX_SECTIONS, inbox_section


def render_inbox(request: HttpRequest, *, error: str = "") -> HttpResponse:
    """Every section's most urgent orders; ``?section=<key>`` pages through one of them."""
    context: dict = {"error": error, "page": None}
    section = request.GET.get("section", "")
    if section in INBOX_SECTIONS:
        context["sections"], context["page"] = inbox_section(
            user=request.user, section=section, page=request.GET.get("page")
        )
    else:
        context["sections"] = selectors.inbox_for_user(user=request.user)
    template = "orders/staff/inbox.html#sections" if request.htmx else "orders/staff/inbox.html"
    return render(request, template, context)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    if not access.has_role(request.user, *selectors.INBOX_ROLES):
        raise Http404
    return render_inbox(request)


urlpatterns = [
    path("staff/inbox/", inbox, name="staff_inbox"),
]
