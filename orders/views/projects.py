"""Raise-hand micro-projects. Staff: list, propose, approve (budget line, owner), progress,
complete, the community's threshold. Public, on the community page ``/c/<code>/``: the
projects with their hand counts, raising and withdrawing a hand and evaluating with a
verified phone, and published meeting outcomes — never a resident's name or phone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock
from core import forms as core_forms
from core.errors import DomainError
from grids import access
from grids.selectors import area_for_user
from orders import verification
from orders.notices import selectors as notice_selectors
from orders.projects import selectors, services
from orders.projects.lifecycle import Evaluation, ProjectStatus, allowed_actions
from orders.selectors import public as public_selectors


class ProposalForm(core_forms.Form):
    compound = forms.ChoiceField(label=gettext_lazy("小区"))
    title = forms.CharField(label=gettext_lazy("项目名称"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.compounds = {c.code: c for c in compounds}
        self.fields["compound"].choices = [(c.code, c.name) for c in compounds]


def _require(request: HttpRequest) -> None:
    if not access.has_role(request.user, *services.STAFF_ROLES):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def project_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = ProposalForm(request.POST or None, compounds=selectors.compounds_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_propose(
                compound=form.compounds[data["compound"]],
                title=data["title"],
                description=data["description"],
                staff=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("orders:project", project_id=project.pk)
    context = {"projects": selectors.project_list(user=request.user), "form": form}
    return render(request, "orders/projects/list.html", context)


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    _require(request)
    project = selectors.project_for_user(user=request.user, project_id=project_id)
    context = {
        "project": project,
        "actions": allowed_actions(project.status),
        "updates": selectors.progress_updates(project=project),
        "summary": selectors.evaluation_summary(project=project),
    }
    return render(request, "orders/projects/detail.html", context)


MOVES = {
    "approve": lambda p, **kw: services.project_approve(
        budget_line=p.get("budget_line", ""),
        budget_amount=p.get("budget_amount", ""),
        owner=p.get("owner", ""),
        **kw,
    ),
    "progress": lambda p, **kw: services.project_progress(note=p.get("note", ""), **kw),
    "complete": lambda p, **kw: services.project_complete(note=p.get("note", ""), **kw),
}


@login_required
@require_POST
def project_move(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    _require(request)
    project = selectors.project_for_user(user=request.user, project_id=project_id)
    if action not in MOVES:
        raise Http404
    try:
        MOVES[action](request.POST, project_id=project.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("orders:project", project_id=project.pk)


@login_required
@require_POST
def threshold(request: HttpRequest) -> HttpResponse:
    _require(request)
    community = area_for_user(user=request.user, code=request.POST.get("community", ""))
    try:
        hands = int(request.POST.get("hands", ""))
    except ValueError:
        hands = 0
    try:
        services.threshold_set(actor=request.user, community=community, hands=hands)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存立项门槛。"))
    return redirect("orders:projects")


# --- public -----------------------------------------------------------------------------


def _public_community(code: str):
    return public_selectors.wall_community(code=code)


@require_GET
def community_page(request: HttpRequest, code: str) -> HttpResponse:
    community = _public_community(code)
    phone = verification.verified_phone(request.session)
    today = timezone.localdate(clock.now())
    context = {
        "community": community,
        "projects": selectors.public_projects(community=community),
        "meetings": selectors.public_meetings(community=community),
        "count": selectors.cogovernance_count(community_paths=[community.path]),
        "phone": phone,
        "notices": notice_selectors.public_notices(community=community, day=today),
        "subscribed": notice_selectors.is_subscribed(community=community, phone=phone),
    }
    return render(request, "orders/public/community.html", context)


@require_http_methods(["GET", "POST"])
def public_project(request: HttpRequest, code: str, project_id: int) -> HttpResponse:
    project = selectors.public_project(code=code, project_id=project_id)
    phone = verification.verified_phone(request.session)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "raise":
                services.hand_raise(project_id=project.pk, phone=phone)
            elif action == "withdraw":
                services.hand_withdraw(project_id=project.pk, phone=phone)
            elif action == "evaluate":
                services.project_evaluate(
                    project_id=project.pk,
                    phone=phone,
                    rating=request.POST.get("rating", ""),
                    comment=request.POST.get("comment", ""),
                )
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("orders:public_project", code=code, project_id=project.pk)
    context = {
        "project": project,
        "community": project.community,
        "phone": phone,
        "has_hand": selectors.has_hand(project=project, phone=phone),
        "has_evaluated": selectors.has_evaluated(project=project, phone=phone),
        "updates": selectors.progress_updates(project=project),
        "summary": selectors.evaluation_summary(project=project),
        "ratings": Evaluation.choices,
        "hands_open": project.status in (ProjectStatus.PROPOSED, ProjectStatus.QUALIFIED),
        "done": project.status == ProjectStatus.DONE,
    }
    return render(request, "orders/public/project.html", context)


@require_http_methods(["GET", "POST"])
def public_propose(request: HttpRequest, code: str) -> HttpResponse:
    community = _public_community(code)
    phone = verification.verified_phone(request.session)
    compounds = selectors.compounds_of(community=community)
    form = ProposalForm(request.POST or None, compounds=compounds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_propose(
                compound=form.compounds[data["compound"]],
                title=data["title"],
                description=data["description"],
                phone=phone,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("orders:public_project", code=code, project_id=project.pk)
    context = {"community": community, "form": form, "phone": phone}
    return render(request, "orders/public/propose.html", context)


urlpatterns = [
    path("staff/projects/", project_list, name="projects"),
    path("staff/projects/threshold/", threshold, name="project_threshold"),
    path("staff/projects/<int:project_id>/", project_detail, name="project"),
    path("staff/projects/<int:project_id>/<slug:action>/", project_move, name="project_move"),
    path("c/<str:code>/", community_page, name="community"),
    path("c/<str:code>/propose/", public_propose, name="public_propose"),
    path("c/<str:code>/p/<int:project_id>/", public_project, name="public_project"),
]
