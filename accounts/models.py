"""What the account controls keep: each staff session, and resets not yet followed up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffSession(models.Model):
    """One signed-in session of a staff user, so that all of them can be ended at once.

    Written on login, removed on logout; ``end_sessions`` deletes the sessions themselves
    when the user is deactivated or loses their last post.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")


class PasswordReset(models.Model):
    """An administrator reset this user's password: they must choose a new one first."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_reset"
    )
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("密码重置")
        verbose_name_plural = _("密码重置")
