"""Account pages of a signed-in staff user: password change and two-factor login."""

from __future__ import annotations

import base64
import re
from io import BytesIO

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login

from accounts.middleware import MUST_CHANGE_KEY, TRACKED_KEY
from accounts.models import PasswordReset, StaffSession
from accounts.twofactor import confirmed_device, pending_device, requires_2fa
from core import audit
from core import forms as core_forms
from core.clientip import client_ip


class CodeForm(core_forms.Form):
    code = forms.CharField(
        label=gettext_lazy("动态验证码"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s+", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("请输入验证器应用显示的 6 位数字。"))
        return code


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # other sessions end; this one goes on
        StaffSession.objects.filter(user=user).exclude(
            session_key=request.session.session_key
        ).delete()
        StaffSession.objects.update_or_create(
            session_key=request.session.session_key, defaults={"user": user}
        )
        request.session[TRACKED_KEY] = request.session.session_key
        PasswordReset.objects.filter(user=user).delete()
        request.session.pop(MUST_CHANGE_KEY, None)
        audit.record(action="account.password_change", actor=user, ip=client_ip(request))
        messages.success(request, _("密码已修改。其他设备上的登录已全部退出。"))
        return redirect("home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "must_change": bool(request.session.get(MUST_CHANGE_KEY))},
    )


def _qr_svg(data: str) -> str:
    buffer = BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


@login_required
def twofactor_setup(request: HttpRequest) -> HttpResponse:
    if confirmed_device(request.user) is not None:
        return redirect("accounts:twofactor_verify")
    device = pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(action="account.2fa_enrol", actor=request.user, ip=client_ip(request))
            messages.success(request, _("两步验证已启用。以后登录时需要输入验证器应用里的动态码。"))
            return redirect(_next_url(request))
        form.add_error("code", _("动态码不正确或已过期，请看验证器应用里最新的 6 位数字。"))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/twofactor_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_data_uri": "data:image/svg+xml;base64,"
            + base64.b64encode(_qr_svg(device.config_url).encode()).decode(),
            "required": requires_2fa(request.user),
        },
    )


@login_required
def twofactor_verify(request: HttpRequest) -> HttpResponse:
    device = confirmed_device(request.user)
    if device is None:
        return redirect("accounts:twofactor_setup")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _("错误次数太多，请稍等片刻再试。"))
            status = 429
        elif device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            audit.record(action="login.2fa_failure", actor=request.user, ip=client_ip(request))
            form.add_error("code", _("动态码不正确或已过期，请看验证器应用里最新的 6 位数字。"))
    return render(
        request,
        "accounts/twofactor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


# --- the audit log (superusers only) ------------------------------------------------------

AUDIT_PAGE_SIZE = 100
AUDIT_EXPORT_LIMIT = 100_000


def _require_superuser(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise Http404


def _audit_rows(request: HttpRequest):
    from core.models import AuditEntry

    qs = AuditEntry.objects.all()
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action and re.fullmatch(r"[a-z0-9_.]{1,40}", action):
        qs = qs.filter(action__startswith=action)
    if actor and "\x00" not in actor:
        qs = qs.filter(actor=actor[:150])
    return qs, {"action": action, "actor": actor}


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_superuser(request)
    qs, filters = _audit_rows(request)
    page = Paginator(qs, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page, "filters": filters})


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The (filtered) log as .xlsx; the export itself is recorded."""
    from openpyxl import Workbook

    _require_superuser(request)
    qs, filters = _audit_rows(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("audit")
    sheet.append(
        ["time", "actor_id", "actor", "action", "target_type", "target_id", "ip", "summary"]
    )
    for entry in qs[:AUDIT_EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.append(
            [
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_id,
                entry.actor,
                entry.action,
                entry.target_type,
                entry.target_id,
                entry.ip or "",
                entry.summary,
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    audit.record(
        action="export.audit_log",
        actor=request.user,
        ip=client_ip(request),
        summary=f"filters={filters}",
    )
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="sidan-audit.xlsx"'
    return response
