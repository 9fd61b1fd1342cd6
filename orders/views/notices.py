"""Community notices: staff publish, pin and withdraw; residents opt in to the SMS digest
from the community page with a verified phone."""

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
from core.errors import DomainError
from grids import access
from grids.models import Area, AreaLevel
from orders import verification
from orders.notices import selectors, services
from orders.selectors import public as public_selectors


class NoticeForm(core_forms.Form):
    community = forms.ChoiceField(label=gettext_lazy("社区"))
    title = forms.CharField(label=gettext_lazy("标题"), max_length=100)
    body = forms.CharField(
        label=gettext_lazy("正文"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    valid_from = forms.DateField(
        label=gettext_lazy("生效日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=gettext_lazy("截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    targets = forms.MultipleChoiceField(
        label=gettext_lazy("面向小区（不选为全社区）"), required=False
    )
    pinned = forms.BooleanField(label=gettext_lazy("置顶"), required=False)

    def __init__(self, *args, communities, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.communities = {c.code: c for c in communities}
        self.compounds = {c.code: c for c in compounds}
        self.fields["community"].choices = [(c.code, c.name) for c in communities]
        self.fields["targets"].choices = [(c.code, c.name) for c in compounds]


def _require(request: HttpRequest) -> None:
    if not access.has_role(request.user, *services.STAFF_ROLES):
        raise Http404


def _scoped(user, level):
    return list(
        Area.objects.filter(
            access.scope_q(user, path_field="path", roles=services.STAFF_ROLES), level=level
        ).order_by("path")[:1000]
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = NoticeForm(
        request.POST or None,
        communities=_scoped(request.user, AreaLevel.COMMUNITY),
        compounds=_scoped(request.user, AreaLevel.COMPOUND),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.notice_publish(
                actor=request.user,
                community=form.communities[data["community"]],
                title=data["title"],
                body=data["body"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                targets=[form.compounds[c] for c in data["targets"]],
                pinned=data["pinned"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("公告已发布。"))
            return redirect("orders:notices")
    context = {"notices": selectors.notice_list(user=request.user), "form": form}
    return render(request, "orders/notices/list.html", context)


@login_required
@require_POST
def notice_action(request: HttpRequest, notice_id: int, action: str) -> HttpResponse:
    _require(request)
    if not selectors.notices_for_user(user=request.user).filter(pk=notice_id).exists():
        raise Http404
    try:
        if action == "pin":
            services.notice_pin(actor=request.user, notice_id=notice_id, pinned=True)
        elif action == "unpin":
            services.notice_pin(actor=request.user, notice_id=notice_id, pinned=False)
        elif action == "withdraw":
            services.notice_withdraw(actor=request.user, notice_id=notice_id)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("orders:notices")


@require_POST
def sms_opt_in(request: HttpRequest, code: str) -> HttpResponse:
    community = public_selectors.wall_community(code=code)
    phone = verification.verified_phone(request.session)
    try:
        if request.POST.get("action") == "off":
            services.unsubscribe(community=community, phone=phone)
            messages.success(request, _("已取消公告短信。"))
        else:
            services.subscribe(community=community, phone=phone)
            messages.success(request, _("已订阅公告短信，每天最多一条。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("orders:community", code=community.code)


urlpatterns = [
    path("staff/notices/", notice_list, name="notices"),
    path("staff/notices/<int:notice_id>/<slug:action>/", notice_action, name="notice_action"),
    path("c/<str:code>/sms/", sms_opt_in, name="notice_sms"),
]
