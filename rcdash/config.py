"""Settings: paths, environment variables, the settings file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
DEFAULT_DB_PATH = DATA_DIR / "rcdash.duckdb"
DB_ENV_VAR = "RCDASH_DB"

CITY_CODE = "3306"
CITY_NAME = "绍兴市"


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database path: an explicit one, else $RCDASH_DB, else data/rcdash.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DB_ENV_VAR)
    return Path(env) if env else DEFAULT_DB_PATH


def current_user() -> str:
    """Who runs a CLI command, for the import log (sign-in arrives with the admin page)."""
    return os.environ.get("RCDASH_USER") or os.environ.get("USER") or "cli"


SETTINGS_ENV_VAR = "RCDASH_SETTINGS"
DEFAULT_SETTINGS_PATH = REPO_ROOT / "settings.toml"
def settings() -> dict:
    """The optional settings file (TOML: $RCDASH_SETTINGS, else settings.toml in the repo); {} when absent."""
    import tomllib

    path = Path(os.environ.get(SETTINGS_ENV_VAR) or DEFAULT_SETTINGS_PATH)
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def configured_weights() -> dict[str, float]:
    """The annual-evaluation weights the settings file sets ([evaluation.weights]; {} when none)."""
    return {name: float(value) for name, value in settings().get("evaluation", {}).get("weights", {}).items()}


def evaluation_weights(plan_weights: Mapping[str, float]) -> dict[str, float]:
    """The annual-evaluation weights: the plan's, overridden by [evaluation.weights] in the settings file."""
    weights = dict(plan_weights)
    for name, value in configured_weights().items():
        if name in weights:
            weights[name] = float(value)
    return weights


MEDIA_ENV_VAR = "RCDASH_MEDIA"
DEFAULT_MEDIA_DIR = DATA_DIR / "media"


def media_dir() -> Path:
    """Where imported photos are stored: $RCDASH_MEDIA, else data/media."""
    env = os.environ.get(MEDIA_ENV_VAR)
    return Path(env) if env else DEFAULT_MEDIA_DIR


SUBMISSIONS_ENV_VAR = "RCDASH_SUBMISSIONS"
DEFAULT_SUBMISSIONS_DIR = DATA_DIR / "submissions"


def submissions_dir() -> Path:
    """Where the files of county submissions are kept until (and after) they are decided: $RCDASH_SUBMISSIONS,
    else data/submissions (DESIGN §9)."""
    env = os.environ.get(SUBMISSIONS_ENV_VAR)
    return Path(env) if env else DEFAULT_SUBMISSIONS_DIR


USERS_ENV_VAR = "RCDASH_USERS"


def users_path(db: Path | None = None) -> Path:
    """The sign-in store: $RCDASH_USERS, else users.sqlite beside the database."""
    env = os.environ.get(USERS_ENV_VAR)
    if env:
        return Path(env)
    return (db or db_path()).with_name("users.sqlite")


def viewers_must_sign_in() -> bool:
    """Whether everyone must sign in to see the dashboard ([auth] viewers_must_sign_in; default: no)."""
    return bool(settings().get("auth", {}).get("viewers_must_sign_in", False))


DEFAULT_MAX_UPLOAD_MB = 50  # a township's spreadsheet is far smaller; larger uploads are refused before reading


def max_upload_bytes() -> int:
    """The upload size limit of the data-management page ([import] max_upload_mb; default 50 MB)."""
    mb = settings().get("import", {}).get("max_upload_mb", DEFAULT_MAX_UPLOAD_MB)
    return int(float(mb) * 1024 * 1024)
