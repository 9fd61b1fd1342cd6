"""The community wall of the unit projects (项目清单): what the member units are doing
and have delivered, their progress notes and public results, and residents' evaluations
with a phone proved by the resident's own code (``orders.verification``) — staff have no
way to evaluate for a resident. No staff name or resident phone is shown."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from orders import verification
from orders.selectors import public as public_selectors
from parties.units import selectors, services
from parties.units.lifecycle import Evaluation, UnitProjectStatus


@require_GET
def unit_wall(request: HttpRequest, code: str) -> HttpResponse:
    community = public_selectors.wall_community(code=code)
    context = {"community": community, "projects": selectors.wall_projects(community=community)}
    return render(request, "orders/public/unit_wall.html", context)


@require_http_methods(["GET", "POST"])
def unit_wall_project(request: HttpRequest, code: str, unit_project_id: int) -> HttpResponse:
    community = public_selectors.wall_community(code=code)
    project = selectors.wall_project(community=community, project_id=unit_project_id)
    phone = verification.verified_phone(request.session)
    if request.method == "POST":
        try:
            services.project_evaluate(
                project_id=project.pk,
                phone=phone,
                rating=request.POST.get("rating", ""),
                comment=request.POST.get("comment", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("谢谢你的评价。"))
        return redirect("orders:unit_wall_project", code=community.code, unit_project_id=project.pk)
    context = {
        "community": community,
        "project": project,
        "updates": selectors.public_updates(project=project),
        "summary": selectors.evaluation_summary(project=project),
        "phone": phone,
        "has_evaluated": selectors.has_evaluated(project=project, phone=phone),
        "ratings": Evaluation.choices,
        "done": project.status == UnitProjectStatus.DONE,
    }
    return render(request, "orders/public/unit_project.html", context)


urlpatterns = [
    path("c/<str:code>/units/", unit_wall, name="unit_wall"),
    path("c/<str:code>/units/<int:unit_project_id>/", unit_wall_project, name="unit_wall_project"),
]
