"""The four-colour risk list, a dispute with its flow, and registering one."""

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

from core import forms as core_forms
from grids import access
from grids.disputes import selectors, services
from grids.disputes.lifecycle import Colour, DisputeAction, HandlingLevel, allowed_actions
from grids.selectors import area_for_user


class DisputeForm(core_forms.Form):
    area = forms.ChoiceField(label=gettext_lazy("位置"))
    title = forms.CharField(label=gettext_lazy("事由"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    colour = forms.TypedChoiceField(
        label=gettext_lazy("风险等级"), choices=Colour.choices, coerce=int
    )
    colour_reason = forms.CharField(label=gettext_lazy("定级理由"), max_length=300)
    source = forms.ChoiceField(
        label=gettext_lazy("来源"),
        choices=[
            ("visit", gettext_lazy("走访发现")),
            ("order", gettext_lazy("工单反映")),
            ("report", gettext_lazy("其他渠道")),
        ],
        initial="visit",
    )
    order_reference = forms.CharField(
        label=gettext_lazy("工单编号（来源为工单时）"), max_length=32, required=False
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, f"{a.name}（{a.code}）") for a in areas]


def _require(request: HttpRequest) -> None:
    if not access.has_role(request.user, *services.REPORT_ROLES):
        raise Http404


@login_required
def risk_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    code = request.GET.get("community", "")
    community = area_for_user(user=request.user, code=code) if code else None
    open_only = request.GET.get("all") != "1"
    context = {
        "rows": selectors.risk_list(user=request.user, community=community, open_only=open_only),
        "counts": selectors.colour_counts(user=request.user, community=community),
        "communities": selectors.communities_for(user=request.user),
        "community": community,
        "open_only": open_only,
    }
    return render(request, "grids/disputes/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dispute_new(request: HttpRequest) -> HttpResponse:
    _require(request)
    areas = selectors.report_areas(user=request.user)
    initial = {"area": request.GET.get("area", "")}
    form = DisputeForm(request.POST or None, areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dispute = services.dispute_report(
                actor=request.user,
                area=area_for_user(user=request.user, code=data["area"]),
                title=data["title"],
                description=data["description"],
                colour=data["colour"],
                colour_reason=data["colour_reason"],
                source=data["source"],
                order_reference=data["order_reference"],
            )
        except services.DisputeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记。"))
            return redirect("grids:dispute", dispute_id=dispute.pk)
    return render(request, "grids/disputes/new.html", {"form": form})


@login_required
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    _require(request)
    dispute = selectors.dispute_for_user(user=request.user, dispute_id=dispute_id)
    actions = selectors.actions_for(
        user=request.user, dispute=dispute, allowed=allowed_actions(dispute.status)
    )
    context = {
        "dispute": dispute,
        "events": [
            (e, DisputeAction(e.action).label) for e in dispute.events.select_related("actor")
        ],
        "actions": actions,
        "colours": Colour.choices,
        "levels": HandlingLevel.choices,
    }
    return render(request, "grids/disputes/detail.html", context)


MOVES = {
    DisputeAction.ASSESS: lambda p, **kw: services.dispute_assess(
        colour=p.get("colour"), reason=p.get("reason", ""), **kw
    ),
    DisputeAction.ASSIGN: lambda p, **kw: services.dispute_assign(
        level=p.get("level", ""), assignee=p.get("assignee", ""), **kw
    ),
    DisputeAction.HANDLE: lambda p, **kw: services.dispute_handle(note=p.get("note", ""), **kw),
    DisputeAction.EVALUATE: lambda p, **kw: services.dispute_evaluate(
        outcome=p.get("outcome", ""), **kw
    ),
    DisputeAction.REGRADE: lambda p, **kw: services.dispute_regrade(
        colour=p.get("colour"), reason=p.get("reason", ""), **kw
    ),
}


@login_required
@require_POST
def dispute_move(request: HttpRequest, dispute_id: int, action: str) -> HttpResponse:
    _require(request)
    dispute = selectors.dispute_for_user(user=request.user, dispute_id=dispute_id)
    if action not in MOVES:
        raise Http404
    try:
        MOVES[action](request.POST, dispute_id=dispute.pk, actor=request.user)
    except services.DisputeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已记录：%(step)s。") % {"step": DisputeAction(action).label})
    return redirect("grids:dispute", dispute_id=dispute.pk)


urlpatterns = [
    path("disputes/", risk_list, name="disputes"),
    path("disputes/new/", dispute_new, name="dispute_new"),
    path("disputes/<int:dispute_id>/", dispute_detail, name="dispute"),
    path("disputes/<int:dispute_id>/<slug:action>/", dispute_move, name="dispute_move"),
]
