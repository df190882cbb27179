"""Sign-in widgets: the form, the account line in the sidebar, and the admin gate for changing data."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from rcdash import config
from rcdash.admin.users import AuthError, User, has_users, sign_in

SESSION_KEY = "rcdash_user"


def users_store() -> Path:
    """The user store of the database this app serves."""
    return config.users_path(config.db_path())


def current_user() -> User | None:
    """Who is signed in in this browser session."""
    return st.session_state.get(SESSION_KEY)


def sign_in_form(purpose: str) -> None:
    """A sign-in form; on success the session remembers the user and the page reruns."""
    store = users_store()
    if not has_users(store):
        st.warning(
            f"还没有可登录的用户，无法{purpose}。请在服务器上运行 "
            "`python -m rcdash users add 用户名 --role admin` 创建管理员（系统不设默认密码）。",
            icon=":material/key:",
        )
        return
    with st.form("sign_in", border=True):
        st.markdown(f"**登录后{purpose}**")
        name = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        if st.form_submit_button("登录", type="primary"):
            try:
                st.session_state[SESSION_KEY] = sign_in(store, name, password)
            except AuthError as exc:
                st.error(str(exc), icon=":material/error:")
                return
            st.rerun()


def account_sidebar() -> None:
    """The signed-in user and a sign-out button, in the sidebar."""
    user = current_user()
    if user is None:
        return
    with st.sidebar:
        st.caption(f"已登录：{user.label}")
        if st.button("退出登录", key="sign_out"):
            del st.session_state[SESSION_KEY]
            st.rerun()


def require_viewer_sign_in() -> None:
    """When the settings say so, nobody sees anything before signing in."""
    if config.viewers_must_sign_in() and current_user() is None:
        st.title("绍兴红十字基层组织建设看板")
        sign_in_form("查看看板")
        st.stop()


def require_admin(purpose: str) -> User | None:
    """The signed-in admin, or None after showing why and how to sign in (the page carries on read-only)."""
    user = current_user()
    if user is not None and user.is_admin:
        return user
    if user is not None:
        st.info(f"当前用户 {user.label} 不是管理员，只有管理员可以{purpose}。", icon=":material/lock:")
        return None
    sign_in_form(purpose)
    return None
