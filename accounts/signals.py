"""Sessions end everywhere when a user is deactivated or loses their last post; logins,
logouts and every change made in the admin go to the audit log (``core.audit``)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import PasswordReset, StaffSession
from core import audit
from core.clientip import client_ip
from grids.models import Post

User = get_user_model()


def end_sessions(*, user) -> int:
    """Delete every session the user is signed in with; returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(StaffSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    StaffSession.objects.filter(user=user).delete()
    return len(keys)


@receiver(user_logged_in, dispatch_uid="accounts.record_session")
def record_session(sender, request, user, **kwargs) -> None:
    from accounts.middleware import MUST_CHANGE_KEY, TRACKED_KEY, renew

    if request is None or not hasattr(request, "session"):
        return
    if PasswordReset.objects.filter(user=user).exists():
        request.session[MUST_CHANGE_KEY] = True
    renew(request.session)
    if request.session.session_key is None:
        request.session.save()
    StaffSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user}
    )
    request.session[TRACKED_KEY] = request.session.session_key
    audit.record(action="login.success", actor=user, ip=client_ip(request))


@receiver(user_login_failed, dispatch_uid="accounts.audit_login_failure")
def audit_login_failure(sender, credentials, request=None, **kwargs) -> None:
    username = str((credentials or {}).get("username", ""))
    audit.record(
        action="login.failure",
        username=username,
        ip=client_ip(request) if request is not None else None,
    )


@receiver(user_logged_out, dispatch_uid="accounts.forget_session")
def forget_session(sender, request, user, **kwargs) -> None:
    if request is not None and getattr(request, "session", None) is not None:
        key = request.session.session_key
        if key:
            StaffSession.objects.filter(session_key=key).delete()
    if user is not None:
        audit.record(
            action="logout", actor=user, ip=client_ip(request) if request is not None else None
        )


ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


@receiver(post_save, sender=LogEntry, dispatch_uid="accounts.audit_admin_change")
def audit_admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    """Every add, change and delete made in the admin (configuration, users, posts,
    policies, the calendar) — mirrored from the admin's own change log."""
    if not created:
        return
    content_type = instance.content_type
    audit.record(
        action=ADMIN_ACTIONS.get(instance.action_flag, "admin.other"),
        actor=instance.user,
        target_type=content_type.app_label + "." + content_type.model if content_type else "",
        target_id=instance.object_id or "",
        summary=f"{instance.object_repr} {instance.get_change_message()}".strip(),
    )


@receiver(post_save, sender=User, dispatch_uid="accounts.end_sessions_of_inactive_user")
def end_sessions_of_inactive_user(sender, instance, created, **kwargs) -> None:
    if not created and not instance.is_active:
        end_sessions(user=instance)


@receiver(post_delete, sender=Post, dispatch_uid="accounts.end_sessions_without_posts")
def end_sessions_without_posts(sender, instance, **kwargs) -> None:
    user = User.objects.filter(pk=instance.user_id).first()
    if user is None or user.is_superuser:
        return
    if not Post.objects.filter(user_id=user.pk).exists():
        end_sessions(user=user)
