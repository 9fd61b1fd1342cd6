"""The party organisation tree: the list (scoped to the user's areas) and its import from a
spreadsheet — upload, preview with every problem by row, confirm (all or nothing)."""

from __future__ import annotations

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
from parties.units import orgs, selectors

PREVIEW_ROWS_SHOWN = 200


class OrgImportForm(AreaImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("党组织名册")
        self.fields["file"].help_text = gettext_lazy(
            "Excel（.xlsx）或 CSV，列：区域编码、组织名称、书记（工作人员账号，可空）；最大 5 MB。"
        )


def _require(request: HttpRequest) -> None:
    if not access.has_role(request.user, *orgs.IMPORT_ROLES):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def party_orgs(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = OrgImportForm(request.POST or None, request.FILES or None)
    context: dict = {
        "form": form,
        "orgs": list(selectors.party_orgs_for_user(user=request.user)[:500]),
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        token = import_store.upload_store(
            user_id=request.user.pk, filename=upload.name, content=content
        )
        plan = orgs.plan_org_import(content=content, filename=upload.name, user=request.user)
        context |= {
            "plan": plan,
            "token": token,
            "filename": upload.name,
            "rows_shown": plan.rows[:PREVIEW_ROWS_SHOWN],
            "create_count": plan.count(orgs.CREATE),
            "update_count": plan.count(orgs.UPDATE),
        }
    return render(request, "parties/party_orgs.html", context)


@login_required
@require_POST
def party_orgs_confirm(request: HttpRequest) -> HttpResponse:
    _require(request)
    token = request.POST.get("token", "")
    stored = import_store.upload_load(user_id=request.user.pk, token=token)
    if stored is None:
        messages.error(request, _("导入文件已过期或不存在，请重新上传。"))
        return redirect("parties:party_orgs")
    try:
        result = orgs.party_org_import(
            user=request.user, content=stored.content, filename=stored.filename
        )
    except orgs.OrgImportError as exc:
        messages.error(request, str(exc))
        return redirect("parties:party_orgs")
    import_store.upload_discard(user_id=request.user.pk, token=token)
    messages.success(
        request,
        _("导入完成：新增 %(created)d 个党组织，更新 %(updated)d 个。")
        % {"created": result.created, "updated": result.updated},
    )
    return redirect("parties:party_orgs")


urlpatterns = [
    path("orgs/", party_orgs, name="party_orgs"),
    path("orgs/confirm/", party_orgs_confirm, name="party_orgs_confirm"),
]
