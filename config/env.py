"""Everything configurable comes from the environment (see .env.example).

With nothing set, Sidan runs on an embedded default: SQLite in WAL mode and a
file-based Celery broker, both under ``var/``. ``DATABASE_URL`` and ``REDIS_URL``
switch to PostgreSQL and Redis, which is how production runs.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("SIDAN_VAR_DIR", default=str(BASE_DIR / "var")))
