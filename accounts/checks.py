"""System checks for production: no account may keep a password that is publicly known.

The demo loader gives every demo login the README's password; production must not carry
such an account. The check runs where the database is available to checks (``migrate``,
``check --database default``) and only under ``DJANGO_ENV=production``. Hashing is slow
by design, so it tries the known passwords on the accounts where they can be: the
superusers, the demo's names (``admin``, ``demo_*``), and any set of accounts sharing
one password hash (only a bulk loader makes those).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

KNOWN_PASSWORDS = ("sidan-demo-2026", "admin", "password", "sidan", "123456", "12345678")


def known_passwords() -> set[str]:
    return {*KNOWN_PASSWORDS, settings.SIDAN_DEMO_PASSWORD}


def accounts_with_known_password() -> list[str]:
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    User = get_user_model()
    shared = (
        User.objects.values("password").annotate(n=Count("pk")).filter(n__gt=1).values("password")
    )
    suspects = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(username="admin")
        | Q(username__startswith="demo_")
        | Q(password__in=shared)
    )
    checked: dict[str, bool] = {}
    found = []
    for user in suspects.order_by("username"):
        if user.password not in checked:
            checked[user.password] = any(user.check_password(p) for p in known_passwords())
        if checked[user.password]:
            found.append(user.username)
    return found


@register(Tags.security, Tags.database, deploy=False)
def check_known_passwords(app_configs=None, databases=None, **kwargs) -> list[Error]:
    if not getattr(settings, "PRODUCTION", False) or not databases:
        return []
    from django.contrib.auth import get_user_model
    from django.db import connection

    if get_user_model()._meta.db_table not in connection.introspection.table_names():
        return []  # before the first migrate: no accounts yet
    found = accounts_with_known_password()
    if not found:
        return []
    return [
        Error(
            f"{len(found)} account(s) have a publicly known password: {', '.join(found[:20])}.",
            hint="Set a new password (manage.py changepassword NAME) or deactivate them; "
            "the demo must never be loaded in production.",
            id="sidan.E001",
        )
    ]


@register(Tags.security)
def check_two_factor_in_production(app_configs=None, **kwargs) -> list[Error]:
    if getattr(settings, "PRODUCTION", False) and not settings.SIDAN_2FA_REQUIRED:
        return [
            Error(
                "SIDAN_2FA_REQUIRED is off in production.",
                hint="Two-factor login for street officials and superusers cannot be off here.",
                id="sidan.E002",
            )
        ]
    return []
