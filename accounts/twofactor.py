"""Who must sign in with a second factor (TOTP, django-otp), and their authenticator device."""

from __future__ import annotations

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from grids.access import access_for


def requires_2fa(user) -> bool:
    """Superusers and holders of a post in ``SIDAN_2FA_ROLES`` (street officials)."""
    if not settings.SIDAN_2FA_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    access = access_for(user)
    return access.is_superuser or bool(access.roles & set(settings.SIDAN_2FA_ROLES))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled; one per user, made on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device
