"""Grid work screens: the due-visits list (phone first), a household, coverage, and the
household register import. Reads go through ``grids.visits.selectors`` (scoped to the
user; anything else is 404); writes are one call to ``grids.visits.services``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from grids import access, import_store
from grids.forms import AreaImportForm
from grids.models import AreaLevel
from grids.visits import selectors, services
from grids.visits.importing import CREATE, UPDATE, plan_household_import

PREVIEW_ROWS_SHOWN = 300


class HouseholdImportForm(AreaImportForm):
    file = forms.FileField(
        label=gettext_lazy("住户名册"),
        help_text=gettext_lazy(
            "Excel（.xlsx）或 CSV，列：区域编码、地址、单元/房号、户主、电话、人数、关怀类别"
            "（多个用顿号分隔）；最大 5 MB。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _require(request: HttpRequest, roles) -> None:
    if not access.has_role(request.user, *roles):
        raise Http404


@login_required
def due_list(request: HttpRequest) -> HttpResponse:
    _require(request, services.VISIT_ROLES)
    grids = selectors.grids_for_visits(user=request.user)
    code = request.GET.get("grid", "")
    grid = selectors.grid_for_user(user=request.user, code=code) if code else None
    rows = selectors.due_households(user=request.user, grid=grid)
    context = {
        "grids": grids,
        "grid": grid,
        "rows": rows,
        "overdue": sum(1 for r in rows if r.is_overdue),
    }
    return render(request, "grids/visits/due.html", context)


@login_required
def household(request: HttpRequest, household_id: int) -> HttpResponse:
    _require(request, services.VISIT_ROLES)
    row = selectors.household_for_user(user=request.user, household_id=household_id)
    context = {
        "household": row,
        "care": list(row.care.all()),
        "visits": selectors.recent_visits(household=row),
        "today": selectors.today(),
    }
    return render(request, "grids/visits/household.html", context)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    _require(request, selectors.COVERAGE_ROLES)
    context = {
        "by_community": selectors.coverage_by_area(user=request.user, level=AreaLevel.COMMUNITY),
        "by_grid": selectors.coverage_by_area(user=request.user, level=AreaLevel.GRID),
        "by_worker": selectors.coverage_by_worker(user=request.user),
        "today": selectors.today(),
    }
    return render(request, "grids/visits/coverage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_import(request: HttpRequest) -> HttpResponse:
    """Upload, then the preview on the same page: per-row errors, or counts and confirm."""
    _require(request, services.VISIT_ROLES)
    form = HouseholdImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        token = import_store.upload_store(
            user_id=request.user.pk, filename=upload.name, content=content
        )
        plan = plan_household_import(content=content, filename=upload.name, user=request.user)
        context |= {
            "plan": plan,
            "token": token,
            "filename": upload.name,
            "rows_shown": plan.rows[:PREVIEW_ROWS_SHOWN],
            "create_count": plan.count(CREATE),
            "update_count": plan.count(UPDATE),
        }
    return render(request, "grids/visits/import.html", context)


@login_required
@require_POST
def household_import_confirm(request: HttpRequest) -> HttpResponse:
    _require(request, services.VISIT_ROLES)
    token = request.POST.get("token", "")
    stored = import_store.upload_load(user_id=request.user.pk, token=token)
    if stored is None:
        messages.error(request, _("导入文件已过期或不存在，请重新上传。"))
        return redirect("grids:household_import")
    try:
        result = services.household_import(
            user=request.user, content=stored.content, filename=stored.filename
        )
    except services.VisitError:
        messages.error(request, _("文件未通过校验，没有导入任何数据。"))
        return redirect("grids:household_import")
    import_store.upload_discard(user_id=request.user.pk, token=token)
    messages.success(
        request,
        _("导入完成：新增 %(created)d 户，更新 %(updated)d 户。")
        % {"created": result.created, "updated": result.updated},
    )
    return redirect("grids:visits_due")


urlpatterns = [
    path("visits/due/", due_list, name="visits_due"),
    path("visits/coverage/", coverage, name="visits_coverage"),
    path("households/<int:household_id>/", household, name="household"),
    path("households/import/", household_import, name="household_import"),
    path("households/import/confirm/", household_import_confirm, name="household_import_confirm"),
]
