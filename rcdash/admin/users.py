"""Sign-in: users with argon2 password hashes, roles, and a lock after repeated failures (no Streamlit).

Users live in a small SQLite file beside the database rather than in DuckDB: failed attempts must be written
while the dashboard only reads published snapshots, and SQLite serialises those tiny writes between processes.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = {"admin": "管理员", "viewer": "查看者"}
MAX_FAILED_ATTEMPTS = 5  # then the name is locked…
LOCK_SECONDS = 5 * 60  # …for five minutes
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 64
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
    password_hash TEXT NOT NULL,
    created_at    REAL NOT NULL,
    failed        INTEGER NOT NULL DEFAULT 0,
    locked_until  REAL NOT NULL DEFAULT 0
)
"""


class AuthError(Exception):
    """A sign-in or user-management problem; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class User:
    """A signed-in user."""

    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        """Whether the user may import, undo and upload photos."""
        return self.role == "admin"


def _open(path: Path) -> sqlite3.Connection:
    """The user store, created on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10, isolation_level=None)  # explicit transactions below
    con.execute(SCHEMA)
    return con


def _check_name(name: str) -> str:
    """A usable user name."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or any(c.isspace() for c in name):
        raise AuthError(f"用户名不能为空、不能含空格，且不超过 {MAX_NAME_LENGTH} 个字符")
    return name


def add_user(path: Path, name: str, role: str, password: str) -> User:
    """Create a user (or replace its role and password)."""
    name = _check_name(name)
    if role not in ROLES:
        raise AuthError(f"角色应为 {' 或 '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    digest = _HASHER.hash(password)
    con = _open(path)
    try:
        con.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, "
            "failed = 0, locked_until = 0",
            (name, role, digest, time.time()),
        )
    finally:
        con.close()
    return User(name, role)


def remove_user(path: Path, name: str) -> bool:
    """Delete a user; whether it existed."""
    con = _open(path)
    try:
        return con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0
    finally:
        con.close()


def list_users(path: Path) -> list[tuple[str, str, bool]]:
    """(name, role, locked now) of every user."""
    if not path.exists():
        return []
    con = _open(path)
    try:
        now = time.time()
        return [(n, r, lu > now) for n, r, lu in con.execute("SELECT name, role, locked_until FROM users ORDER BY name")]
    finally:
        con.close()


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
        row = con.execute("SELECT role, password_hash, failed, locked_until FROM users WHERE name = ?",
                          (name.strip(),)).fetchone()
        if row is None:
            con.execute("COMMIT")
            _HASHER.hash(password)  # spend the same time as a real check, so names cannot be probed by timing
            raise wrong
        role, digest, failed, locked_until = row
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
        return User(name.strip(), role)
    finally:
        if con.in_transaction:
            con.execute("ROLLBACK")
        con.close()
