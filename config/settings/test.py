"""Test overrides: same components as the run, faster hashing, isolated files."""

import atexit
import shutil
import tempfile
from pathlib import Path

from config.env import filesystem_broker_options
from config.settings.base import *  # noqa: F401,F403
from config.settings.base import CELERY_BROKER_URL, DATABASES, STATIC_ROOT

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sidan-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
# WhiteNoise warns on every request handler when the collectstatic target is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file (not :memory:) so live-server browser tests share the database; one per
    # run so parallel checkouts on one machine never open each other's test database.
    _test_db_dir = Path(tempfile.mkdtemp(prefix="sidan-test-db-"))
    atexit.register(shutil.rmtree, _test_db_dir, ignore_errors=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db_dir / "test.sqlite3")}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if CELERY_BROKER_URL == "filesystem://":
    # Messages a test publishes must never reach a worker of `make run` on var/.
    _broker_dir = Path(tempfile.mkdtemp(prefix="sidan-test-broker-"))
    atexit.register(shutil.rmtree, _broker_dir, ignore_errors=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(_broker_dir)
# The suite signs staff in with force_login; the two-factor tests turn this back on
# (tests/accounts/test_twofactor.py). Production refuses to start with it off.
SIDAN_2FA_REQUIRED = False
# The tests' cache is per process (locmem); django-axes warns about that, rightly so for a run.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "axes.W001"]  # noqa: F405
