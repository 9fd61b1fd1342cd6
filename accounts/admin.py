"""The user admin with the account controls: an administrator-driven password reset and
removing a lost authenticator. Both end the user's sessions everywhere."""

from __future__ import annotations

import secrets

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import PasswordReset
from accounts.signals import end_sessions
from core import audit

User = get_user_model()


def temporary_password() -> str:
    """Twelve random characters from an alphabet without look-alikes (0/O, 1/l/I)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def reset_password(*, user, by) -> str:
    """Give the user a one-off password they must change at their next login."""
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    PasswordReset.objects.update_or_create(user=user, defaults={"reset_by": by})
    end_sessions(user=user)
    audit.record(action="account.password_reset", actor=by, target=user, summary=user.username)
    return password


try:
    admin.site.unregister(User)
except admin.sites.NotRegistered:  # pragma: no cover - the default admin registers it
    pass


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    actions = ["reset_passwords", "reset_two_factor"]

    @admin.action(description=gettext_lazy("重置密码（生成临时密码，下次登录必须修改）"))
    def reset_passwords(self, request, queryset) -> None:
        for user in queryset.order_by("username"):
            password = reset_password(user=user, by=request.user)
            messages.warning(
                request,
                _("临时密码 %(user)s：%(password)s（只显示这一次，请当面或电话告知本人）")
                % {"user": user.username, "password": password},
            )

    @admin.action(description=gettext_lazy("重置两步验证（丢失手机时；下次登录重新绑定）"))
    def reset_two_factor(self, request, queryset) -> None:
        count = 0
        for user in queryset:
            TOTPDevice.objects.filter(user=user).delete()
            end_sessions(user=user)
            audit.record(
                action="account.2fa_reset", actor=request.user, target=user, summary=user.username
            )
            count += 1
        messages.success(request, _("已为 %(count)d 个账号重置两步验证。") % {"count": count})
