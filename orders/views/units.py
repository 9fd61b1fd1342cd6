"""Staff pages of the co-building alliance (社区共建联盟): member units and their profile
and resource lists, demand lists with matching (供需匹配), project lists, the monthly
rotation. Models, writes and scoped reads are in ``parties/units``; the pages sit in
``orders`` because they name order categories and orders (docs/units.md).

Scope: dispatchers and street officials see their communities; a unit liaison only their
own unit (404 for anything else)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock
from core import forms as core_forms
from core.errors import DomainError
from grids import access
from grids.access import DISPATCH_ROLES, scope_q
from grids.models import Area, AreaLevel, PostRole, UnitKind, Visit
from grids.selectors import area_for_user, areas_of_level_in_scope
from orders.meetings import selectors as meeting_selectors
from orders.models import Category
from orders.selectors import orders_for_user
from orders.views.common import require_role
from parties.points import month_range
from parties.units import selectors, services
from parties.units.lifecycle import DemandSource, DemandStatus, UnitProjectStatus, allowed_actions
from parties.units.selectors import UNIT_PAGE_ROLES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def category_choices() -> list[tuple[str, str]]:
    return [(c.code, str(c)) for c in Category.objects.filter(is_active=True)]


def category_names() -> dict[str, str]:
    return {c.code: str(c) for c in Category.objects.all()}


def parse_month(request: HttpRequest, default: dt.date) -> dt.date:
    """``?month=YYYY-MM``; anything else is the default, with a message when it was typed."""
    raw = request.GET.get("month", "")
    if raw:
        try:
            month = dt.datetime.strptime(raw, "%Y-%m").date()
            if not 2000 <= month.year <= 2100:
                raise ValueError(raw)
            return month
        except ValueError:
            messages.error(
                request, _("月份格式应为 YYYY-MM，已显示%(m)s。") % {"m": f"{default:%Y-%m}"}
            )
    return default


def next_month(month: dt.date) -> dt.date:
    return month_range(month)[1]


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


# --- member units ------------------------------------------------------------------------


class ProfileForm(core_forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("单位类型"), choices=UnitKind.choices)
    remit = forms.CharField(label=gettext_lazy("服务领域"), max_length=200, required=False)
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=40, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=gettext_lazy("单位地址"), max_length=200, required=False)
    paired = forms.MultipleChoiceField(
        label=gettext_lazy("结对包建"), required=False, widget=forms.CheckboxSelectMultiple
    )
    active_from = forms.DateField(label=gettext_lazy("共建起始"), required=False, widget=DATE_INPUT)
    active_until = forms.DateField(
        label=gettext_lazy("共建截止"), required=False, widget=DATE_INPUT
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paired"].choices = [(str(a.pk), a.name) for a in areas]


class ResourceForm(core_forms.Form):
    title = forms.CharField(label=gettext_lazy("资源名称"), max_length=100)
    category = forms.ChoiceField(label=gettext_lazy("类别"))
    description = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("每月可提供（次）"), min_value=1, max_value=10000
    )
    valid_from = forms.DateField(label=gettext_lazy("有效期起"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=gettext_lazy("有效期止"), required=False, widget=DATE_INPUT)
    communities = forms.MultipleChoiceField(
        label=gettext_lazy("服务社区"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["communities"].choices = [(str(c.pk), c.name) for c in communities]


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    require_role(request, UNIT_PAGE_ROLES)
    units = list(selectors.units_for_user(user=request.user))
    if len(units) == 1 and not selectors.is_dispatcher_of(request.user, units[0].community):
        return redirect("orders:unit", unit_id=units[0].pk)  # a liaison: their own unit
    return render(request, "orders/units/list.html", {"units": units})


def _unit_context(request: HttpRequest, unit, *, profile_form=None, resource_form=None) -> dict:
    today = timezone.localdate(clock.now())
    month = today.replace(day=1)
    resources = selectors.resources_of(unit=unit)
    remaining = selectors.remaining_capacity(resources=resources, month=month)
    communities = selectors.unit_communities(unit=unit)
    may_edit_profile = selectors.is_dispatcher_of(request.user, unit.community)
    street_code = unit.community.path.split("/")[0]
    if may_edit_profile and profile_form is None:
        paired_ids = [str(pk) for pk in unit.paired_areas.values_list("pk", flat=True)]
        profile_form = ProfileForm(
            areas=_pairable_areas(unit, street_code),
            initial={
                "kind": unit.kind,
                "remit": unit.remit,
                "contact_name": unit.contact_name,
                "contact_phone": unit.contact_phone,
                "address": unit.address,
                "paired": paired_ids,
                "active_from": unit.active_from,
                "active_until": unit.active_until,
            },
        )
    return {
        "unit": unit,
        "liaisons": selectors.unit_liaisons(unit=unit),
        "paired": list(unit.paired_areas.order_by("path")),
        "resources": [
            {
                "resource": r,
                "remaining": remaining[r.pk],
                "current": r.valid_from <= today
                and (r.valid_until is None or r.valid_until >= today),
            }
            for r in resources
        ],
        "categories": category_names(),
        "projects": list(selectors.projects_for_user(user=request.user, unit=unit)[:20]),
        "profile_form": profile_form,
        "resource_form": resource_form
        or ResourceForm(communities=communities, initial={"valid_from": today}),
        "month": month,
        "previous_month": previous_month(month),
        "today": today,
    }


def _pairable_areas(unit, street_code: str):
    return (
        Area.objects.filter(
            path__startswith=street_code + "/", level__in=(AreaLevel.COMMUNITY, AreaLevel.COMPOUND)
        )
        .exclude(pk=unit.community_id)
        .order_by("path")
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    require_role(request, UNIT_PAGE_ROLES)
    unit = selectors.unit_for_user(user=request.user, unit_id=unit_id)
    if request.method == "POST":
        if not selectors.is_dispatcher_of(request.user, unit.community):
            raise Http404
        street_code = unit.community.path.split("/")[0]
        form = ProfileForm(request.POST, areas=_pairable_areas(unit, street_code))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.unit_profile_update(
                    actor=request.user,
                    unit_id=unit.pk,
                    kind=data["kind"],
                    remit=data["remit"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    address=data["address"],
                    paired_area_ids=[int(pk) for pk in data["paired"]],
                    active_from=data["active_from"],
                    active_until=data["active_until"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存单位资料。"))
                return redirect("orders:unit", unit_id=unit.pk)
        return render(
            request, "orders/units/detail.html", _unit_context(request, unit, profile_form=form)
        )
    return render(request, "orders/units/detail.html", _unit_context(request, unit))


@login_required
@require_POST
def resource_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    require_role(request, UNIT_PAGE_ROLES)
    unit = selectors.unit_for_user(user=request.user, unit_id=unit_id)
    form = ResourceForm(request.POST, communities=selectors.unit_communities(unit=unit))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.resource_create(
                actor=request.user,
                unit=unit,
                title=data["title"],
                category_code=data["category"],
                description=data["description"],
                capacity_per_month=data["capacity"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                community_ids=[int(pk) for pk in data["communities"]],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已加入资源清单。"))
            return redirect("orders:unit", unit_id=unit.pk)
    return render(
        request, "orders/units/detail.html", _unit_context(request, unit, resource_form=form)
    )


@login_required
@require_POST
def resource_end(request: HttpRequest, unit_id: int, resource_id: int) -> HttpResponse:
    require_role(request, UNIT_PAGE_ROLES)
    unit = selectors.unit_for_user(user=request.user, unit_id=unit_id)
    if not unit.resources.filter(pk=resource_id).exists():
        raise Http404
    try:
        services.resource_end(
            actor=request.user, resource_id=resource_id, until=timezone.localdate(clock.now())
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("这项资源已从今天起停止提供。"))
    return redirect("orders:unit", unit_id=unit.pk)


# --- demand lists and matching -----------------------------------------------------------------


class DemandForm(core_forms.Form):
    community = forms.ChoiceField(label=gettext_lazy("社区"))
    title = forms.CharField(label=gettext_lazy("需求"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=gettext_lazy("类别"))
    source = forms.ChoiceField(label=gettext_lazy("来源"), choices=DemandSource.choices)
    order_reference = forms.CharField(
        label=gettext_lazy("来源工单编号"), max_length=32, required=False
    )
    visit_id = forms.IntegerField(
        label=gettext_lazy("来源走访记录编号"), required=False, min_value=1, max_value=2**31 - 1
    )
    meeting_id = forms.IntegerField(
        label=gettext_lazy("来源议事会编号"), required=False, min_value=1, max_value=2**31 - 1
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.communities = {c.code: c for c in communities}
        self.fields["community"].choices = [(c.code, c.name) for c in communities]
        self.fields["category"].choices = category_choices()


def _demand_sources(request: HttpRequest, data: dict, community) -> dict:
    """The order, visit or meeting the demand came from, found through the user's scope."""
    source = data["source"]
    if source == DemandSource.ORDER:
        reference = data["order_reference"].strip()
        order = (
            orders_for_user(user=request.user)
            .filter(reference=reference, community_id=community.pk)
            .first()
            if reference
            else None
        )
        if order is None:
            raise services.UnitError("no_order", _("找不到本社区的这张工单。"))
        return {"order_reference": order.reference}
    if source == DemandSource.VISIT:
        visit = Visit.objects.filter(
            scope_q(request.user, path_field="area_path"),
            pk=data["visit_id"] or 0,
            area_path__startswith=community.path,
        ).first()
        if visit is None:
            raise services.UnitError("no_visit", _("请选择本社区的走访记录。"))
        return {"visit": visit}
    if source == DemandSource.MEETING:
        meeting = (
            meeting_selectors.meetings_for_user(user=request.user)
            .filter(pk=data["meeting_id"] or 0)
            .first()
        )
        if meeting is None or meeting.community_id != community.pk:
            raise services.UnitError("no_meeting", _("请选择本社区的议事会。"))
        return {"meeting_id": meeting.pk}
    return {}


def _demand_form(request: HttpRequest, data=None) -> DemandForm:
    communities = list(areas_of_level_in_scope(user=request.user, level=AreaLevel.COMMUNITY))
    initial = {}
    if request.GET.get("order"):
        initial = {"source": DemandSource.ORDER, "order_reference": request.GET["order"][:32]}
    return DemandForm(data, communities=communities, initial=initial)


# Dispatchers keep the demand list; a unit liaison reads the open items of the communities
# their units serve and claims one (认领) with their own unit's resource.
DEMAND_ROLES = (*DISPATCH_ROLES, PostRole.UNIT_LIAISON)


@login_required
@require_http_methods(["GET", "POST"])
def demand_list(request: HttpRequest) -> HttpResponse:
    require_role(request, DEMAND_ROLES)
    dispatcher = access.has_role(request.user, *DISPATCH_ROLES)
    if request.method == "POST" and not dispatcher:
        raise Http404
    form = _demand_form(request, request.POST or None) if dispatcher else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        community = form.communities[data["community"]]
        try:
            demand = services.demand_create(
                actor=request.user,
                community=community,
                title=data["title"],
                description=data["description"],
                category_code=data["category"],
                source=data["source"],
                **_demand_sources(request, data, community),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已加入需求清单。"))
            return redirect("orders:demand", demand_id=demand.pk)
    status = request.GET.get("status", "")
    context = {
        "demands": list(selectors.demands_for_user(user=request.user, status=status)[:100]),
        "status": status,
        "statuses": DemandStatus.choices,
        "categories": category_names(),
        "form": form,
    }
    return render(request, "orders/units/demands.html", context)


class MatchForm(core_forms.Form):
    resource = forms.ChoiceField(label=gettext_lazy("资源"))
    title = forms.CharField(label=gettext_lazy("项目"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = forms.DateField(label=gettext_lazy("完成时限"), widget=DATE_INPUT)
    capacity_used = forms.IntegerField(
        label=gettext_lazy("占用资源（次）"), min_value=1, max_value=10000, initial=1
    )

    def __init__(self, *args, matches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = [
            (str(r.pk), f"{r.unit.name} · {r.title}") for r, _left in matches
        ]


def _demand_context(request: HttpRequest, demand, form=None) -> dict:
    today = timezone.localdate(clock.now())
    # A liaison claims with their own units' resources; a dispatcher matches any unit's.
    own_units = None
    if not access.has_role(request.user, *DISPATCH_ROLES):
        own_units = access.access_for(request.user).member_unit_ids()
    matches = selectors.matching_resources(
        community=demand.community,
        category_code=demand.category_code,
        day=today,
        unit_ids=own_units,
    )
    if form is None:
        form = MatchForm(
            matches=matches,
            initial={
                "title": demand.title,
                "description": demand.description,
                "due_date": today + dt.timedelta(days=30),
                "capacity_used": 1,
            },
        )
    return {
        "demand": demand,
        "matches": matches,
        "form": form,
        "categories": category_names(),
        "open": demand.status == DemandStatus.OPEN,
        "dispatcher": own_units is None,
    }


@login_required
@require_GET
def demand_detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    require_role(request, DEMAND_ROLES)
    demand = selectors.demand_for_user(user=request.user, demand_id=demand_id)
    return render(request, "orders/units/demand.html", _demand_context(request, demand))


@login_required
@require_POST
def demand_match(request: HttpRequest, demand_id: int) -> HttpResponse:
    require_role(request, DEMAND_ROLES)
    demand = selectors.demand_for_user(user=request.user, demand_id=demand_id)
    context = _demand_context(request, demand)
    form = MatchForm(request.POST, matches=context["matches"])
    if form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                actor=request.user,
                resource_id=int(data["resource"]),
                community=demand.community,
                demand_id=demand.pk,
                title=data["title"],
                description=data["description"],
                due_date=data["due_date"],
                capacity_used=data["capacity_used"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已匹配，生成项目清单。")
                if access.has_role(request.user, *DISPATCH_ROLES)
                else _("已认领，生成本单位的项目。"),
            )
            return redirect("orders:unit_project", unit_project_id=project.pk)
    context["form"] = form
    return render(request, "orders/units/demand.html", context)


@login_required
@require_POST
def demand_close(request: HttpRequest, demand_id: int) -> HttpResponse:
    require_role(request, DISPATCH_ROLES)
    demand = selectors.demand_for_user(user=request.user, demand_id=demand_id)
    try:
        services.demand_close(actor=request.user, demand_id=demand.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("需求已关闭。"))
    return redirect("orders:demand", demand_id=demand.pk)


# --- project lists -----------------------------------------------------------------------------


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    require_role(request, UNIT_PAGE_ROLES)
    status = request.GET.get("status", "")
    context = {
        "projects": list(selectors.projects_for_user(user=request.user, status=status)[:100]),
        "status": status,
        "statuses": UnitProjectStatus.choices,
        "today": timezone.localdate(clock.now()),
    }
    return render(request, "orders/units/projects.html", context)


@login_required
@require_GET
def project_detail(request: HttpRequest, unit_project_id: int) -> HttpResponse:
    require_role(request, UNIT_PAGE_ROLES)
    project = selectors.project_for_user(user=request.user, project_id=unit_project_id)
    is_dispatcher = selectors.is_dispatcher_of(request.user, project.community)
    actions = [a for a in allowed_actions(project.status) if a != "cancel" or is_dispatcher]
    context = {
        "project": project,
        "actions": actions,
        "events": selectors.project_events(project=project),
        "summary": selectors.evaluation_summary(project=project),
        "categories": category_names(),
    }
    return render(request, "orders/units/project.html", context)


PROJECT_MOVES = {
    "start": lambda p, **kw: services.project_start(note=p.get("note", ""), **kw),
    "progress": lambda p, **kw: services.project_progress(note=p.get("note", ""), **kw),
    "complete": lambda p, **kw: services.project_complete(result=p.get("note", ""), **kw),
    "cancel": lambda p, **kw: services.project_cancel(reason=p.get("note", ""), **kw),
}


@login_required
@require_POST
def project_move(request: HttpRequest, unit_project_id: int, action: str) -> HttpResponse:
    require_role(request, UNIT_PAGE_ROLES)
    project = selectors.project_for_user(user=request.user, project_id=unit_project_id)
    if action not in PROJECT_MOVES:
        raise Http404
    try:
        PROJECT_MOVES[action](request.POST, project_id=project.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("orders:unit_project", unit_project_id=project.pk)


# --- monthly rotation -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rotation(request: HttpRequest) -> HttpResponse:
    require_role(request, DISPATCH_ROLES)
    communities = list(areas_of_level_in_scope(user=request.user, level=AreaLevel.COMMUNITY))
    if not communities:
        raise Http404
    code = request.GET.get("community") or communities[0].code
    community = area_for_user(user=request.user, code=code)
    if community.level != AreaLevel.COMMUNITY:
        raise Http404
    current = services.this_month()
    month = parse_month(request, current)
    units = selectors.units_of_community(community=community)
    if request.method == "POST":
        try:
            chosen = [int(pk) for pk in request.POST.getlist("unit")]
        except ValueError:
            chosen = [-1]
        try:
            services.rotation_set(
                actor=request.user, community=community, month=month, unit_ids=chosen
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存 %(m)s 的轮值安排。") % {"m": f"{month:%Y-%m}"})
        return redirect(
            reverse("orders:rotation") + f"?community={community.code}&month={month:%Y-%m}"
        )
    months = [
        previous_month(current),
        current,
        next_month(current),
        next_month(next_month(current)),
    ]
    context = {
        "community": community,
        "communities": communities,
        "month": month,
        "editable": month >= current,
        "units": units,
        "on_duty": selectors.duty_unit_ids(community_id=community.pk, month=month),
        "overview": selectors.rotation_months(community=community, months=months),
        "previous": previous_month(month),
        "next": next_month(month),
    }
    return render(request, "orders/units/rotation.html", context)


urlpatterns = [
    path("staff/units/", unit_list, name="units"),
    path("staff/units/<int:unit_id>/", unit_detail, name="unit"),
    path("staff/units/<int:unit_id>/resources/", resource_add, name="unit_resource_add"),
    path(
        "staff/units/<int:unit_id>/resources/<int:resource_id>/end/",
        resource_end,
        name="unit_resource_end",
    ),
    path("staff/demands/", demand_list, name="demands"),
    path("staff/demands/<int:demand_id>/", demand_detail, name="demand"),
    path("staff/demands/<int:demand_id>/match/", demand_match, name="demand_match"),
    path("staff/demands/<int:demand_id>/close/", demand_close, name="demand_close"),
    path("staff/unit-projects/", project_list, name="unit_projects"),
    path("staff/unit-projects/<int:unit_project_id>/", project_detail, name="unit_project"),
    path(
        "staff/unit-projects/<int:unit_project_id>/<slug:action>/",
        project_move,
        name="unit_project_move",
    ),
    path("staff/rotation/", rotation, name="rotation"),
]
