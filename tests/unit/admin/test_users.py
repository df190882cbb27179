"""Sign-in: argon2 hashes only, roles, five failures lock a name for five minutes, no default user."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from rcdash.admin.users import (
    LOCK_SECONDS,
    MAX_FAILED_ATTEMPTS,
    AuthError,
    User,
    add_user,
    find_user,
    has_users,
    list_accounts,
    list_users,
    sign_in,
)
from rcdash.config import REPO_ROOT

PASSWORD = "correct horse 42"


def test_no_default_user(tmp_path: Path) -> None:
    store = tmp_path / "users.sqlite"
    assert not has_users(store)
    with pytest.raises(AuthError):
        sign_in(store, "admin", "admin")


def test_hash_only_and_roles(tmp_path: Path) -> None:
    store = tmp_path / "users.sqlite"
    add_user(store, "张三", "admin", PASSWORD)
    add_user(store, "viewer1", "viewer", PASSWORD + "!")
    assert sign_in(store, "张三", PASSWORD).is_admin
    assert not sign_in(store, "viewer1", PASSWORD + "!").is_admin
    raw = store.read_bytes()
    assert PASSWORD.encode() not in raw
    (digest,) = sqlite3.connect(store).execute("SELECT password_hash FROM users WHERE name = '张三'").fetchone()
    assert digest.startswith("$argon2id$")


def test_wrong_password_and_unknown_name_say_the_same(tmp_path: Path) -> None:
    store = tmp_path / "users.sqlite"
    add_user(store, "张三", "admin", PASSWORD)
    with pytest.raises(AuthError) as wrong:
        sign_in(store, "张三", "nope-nope")
    with pytest.raises(AuthError) as unknown:
        sign_in(store, "李四", "nope-nope")
    assert str(wrong.value) == str(unknown.value)


def test_five_failures_lock_for_five_minutes(tmp_path: Path) -> None:
    store = tmp_path / "users.sqlite"
    add_user(store, "张三", "admin", PASSWORD)
    now = time.time()
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(AuthError):
            sign_in(store, "张三", "wrong-password", now=now)
    with pytest.raises(AuthError, match="锁定"):
        sign_in(store, "张三", PASSWORD, now=now + 10)  # even the right password is refused while locked
    assert list_users(store) == [("张三", "admin", True)]
    assert sign_in(store, "张三", PASSWORD, now=now + LOCK_SECONDS + 1).name == "张三"


def test_success_resets_the_count(tmp_path: Path) -> None:
    store = tmp_path / "users.sqlite"
    add_user(store, "张三", "admin", PASSWORD)
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(AuthError):
            sign_in(store, "张三", "wrong-password")
    sign_in(store, "张三", PASSWORD)
    with pytest.raises(AuthError, match="不正确"):
        sign_in(store, "张三", "wrong-password")  # counting starts again: no lock yet


def test_weak_passwords_and_bad_roles_refused(tmp_path: Path) -> None:
    store = tmp_path / "users.sqlite"
    with pytest.raises(AuthError, match="至少"):
        add_user(store, "a", "admin", "short")
    with pytest.raises(AuthError, match="角色"):
        add_user(store, "a", "root", PASSWORD)
    with pytest.raises(AuthError, match="空格"):
        add_user(store, "a b", "admin", PASSWORD)


def test_cli_users_add_from_stdin(tmp_path: Path) -> None:
    env = {**os.environ, "RCDASH_DB": str(tmp_path / "db.duckdb")}
    env.pop("RCDASH_USERS", None)
    run = [sys.executable, "-m", "rcdash", "users"]
    added = subprocess.run([*run, "add", "admin1", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n",
                           capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=60)
    assert added.returncode == 0, added.stderr
    assert sign_in(tmp_path / "users.sqlite", "admin1", PASSWORD).is_admin
    listed = subprocess.run([*run, "list"], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=60)
    assert "admin1" in listed.stdout and PASSWORD not in listed.stdout
    bad = subprocess.run([*run, "add", "x", "--role", "admin", "--password-stdin"], input="123\n",
                         capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_county_users_are_bound_to_a_reference_county(tmp_path: Path) -> None:
    store = tmp_path / "users.sqlite"
    assert add_user(store, "xinchang", "county", PASSWORD, county="新昌县").county == "330624"
    assert add_user(store, "yuecheng", "county", PASSWORD, county="330602").county == "330602"
    signed_in = sign_in(store, "xinchang", PASSWORD)
    assert (signed_in.role, signed_in.county, signed_in.is_admin) == ("county", "330624", False)
    assert signed_in.label == "xinchang（区县报送员 · 新昌县）"
    assert find_user(store, "yuecheng").county == "330602"
    with pytest.raises(AuthError, match="必须用 --county"):
        add_user(store, "c", "county", PASSWORD)
    with pytest.raises(AuthError, match="不是绍兴市的区县"):
        add_user(store, "c", "county", PASSWORD, county="330100")
    with pytest.raises(AuthError, match="只有区县用户"):
        add_user(store, "c", "admin", PASSWORD, county="330624")
    with pytest.raises(AuthError, match="没有用户"):
        find_user(store, "nobody")


def test_a_users_file_of_the_earlier_version_gains_the_county_column(tmp_path: Path) -> None:
    store = tmp_path / "users.sqlite"
    old = sqlite3.connect(store)
    old.execute("CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')), "
                "password_hash TEXT NOT NULL, created_at REAL NOT NULL, failed INTEGER NOT NULL DEFAULT 0, "
                "locked_until REAL NOT NULL DEFAULT 0)")
    old.execute("INSERT INTO users VALUES ('张三', 'admin', ?, 0, 0, 0)", (PasswordHasher().hash(PASSWORD),))
    old.commit()
    old.close()
    assert sign_in(store, "张三", PASSWORD) == User("张三", "admin", None)  # the old account still signs in
    add_user(store, "xinchang", "county", PASSWORD, county="330624")  # the old role CHECK is gone
    assert [(u.name, u.role, u.county) for u, _ in list_accounts(store)] == [
        ("xinchang", "county", "330624"), ("张三", "admin", None)]
