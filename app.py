"""rcdash: the Streamlit entry point — page config and navigation."""

import streamlit as st

from rcdash.config import REPO_ROOT

st.set_page_config(
    page_title="绍兴红十字基层组织建设看板",
    page_icon=str(REPO_ROOT / "static" / "favicon.png"),
    layout="wide",
)

pages = [
    st.Page("pages/data_status.py", title="数据概况", icon=":material/database:", default=True),
]
st.navigation(pages).run()
