"""Staff: entering an order on a resident's behalf (intake).

One view per page, one template per page with ``{% partialdef %}`` blocks; an HTMX
request gets the partial, a plain request the page (POST → redirect → GET). Orders are
fetched only through the scoped selectors (outside the scope: 404); every write is one
call to ``orders.services``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grids import access
from orders import selectors, services
from orders.errors import OrderError
from orders.forms.staff import (
    PICKER_FIELDS,
    StaffIntakeForm,
    picked_codes,
)
from orders.models import Order


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    if not access.has_role(request.user, *access.ORDER_INTAKE_ROLES):
        raise Http404
    areas = selectors.intake_areas(user=request.user)
    data = request.POST if request.method == "POST" else request.GET
    picker = selectors.intake_picker(user=request.user, chosen=picked_codes(data))
    if request.htmx and request.method == "GET":
        return render(request, "orders/staff/intake.html#picker", {"picker": picker})
    if request.method == "POST" and "refresh" in request.POST:
        # The no-JavaScript refresh of the location picker: the same form, not yet checked.
        form = StaffIntakeForm(initial=request.POST.dict(), areas=areas)
    elif request.method == "POST":
        form = StaffIntakeForm(request.POST, request.FILES, areas=areas)
        if form.is_valid():
            order = _place(request, form)
            if order is not None:
                messages.success(
                    request, _("已受理，工单编号 %(ref)s。") % {"ref": order.reference}
                )
                if order.repeat_of_id:
                    messages.warning(
                        request,
                        _("提示：这张工单可能与 %(ref)s 重复，请在工单页核对后合并或保留两单。")
                        % {"ref": order.repeat_of.reference},
                    )
                if "save_and_new" in request.POST:
                    keep = {"channel": form.cleaned_data["channel"]}
                    keep |= {
                        PICKER_FIELDS[lv]: c for lv, c in picked_codes(request.POST).items() if c
                    }
                    return redirect(reverse("orders:staff_intake") + "?" + urlencode(keep))
                return redirect("orders:staff_order", order_id=order.pk)
    else:
        form = StaffIntakeForm(initial=request.GET.dict(), areas=areas)
    return render(request, "orders/staff/intake.html", {"form": form, "picker": picker})


def _place(request: HttpRequest, form: StaffIntakeForm) -> Order | None:
    data = form.cleaned_data
    try:
        return services.order_place(
            category=data["category"],
            area=data["area_code"],
            description=data["description"],
            resident_phone=data["resident_phone"],
            resident_name=data["resident_name"],
            nature=data["nature"],
            urgency=data["urgency"],
            channel=data["channel"],
            photos=data["photos"],
            placed_by=request.user,
        )
    except OrderError as exc:
        form.add_error(None, exc.message)
        return None


urlpatterns = [
    path("staff/intake/", intake, name="staff_intake"),
]
