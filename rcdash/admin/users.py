"""Sign-in: users with argon2 password hashes, roles, and a lock after repeated failures (no Streamlit).

Users live in a small SQLite file beside the database rather than in DuckDB: failed attempts must be written
while the dashboard only reads published snapshots, and SQLite serialises those tiny writes between processes.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rcdash.labels import ROLE_LABELS
from rcdash.reference.divisions import load_reference_divisions

ROLES = ROLE_LABELS  # DESIGN §9
MAX_FAILED_ATTEMPTS = 5  # then the name is locked…
LOCK_SECONDS = 5 * 60  # …for five minutes
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 64
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    REAL NOT NULL,
    failed        INTEGER NOT NULL DEFAULT 0,
    locked_until  REAL NOT NULL DEFAULT 0,
    county        TEXT
)
"""
# A users file written before county users existed: the column is added (its role CHECK of the time allowed only
# admin and viewer, so such files are rebuilt without it; see _migrate).
COUNTY_COLUMN = "county"


class AuthError(Exception):
    """A sign-in or user-management problem; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class User:
    """A signed-in user."""

    name: str
    role: str
    county: str | None = None  # the county code a county user is bound to (None for admin and viewer)

    @property
    def is_admin(self) -> bool:
        """Whether the user may import, undo, approve and upload photos."""
        return self.role == "admin"

    @property
    def is_county(self) -> bool:
        """Whether the user submits data for one county (DESIGN §9)."""
        return self.role == "county"

    @property
    def label(self) -> str:
        """Name and role as the sidebar shows them, with the county of a county user."""
        county = f" · {reference_counties().get(self.county or '', self.county)}" if self.county else ""
        return f"{self.name}（{ROLES.get(self.role, self.role)}{county}）"


def _open(path: Path) -> sqlite3.Connection:
    """The user store, created on first use (and brought up to date: see _migrate)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10, isolation_level=None)  # explicit transactions below
    con.execute(SCHEMA)
    _migrate(con)
    return con


def _migrate(con: sqlite3.Connection) -> None:
    """Bring a users file of an earlier version up to date: add the county column, drop the old role CHECK."""
    columns = {row[1] for row in con.execute("PRAGMA table_info(users)")}
    if COUNTY_COLUMN in columns:
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        columns = {row[1] for row in con.execute("PRAGMA table_info(users)")}  # another process may have done it
        if COUNTY_COLUMN not in columns:
            # SQLite cannot drop a CHECK in place: the table is copied into the current definition.
            con.execute("ALTER TABLE users RENAME TO users_before_roles")
            con.execute(SCHEMA)
            con.execute("INSERT INTO users (name, role, password_hash, created_at, failed, locked_until) "
                        "SELECT name, role, password_hash, created_at, failed, locked_until FROM users_before_roles")
            con.execute("DROP TABLE users_before_roles")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@cache
def reference_counties() -> dict[str, str]:
    """The counties of the shipped reference: code → name (what a county user may be bound to)."""
    frame = load_reference_divisions()
    counties = frame[frame["level"] == "county"]
    return dict(zip(counties["code"], counties["name"], strict=True))


def county_code(text: str | None) -> str:
    """A reference county given by code or name (e.g. 330624 or 新昌县); AuthError naming the choices otherwise."""
    counties = reference_counties()
    value = (text or "").strip()
    if value in counties:
        return value
    by_name = {name: code for code, name in counties.items()}
    if value in by_name:
        return by_name[value]
    choices = "、".join(f"{code} {name}" for code, name in counties.items())
    if not value:
        raise AuthError(f"区县用户必须用 --county 指定所属区县（代码或名称）：{choices}")
    raise AuthError(f"“{value}”不是绍兴市的区县，请写区县代码或名称：{choices}")


def _check_name(name: str) -> str:
    """A usable user name."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or any(c.isspace() for c in name):
        raise AuthError(f"用户名不能为空、不能含空格，且不超过 {MAX_NAME_LENGTH} 个字符")
    return name


def add_user(path: Path, name: str, role: str, password: str, county: str | None = None) -> User:
    """Create a user (or replace its role, county and password); a county user is bound to a reference county."""
    name = _check_name(name)
    if role not in ROLES:
        raise AuthError(f"角色应为 {' / '.join(ROLES)}")
    if role == "county":
        county = county_code(county)
    elif county:
        raise AuthError(f"只有区县用户（--role county）绑定区县；{ROLES[role]}不需要 --county")
    else:
        county = None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    digest = _HASHER.hash(password)
    con = _open(path)
    try:
        con.execute(
            "INSERT INTO users (name, role, password_hash, created_at, county) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, "
            "county = excluded.county, failed = 0, locked_until = 0",
            (name, role, digest, time.time(), county),
        )
    finally:
        con.close()
    return User(name, role, county)


def remove_user(path: Path, name: str) -> bool:
    """Delete a user; whether it existed."""
    con = _open(path)
    try:
        return con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0
    finally:
        con.close()


def list_users(path: Path) -> list[tuple[str, str, bool]]:
    """(name, role, locked now) of every user."""
    return [(u.name, u.role, locked) for u, locked in list_accounts(path)]


def list_accounts(path: Path) -> list[tuple[User, bool]]:
    """Every user (with the county of county users) and whether it is locked now."""
    if not path.exists():
        return []
    con = _open(path)
    try:
        now = time.time()
        rows = con.execute("SELECT name, role, county, locked_until FROM users ORDER BY name").fetchall()
        return [(User(n, r, c), lu > now) for n, r, c, lu in rows]
    finally:
        con.close()


def find_user(path: Path, name: str) -> User:
    """The user of a name (role and county as stored), for commands that act on someone's behalf (`--by NAME`,
    `--submit-as NAME`); AuthError when there is none."""
    if path.exists():
        con = _open(path)
        try:
            row = con.execute("SELECT name, role, county FROM users WHERE name = ?", (name.strip(),)).fetchone()
        finally:
            con.close()
        if row is not None:
            return User(*row)
    raise AuthError(f"没有用户“{name}”；用 `python -m rcdash users list` 查看用户")


def has_users(path: Path) -> bool:
    """Whether anyone can sign in at all."""
    return bool(list_users(path))


def sign_in(path: Path, name: str, password: str, now: float | None = None) -> User:
    """The user when name and password match; AuthError otherwise (the same message for unknown names)."""
    now = time.time() if now is None else now
    wrong = AuthError("用户名或密码不正确")
    if not path.exists():
        raise wrong
    con = _open(path)
    try:
        con.execute("BEGIN IMMEDIATE")  # count failures exactly even when two attempts race
        row = con.execute("SELECT role, password_hash, failed, locked_until, county FROM users WHERE name = ?",
                          (name.strip(),)).fetchone()
        if row is None:
            con.execute("COMMIT")
            _HASHER.hash(password)  # spend the same time as a real check, so names cannot be probed by timing
            raise wrong
        role, digest, failed, locked_until, county = row
        if locked_until > now:
            con.execute("COMMIT")
            minutes = max(1, round((locked_until - now) / 60))
            raise AuthError(f"连续 {MAX_FAILED_ATTEMPTS} 次密码错误，该用户已锁定，请约 {minutes} 分钟后再试")
        try:
            _HASHER.verify(digest, password)
        except (VerificationError, InvalidHashError):
            failed += 1
            lock = now + LOCK_SECONDS if failed >= MAX_FAILED_ATTEMPTS else 0
            con.execute("UPDATE users SET failed = ?, locked_until = ? WHERE name = ?",
                        (0 if lock else failed, lock, name.strip()))
            con.execute("COMMIT")
            if lock:
                raise AuthError(f"连续 {MAX_FAILED_ATTEMPTS} 次密码错误，该用户已锁定 {LOCK_SECONDS // 60} 分钟") from None
            raise wrong from None
        con.execute("UPDATE users SET failed = 0, locked_until = 0 WHERE name = ?", (name.strip(),))
        con.execute("COMMIT")
        return User(name.strip(), role, county)
    finally:
        if con.in_transaction:
            con.execute("ROLLBACK")
        con.close()
