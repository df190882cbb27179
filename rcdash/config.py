"""Settings: paths, environment variables and the plan's fixed facts."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
DEFAULT_DB_PATH = DATA_DIR / "rcdash.duckdb"
DB_ENV_VAR = "RCDASH_DB"

CITY_CODE = "3306"
CITY_NAME = "绍兴市"
# The plan runs 2020-01-01 … 2022-12-31; its targets are end-of-2022 values.
PLAN_START = date(2020, 1, 1)
PLAN_END = date(2022, 12, 31)


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database path: an explicit one, else $RCDASH_DB, else data/rcdash.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DB_ENV_VAR)
    return Path(env) if env else DEFAULT_DB_PATH


def current_user() -> str:
    """Who runs a CLI command, for the import log (sign-in arrives with the admin page)."""
    return os.environ.get("RCDASH_USER") or os.environ.get("USER") or "cli"
