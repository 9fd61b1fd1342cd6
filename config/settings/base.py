"""Settings for every environment; values come from the environment only."""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, VAR_DIR, env, filesystem_broker_options

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    # Former keys still accepted for signatures (sessions, reset links) while they expire.
    SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
    # The same bar as Django's deploy check (security.W009), enforced at startup.
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is too weak for production: use at least 50 characters with at "
            "least 5 different ones, e.g. "
            'python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production"
    )

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
# The public base URL used in QR codes and tracking links sent to residents (`make run`
# sets it from PORT); in development its host is allowed too, so a phone on the same
# network can open the demo at that address.
SIDAN_PUBLIC_BASE_URL = env.str("SIDAN_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
_DEV_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
_PUBLIC_HOST = urlsplit(SIDAN_PUBLIC_BASE_URL).hostname
if _PUBLIC_HOST and _PUBLIC_HOST not in _DEV_HOSTS:
    _DEV_HOSTS.append(_PUBLIC_HOST)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else _DEV_HOSTS)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "core",
    "accounts",
    "grids",
    "parties",
    "orders",
    "open311",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their long cache; everything else is checked.
    "config.security.RequestLimitsMiddleware",
    "config.security.ResponseHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffAccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.security.AdminBadInputMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grids.context_processors.staff_navigation",
            ],
        },
    }
]

# --- database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # The application's sessions (docs/scale.md): every page runs short indexed
        # statements on data that sits in memory. JIT off — it compiled a plan whose
        # estimated cost was high (a correlated EXISTS over the area tree) for 100-200 ms
        # before running it for 1 ms; random_page_cost 1.1 (SSD, cached) — at the default 4
        # the planner read every pending callback of the city rather than probing the
        # community's 60 orders by index.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "options", env.str("SIDAN_PG_OPTIONS", default="-c jit=off -c random_page_cost=1.1")
        )
    if env.bool("SIDAN_DB_POOL", default=False) and "postgresql" in DATABASES["default"]["ENGINE"]:
        # psycopg's connection pool, one per process (docs/deployment.md); Django requires
        # persistent connections off when pooling.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("SIDAN_DB_POOL_MIN", default=2),
            "max_size": env.int("SIDAN_DB_POOL_MAX", default=8),
            "timeout": env.int("SIDAN_DB_POOL_TIMEOUT", default=10),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "sidan.sqlite3",
            "OPTIONS": {
                # WAL lets the web server, the worker and beat read while one writes;
                # IMMEDIATE takes the write lock up front so concurrent writers wait
                # (busy timeout) instead of failing with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and Celery -----------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    # A file cache is shared by the web server, the worker and beat (locmem is not).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(VAR_DIR / "celery-broker")
# django-axes warns on a file cache; ours is shared by every process of the one host.
SILENCED_SYSTEM_CHECKS: list[str] = [] if REDIS_URL else ["axes.W001"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Exactly one beat schedules (config/beat.py): a Redis lock, renewed on every tick.
CELERY_BEAT_SCHEDULER = "config.beat.LockedScheduler"
SIDAN_BEAT_LOCK_KEY = env.str("SIDAN_BEAT_LOCK_KEY", default="sidan:beat-lock")
SIDAN_BEAT_LOCK_SECONDS = env.int("SIDAN_BEAT_LOCK_SECONDS", default=60)
# How often the worker proves it is alive for /healthz, and how stale a heartbeat may be.
SIDAN_WORKER_HEARTBEAT_SECONDS = env.int("SIDAN_WORKER_HEARTBEAT_SECONDS", default=10)
SIDAN_WORKER_HEARTBEAT_MAX_AGE = env.int("SIDAN_WORKER_HEARTBEAT_MAX_AGE", default=60)

# --- auth (README "Security") ----------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before any password check.
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("SIDAN_PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Offline: leetspeak, keyboard runs, repeats and known defaults folded onto the list.
    {"NAME": "accounts.validators.BreachedPatternValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sessions end after this many seconds without a request: a signed-in user's session is
# renewed by their requests, at most once a minute (accounts.middleware).
SESSION_COOKIE_AGE = env.int("SIDAN_SESSION_IDLE_SECONDS", default=2 * 60 * 60)
SIDAN_SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
# Login lockout (django-axes) on the shared cache: per account and, separately, per address.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env.int("SIDAN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("SIDAN_LOGIN_COOLOFF_MINUTES", default=15.0) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies in front of the app: the client address is the one they appended to
# X-Forwarded-For (core.clientip), used by the lockout and the code limits.
SIDAN_PROXY_COUNT = env.int("SIDAN_PROXY_COUNT", default=1 if PRODUCTION else 0)
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_VERBOSE = False
# Two-factor (TOTP, django-otp): required for these post roles and for superusers.
SIDAN_2FA_ROLES = env.list("SIDAN_2FA_ROLES", default=["street_official"])
SIDAN_2FA_REQUIRED = env.bool("SIDAN_2FA_REQUIRED", default=True)
if PRODUCTION and not SIDAN_2FA_REQUIRED:
    raise ImproperlyConfigured("SIDAN_2FA_REQUIRED cannot be turned off in production.")
OTP_TOTP_ISSUER = "Sidan 四单"

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Each language is named in itself, whatever the interface language (a reader who
# cannot read the current one must still find theirs).
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("SIDAN_MEDIA_ROOT", default=str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
SIDAN_S3_BUCKET = env.str("SIDAN_S3_BUCKET", default="")
if SIDAN_S3_BUCKET:
    # Media on shared S3-compatible storage, so several web machines serve the same photos
    # (needs the optional extra: pip install ".[s3]" — django-storages with boto3).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": SIDAN_S3_BUCKET,
            "endpoint_url": env.str("SIDAN_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("SIDAN_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("SIDAN_S3_SECRET_KEY", default="") or None,
            "region_name": env.str("SIDAN_S3_REGION", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,  # photos are private: signed, expiring URLs
            "querystring_expire": 600,
            "file_overwrite": False,
        },
    }

# --- security (README "Security") -----------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The load balancer's health check may speak plain HTTP to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    # Turning these off is a deliberate choice for a domain that cannot commit to them.
    if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        SILENCED_SYSTEM_CHECKS.append("security.W005")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    # The redirect to HTTPS is on; only a TLS proxy that itself redirects may turn it off,
    # and it has to say so.
    SIDAN_PROXY_REDIRECTS_TO_HTTPS = env.bool("SIDAN_PROXY_REDIRECTS_TO_HTTPS", default=False)
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    if not SECURE_SSL_REDIRECT and not SIDAN_PROXY_REDIRECTS_TO_HTTPS:
        raise ImproperlyConfigured(
            "DJANGO_SECURE_SSL_REDIRECT=false needs SIDAN_PROXY_REDIRECTS_TO_HTTPS=true: "
            "turn the HTTPS redirect off only behind a TLS proxy that redirects itself."
        )
    if not SECURE_SSL_REDIRECT:
        SILENCED_SYSTEM_CHECKS.append("security.W008")
# Requests with a larger body answer 413 before any view reads them (photos, imports).
SIDAN_MAX_REQUEST_BYTES = env.int("SIDAN_MAX_REQUEST_BYTES", default=20 * 1024 * 1024)
# Content-Security-Policy (django-csp): only our own files; no inline script or style and no
# eval, so htmx runs with allowEval off (templates/base.html, static/js/sidan.js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Features no page of Sidan uses are switched off for every page.
SIDAN_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "interest-cohort=()"
)

# --- email and notifications ----------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="sidan@localhost")

# --- Sidan ----------------------------------------------------------------
SIDAN_DEMO_PASSWORD = env.str("SIDAN_DEMO_PASSWORD", default="sidan-demo-2026")
# PIPL retention: days after closing (or cancelling) at which an order's resident name
# and phone are removed by the hourly task; rows per locked batch, batches per run.
SIDAN_RETENTION_DAYS = env.int("SIDAN_RETENTION_DAYS", default=365)
SIDAN_RETENTION_BATCH = env.int("SIDAN_RETENTION_BATCH", default=500)
SIDAN_RETENTION_MAX_BATCHES = env.int("SIDAN_RETENTION_MAX_BATCHES", default=20)
# QR sheets a staff user may generate per minute (a street's sheet is expensive).
SIDAN_QR_SHEETS_PER_MINUTE = env.int("SIDAN_QR_SHEETS_PER_MINUTE", default=4)

# Open311 GeoReport v2 (docs/open311.md)
SIDAN_OPEN311_ANON_PER_MINUTE = env.int("SIDAN_OPEN311_ANON_PER_MINUTE", default=120)
SIDAN_OPEN311_CONTACT = env.str("SIDAN_OPEN311_CONTACT", default="")
SIDAN_OPEN311_MEDIA_MAX_BYTES = env.int("SIDAN_OPEN311_MEDIA_MAX_BYTES", default=5 * 1024 * 1024)
SIDAN_OPEN311_MEDIA_TIMEOUT = env.int("SIDAN_OPEN311_MEDIA_TIMEOUT", default=10)
SIDAN_OPEN311_MEDIA_ALLOW_PRIVATE = env.bool("SIDAN_OPEN311_MEDIA_ALLOW_PRIVATE", default=False)
# Development only (`make run` turns it on): the staff outbox shows one-time codes and the
# console sender logs codes and tracking links (core.redact). Production refuses it.
SIDAN_DEV_REVEAL_SECRETS = env.bool("SIDAN_DEV_REVEAL_SECRETS", default=False)
# Only config.settings.bench (which production refuses) turns this on: the resident form
# then takes the posted phone as proven. Not read from the environment on purpose.
SIDAN_BENCH_TRUST_PHONE = False
if PRODUCTION and SIDAN_DEV_REVEAL_SECRETS:
    raise ImproperlyConfigured("SIDAN_DEV_REVEAL_SECRETS cannot be on in production.")
# One-time code sends, counted in the shared cache: per client address per hour and for the
# whole site per minute (per phone and per session limits are in orders/verification.py).
SIDAN_OTP_SENDS_PER_IP_HOUR = env.int("SIDAN_OTP_SENDS_PER_IP_HOUR", default=10)
SIDAN_OTP_SENDS_PER_MINUTE = env.int("SIDAN_OTP_SENDS_PER_MINUTE", default=120)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- time limits, the deadline sweep and notifications (docs/deadlines.md) --------
# Working hours for "working hours" limits, Asia/Shanghai local time.
SIDAN_WORKDAY_START = env.str("SIDAN_WORKDAY_START", default="09:00")
SIDAN_WORKDAY_END = env.str("SIDAN_WORKDAY_END", default="17:30")
# Share of the resolution limit at which the handler is chased, when no policy row says.
# The dispatch limit per urgency when a category has no policy row (limit, unit): the
# policy rows carry their own (seeded with the same values).
SIDAN_DISPATCH_LIMITS = {
    "emergency": (env.int("SIDAN_DISPATCH_EMERGENCY_MINUTES", default=30), "minutes"),
    "urgent": (env.int("SIDAN_DISPATCH_URGENT_WORKING_HOURS", default=2), "working_hours"),
    "normal": (env.int("SIDAN_DISPATCH_NORMAL_WORKING_DAYS", default=1), "working_days"),
}
# 小区吹哨、部门报到 (issue 12): (report limit, resolve limit) per urgency, used where a
# category has no deadline policy row (the policy's whistle columns win; docs/departments.md).
SIDAN_WHISTLE_LIMITS = {
    "emergency": (
        (env.int("SIDAN_WHISTLE_REPORT_EMERGENCY_MINUTES", default=30), "minutes"),
        (env.int("SIDAN_WHISTLE_RESOLVE_EMERGENCY_HOURS", default=24), "hours"),
    ),
    "urgent": (
        (env.int("SIDAN_WHISTLE_REPORT_HOURS", default=2), "hours"),
        (env.int("SIDAN_WHISTLE_RESOLVE_URGENT_WORKING_DAYS", default=2), "working_days"),
    ),
    "normal": (
        (env.int("SIDAN_WHISTLE_REPORT_HOURS", default=2), "hours"),
        (env.int("SIDAN_WHISTLE_RESOLVE_WORKING_DAYS", default=3), "working_days"),
    ),
}
SIDAN_CHASE_SHARE = env.float("SIDAN_CHASE_SHARE", default=0.75)
SIDAN_RATING_REMINDER_HOURS = env.int("SIDAN_RATING_REMINDER_HOURS", default=24)
SIDAN_CALLBACK_AFTER_DAYS = env.int("SIDAN_CALLBACK_AFTER_DAYS", default=3)
SIDAN_RATING_WINDOW_DAYS = env.int("SIDAN_RATING_WINDOW_DAYS", default=7)
# The sweep: how often beat runs it, rows per locked batch, batches per rule per run.
SIDAN_SWEEP_SECONDS = env.float("SIDAN_SWEEP_SECONDS", default=60.0)
SIDAN_SWEEP_BATCH = env.int("SIDAN_SWEEP_BATCH", default=200)
SIDAN_SWEEP_MAX_BATCHES = env.int("SIDAN_SWEEP_MAX_BATCHES", default=50)
# Set-based batches (writes of a batch in a few statements); off: order by order.
SIDAN_SWEEP_BULK = env.bool("SIDAN_SWEEP_BULK", default=True)
# Outbox delivery: attempts before "failed", first backoff (doubles each time, capped),
# and how long a pending message waits for its own delivery task before the sweep sends it.
SIDAN_OUTBOX_MAX_ATTEMPTS = env.int("SIDAN_OUTBOX_MAX_ATTEMPTS", default=6)
SIDAN_OUTBOX_BACKOFF_SECONDS = env.int("SIDAN_OUTBOX_BACKOFF_SECONDS", default=30)
SIDAN_OUTBOX_BACKOFF_MAX_SECONDS = env.int("SIDAN_OUTBOX_BACKOFF_MAX_SECONDS", default=3600)
SIDAN_OUTBOX_GRACE_SECONDS = env.int("SIDAN_OUTBOX_GRACE_SECONDS", default=30)
# The concrete outbox model (core.models.AbstractOutboxMessage plus what messages are about).
SIDAN_OUTBOX_MODEL = "orders.OutboxMessage"
# Sender class per channel; "console" logs, "email" uses EMAIL_BACKEND, "sms" a gateway.
SIDAN_SENDERS = {
    "console": env.str("SIDAN_SENDER_CONSOLE", default="core.senders.ConsoleSender"),
    "email": env.str("SIDAN_SENDER_EMAIL", default="core.senders.EmailSender"),
    "sms": env.str("SIDAN_SENDER_SMS", default="core.senders.ConsoleSender"),
}
SIDAN_SMS_GATEWAY_URL = env.str("SIDAN_SMS_GATEWAY_URL", default="")
SIDAN_SMS_GATEWAY_KEY = env.str("SIDAN_SMS_GATEWAY_KEY", default="")
SIDAN_SMS_GATEWAY_TIMEOUT = env.float("SIDAN_SMS_GATEWAY_TIMEOUT", default=10.0)
# How staff are told (chase, overdue, assignment): "console" (by username) or "email".
SIDAN_STAFF_CHANNEL = env.str("SIDAN_STAFF_CHANNEL", default="console")
# The due-visit reminder: how often beat checks, and the local hour from which it sends
# (each grid worker gets at most one a day: docs/grid-work.md).
SIDAN_VISIT_REMINDER_SECONDS = env.float("SIDAN_VISIT_REMINDER_SECONDS", default=900.0)
SIDAN_VISIT_REMINDER_HOUR = env.int("SIDAN_VISIT_REMINDER_HOUR", default=8)
# The community notice SMS digest: how often beat checks, and the local hour it sends from.
SIDAN_NOTICE_DIGEST_SECONDS = env.float("SIDAN_NOTICE_DIGEST_SECONDS", default=900.0)
SIDAN_NOTICE_DIGEST_HOUR = env.int("SIDAN_NOTICE_DIGEST_HOUR", default=18)

# Dashboards (issue 9, docs/dashboards.md): 满意率 = (满意 + w × 基本满意) ÷ rated, w below;
# the composite score's weights; how often beat brings the figures' rollup up to date.
SIDAN_SATISFACTION_BASIC_WEIGHT = env.float("SIDAN_SATISFACTION_BASIC_WEIGHT", default=0.8)
SIDAN_SCORE_WEIGHTS = {
    "response": env.float("SIDAN_SCORE_WEIGHT_RESPONSE", default=0.3),
    "resolution": env.float("SIDAN_SCORE_WEIGHT_RESOLUTION", default=0.3),
    "satisfaction": env.float("SIDAN_SCORE_WEIGHT_SATISFACTION", default=0.4),
}
SIDAN_STATS_FILL_SECONDS = env.float("SIDAN_STATS_FILL_SECONDS", default=60.0)
# Rankings (红黑榜): a unit with fewer orders in the month is listed but not ranked.
SIDAN_RANKING_MIN_ORDERS = env.int("SIDAN_RANKING_MIN_ORDERS", default=5)
# Exports with more rows than this run as a Celery task (ExportJob).
SIDAN_EXPORT_SYNC_MAX_ROWS = env.int("SIDAN_EXPORT_SYNC_MAX_ROWS", default=3000)
# Longer exports run in the background; their files are deleted after this many hours.
SIDAN_EXPORT_KEEP_HOURS = env.int("SIDAN_EXPORT_KEEP_HOURS", default=72)
# Dispatchers get 特急/紧急 new orders at once, the others in a digest this often.
SIDAN_NEW_ORDER_DIGEST_MINUTES = env.int("SIDAN_NEW_ORDER_DIGEST_MINUTES", default=60)
# How often the board polls its counts (seconds).
SIDAN_BOARD_POLL_SECONDS = env.int("SIDAN_BOARD_POLL_SECONDS", default=30)

CELERY_BEAT_SCHEDULE = {
    "stats-fill": {
        "task": "orders.stats_fill",
        "schedule": SIDAN_STATS_FILL_SECONDS,
        "options": {"expires": SIDAN_STATS_FILL_SECONDS},
    },
    "worker-heartbeat": {
        "task": "grids.worker_heartbeat",
        "schedule": float(SIDAN_WORKER_HEARTBEAT_SECONDS),
    },
    # A sweep message older than one interval is dropped: the next tick does the same work.
    "new-order-digest": {
        "task": "orders.new_order_digest",
        "schedule": float(SIDAN_NEW_ORDER_DIGEST_MINUTES * 60),
    },
    "deadline-sweep": {
        "task": "orders.sweep",
        "schedule": SIDAN_SWEEP_SECONDS,
        "options": {"expires": SIDAN_SWEEP_SECONDS},
    },
    # PIPL retention: closed orders' names and phones are removed after SIDAN_RETENTION_DAYS.
    "anonymise-expired": {
        "task": "orders.anonymise_expired",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    "export-purge": {
        "task": "orders.export_purge",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    "notice-digest": {
        "task": "orders.notice_digest",
        "schedule": SIDAN_NOTICE_DIGEST_SECONDS,
        "options": {"expires": SIDAN_NOTICE_DIGEST_SECONDS},
    },
    "visit-reminders": {
        "task": "grids.visit_reminders",
        "schedule": SIDAN_VISIT_REMINDER_SECONDS,
        "options": {"expires": SIDAN_VISIT_REMINDER_SECONDS},
    },
}
# Hands a micro-project proposal needs in a community without its own threshold.
SIDAN_PROJECT_HANDS_DEFAULT = env.int("SIDAN_PROJECT_HANDS_DEFAULT", default=10)

# Party members and micro-wishes (docs/party.md).
# An open wish nobody claimed for this many days is highlighted to staff and may be released
# to the whole street.
SIDAN_WISH_STALE_DAYS = env.int("SIDAN_WISH_STALE_DAYS", default=7)
# Points per source (积分规则): a confirmed wish, a commitment's first fulfilment, an hour of
# recorded volunteer service.
SIDAN_POINTS_WISH = env.int("SIDAN_POINTS_WISH", default=10)
SIDAN_POINTS_COMMITMENT = env.int("SIDAN_POINTS_COMMITMENT", default=5)
SIDAN_POINTS_SERVICE_HOUR = env.int("SIDAN_POINTS_SERVICE_HOUR", default=2)
# A pool order (党员接单) closed 满意 / 基本满意 by the member who claimed it.
SIDAN_POINTS_POOL_ORDER = env.int("SIDAN_POINTS_POOL_ORDER", default=10)
SIDAN_POINTS_POOL_ORDER_BASIC = env.int("SIDAN_POINTS_POOL_ORDER_BASIC", default=5)
