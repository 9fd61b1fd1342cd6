"""Two-factor devices for the demo logins that need them, so `make run` stays usable.

The demo's street official and superuser must pass two-factor login like real ones. The
loader gives each one a confirmed TOTP device (a random secret, made once and kept), and
prints the secret for an authenticator app; without a phone, ``manage.py demo_totp NAME``
prints the current code. Neither runs under production settings.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from grids.models import Post


def refuse_in_production(what: str) -> None:
    if getattr(settings, "PRODUCTION", False):
        raise CommandError(
            f"{what} refuses to run with DJANGO_ENV=production: the demo's accounts have a "
            "published password and would be a way in."
        )


def secret_of(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def enrol_demo_devices(*, usernames: list[str]) -> list[tuple[str, str]]:
    """(username, base32 secret) for each of these users that needs two-factor login."""
    refuse_in_production("Enrolling demo two-factor devices")
    street_roles = set(settings.SIDAN_2FA_ROLES)
    users = (
        get_user_model()
        .objects.filter(username__in=usernames)
        .filter(
            Q(is_superuser=True)
            | Q(pk__in=Post.objects.filter(role__in=street_roles).values("user_id"))
        )
        .order_by("username")
    )
    enrolled = []
    for user in users:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        enrolled.append((user.username, secret_of(device)))
    return enrolled


def current_code(*, username: str) -> str:
    refuse_in_production("demo_totp")
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise CommandError(f"{username} has no two-factor device.")
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
