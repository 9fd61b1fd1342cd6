"""API keys: ``s311_<prefix>_<secret>``; the prefix finds the client, the digest proves it."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.db import transaction
from django.utils import timezone

from open311.models import ApiClient

KEY_RE = re.compile(r"^s311_([a-z0-9]{10})_([A-Za-z0-9_-]{20,64})$")


def _digest(key: str) -> str:
    # Keys carry 190 bits of randomness: a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str, str]:
    """(key, prefix, digest) for a fresh key."""
    prefix = secrets.token_hex(5)
    key = f"s311_{prefix}_{secrets.token_urlsafe(24)}"
    return key, prefix, _digest(key)


def issue(client: ApiClient) -> str:
    """Give ``client`` a new key (the old one stops working); returns it — shown once."""
    key, prefix, digest = new_key()
    client.key_prefix, client.key_digest = prefix, digest
    client.is_active, client.revoked_at = True, None
    if client.pk:
        client.save(update_fields=["key_prefix", "key_digest", "is_active", "revoked_at"])
    return key


def revoke(client: ApiClient) -> None:
    with transaction.atomic():
        client.is_active, client.revoked_at = False, timezone.now()
        client.save(update_fields=["is_active", "revoked_at"])


def client_for_key(key: str) -> ApiClient | None:
    """The active client holding ``key``, or None — one query."""
    match = KEY_RE.match(key or "")
    if not match:
        return None
    client = (
        ApiClient.objects.select_related("area")
        .filter(key_prefix=match.group(1), is_active=True)
        .first()
    )
    if client is None or not hmac.compare_digest(client.key_digest, _digest(key)):
        return None
    return client
