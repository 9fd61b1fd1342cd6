"""Test overrides: same components as the run, faster hashing, isolated files."""

import hashlib
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import BASE_DIR, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sidan-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One file per checkout: parallel worktrees running tests must not share (and lock) it.
    _checkout = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"sidan-test-{_checkout}.sqlite3")}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
