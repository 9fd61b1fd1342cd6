"""One-time codes sent to residents' phones."""

from __future__ import annotations

from django.db import models


class PhoneVerification(models.Model):
    """A one-time code sent to a resident's phone; expires and is attempt-limited."""

    phone = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
