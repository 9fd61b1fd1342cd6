"""Benchmark settings (``make bench``): production's stack on loopback, refused in production.

What differs from production, and why:

* served over plain HTTP on 127.0.0.1 (no TLS proxy on a benchmark box), so the HTTPS
  redirect, HSTS and secure cookies of ``DJANGO_ENV=production`` are off; DEBUG is off;
* ``SIDAN_BENCH_TRUST_PHONE``: the resident form treats the posted phone as proven (no SMS
  code round trip), so the submit POST can be driven by ``wrk``;
* ``ROOT_URLCONF`` adds the ceiling view ``/bench/ceiling/`` (a bare 25-row table from one
  indexed query) and ``BenchQueryCountMiddleware`` sends ``X-Bench-Queries`` (the number of
  SQL statements the request ran) so the harness can report queries per request.

Importing this module with ``DJANGO_ENV=production`` fails: production can never run it.
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import MIDDLEWARE, PRODUCTION

if PRODUCTION:
    raise ImproperlyConfigured(
        "config.settings.bench is for the benchmark only and refuses DJANGO_ENV=production."
    )

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SIDAN_BENCH_TRUST_PHONE = True
ROOT_URLCONF = "config.bench_urls"
MIDDLEWARE = ["config.bench_views.BenchQueryCountMiddleware", *MIDDLEWARE]
