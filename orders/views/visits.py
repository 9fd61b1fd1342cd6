"""Grid worker: log a visit on a phone, its need turned into an order in the same step
(``orders.services.visit_with_order``, channel: grid visit)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from grids import access
from grids.visits import selectors as visit_selectors
from grids.visits.services import VISIT_ROLES
from orders import services
from orders.forms.visits import VisitForm


@login_required
@require_http_methods(["GET", "POST"])
def visit_log(request: HttpRequest, household_id: int) -> HttpResponse:
    if not access.has_role(request.user, *VISIT_ROLES):
        raise Http404
    household = visit_selectors.household_for_user(user=request.user, household_id=household_id)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.visit_with_order(
                household_id=household.pk,
                worker=request.user,
                kind=data["kind"],
                found=data["found"],
                need=data["need"],
                category=data["category"],
                urgency=data["urgency"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if result.order is not None:
                messages.success(
                    request,
                    _("走访已记录，需求已转为工单 %(ref)s。") % {"ref": result.order.reference},
                )
            else:
                messages.success(request, _("走访已记录。"))
            return redirect("grids:visits_due")
    return render(request, "orders/staff/visit_log.html", {"form": form, "household": household})


urlpatterns = [
    path("staff/visits/<int:household_id>/", visit_log, name="visit_log"),
]
