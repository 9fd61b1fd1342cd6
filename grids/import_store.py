"""Where an uploaded area file waits between the preview and the confirmation.

The bytes go into the cache (shared by every web process: files or Redis) under a
random token bound to the uploading user, and expire on their own. The token only
finds the bytes again; the confirm step re-validates them from scratch.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.core.cache import cache

TTL_SECONDS = 30 * 60
# What ``secrets.token_urlsafe(24)`` gives; anything else was never issued.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class StoredUpload:
    filename: str
    content: bytes


def _key(*, user_id: int, token: str) -> str:
    return f"grids:area-import:{user_id}:{token}"


def upload_store(*, user_id: int, filename: str, content: bytes) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(
        _key(user_id=user_id, token=token), {"filename": filename, "content": content}, TTL_SECONDS
    )
    return token


def upload_load(*, user_id: int, token: str) -> StoredUpload | None:
    if not TOKEN_SHAPE.match(token or ""):
        return None
    data = cache.get(_key(user_id=user_id, token=token))
    if not isinstance(data, dict):
        return None
    return StoredUpload(filename=data["filename"], content=data["content"])


def upload_discard(*, user_id: int, token: str) -> None:
    if not TOKEN_SHAPE.match(token or ""):
        return
    cache.delete(_key(user_id=user_id, token=token))
