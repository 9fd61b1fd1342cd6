from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from core.clientip import client_ip
from grids import import_store, selectors, services
from grids.access import access_for, has_role
from grids.forms import AreaImportForm
from grids.importing import CREATE, UPDATE, plan_area_import
from grids.models import PostRole
from grids.roles import ROLE_GUIDE

PREVIEW_ROWS_SHOWN = 500


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    posts = selectors.posts_for_user(user=request.user)
    guides = [
        ROLE_GUIDE[role] | {"role": role} for role in sorted(access.roles) if role in ROLE_GUIDE
    ]
    return render(request, "grids/home.html", {"posts": posts, "guides": guides, "access": access})


@login_required
def area_tree(request: HttpRequest) -> HttpResponse:
    roots = selectors.scope_roots(user=request.user)
    focus = (
        selectors.area_for_user(user=request.user, code=request.GET.get("code"))
        if request.GET.get("code")
        else None
    )
    node = focus or (roots[0] if len(roots) == 1 else None)
    context = {
        "roots": roots,
        "node": node,
        "ancestors": selectors.area_ancestors(area=node) if node else [],
        "children": selectors.area_children_with_counts(area=node) if node else [],
    }
    return render(request, "grids/area_tree.html", context)


def _require_importer(request: HttpRequest) -> None:
    if not has_role(request.user, PostRole.STREET_OFFICIAL):
        raise Http404


@login_required
def area_import(request: HttpRequest) -> HttpResponse:
    """Upload step: store the file under a token and show its preview."""
    _require_importer(request)
    form = AreaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = import_store.upload_store(
            user_id=request.user.pk, filename=upload.name, content=upload.read()
        )
        return redirect(f"{reverse('grids:area_import_preview')}?token={token}")
    return render(request, "grids/area_import.html", {"form": form})


def _stored_upload(request: HttpRequest, token: str) -> import_store.StoredUpload | None:
    """The user's uploaded file for ``token``, or None with a message to upload again."""
    stored = import_store.upload_load(user_id=request.user.pk, token=token)
    if stored is None:
        messages.error(request, _("导入文件已过期或不存在，请重新上传。"))
    return stored


@login_required
def area_import_preview(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    token = request.GET.get("token", "")
    stored = _stored_upload(request, token)
    if stored is None:
        return redirect("grids:area_import")
    plan = plan_area_import(content=stored.content, filename=stored.filename, user=request.user)
    context = {
        "plan": plan,
        "token": token,
        "filename": stored.filename,
        "rows_shown": plan.rows[:PREVIEW_ROWS_SHOWN],
        "rows_hidden": max(0, len(plan.rows) - PREVIEW_ROWS_SHOWN),
        "create_count": len(plan.rows_with(CREATE)),
        "update_count": len(plan.rows_with(UPDATE)),
    }
    return render(request, "grids/area_import_preview.html", context)


@require_POST
@login_required
def area_import_confirm(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    token = request.POST.get("token", "")
    stored = _stored_upload(request, token)
    if stored is None:
        return redirect("grids:area_import")
    try:
        result = services.area_import(
            user=request.user, content=stored.content, filename=stored.filename
        )
    except ValidationError:
        messages.error(request, _("文件未通过校验，没有导入任何数据。"))
        return redirect(f"{reverse('grids:area_import_preview')}?token={token}")
    import_store.upload_discard(user_id=request.user.pk, token=token)
    audit.record(
        action="config.area_import",
        actor=request.user,
        ip=client_ip(request),
        summary=f"{stored.filename}: +{result.created} ~{result.renamed} ={result.unchanged}",
    )
    messages.success(
        request,
        _("导入完成：新建 %(created)d 个，改名 %(renamed)d 个，未变 %(unchanged)d 个。")
        % {"created": result.created, "renamed": result.renamed, "unchanged": result.unchanged},
    )
    return redirect("grids:area_tree")
