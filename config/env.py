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


def filesystem_broker_options(folder: Path) -> dict:
    """Kombu's file transport under ``folder`` (created): the embedded default broker."""
    for sub in ("out", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "out"),
        "data_folder_out": str(folder / "out"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
