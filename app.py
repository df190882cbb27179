"""rcdash: the Streamlit entry point — page config and navigation."""

import streamlit as st

from rcdash.config import REPO_ROOT
from rcdash.ui.auth import account_sidebar, require_viewer_sign_in
from rcdash.ui.page import untranslated_chrome

st.set_page_config(
    page_title="绍兴红十字基层组织建设看板",
    page_icon=str(REPO_ROOT / "static" / "favicon.png"),
    layout="wide",
)
untranslated_chrome()  # Streamlit's own English words: the uploader's, the tables' toolbars and menus

# One entry per page, grouped as the sidebar shows them.
sections = {
    "计划进展": [
        st.Page("pages/overview.py", title="总览", icon=":material/dashboard:", default=True),
        st.Page("pages/members.py", title="会员与人口", icon=":material/groups:"),
        st.Page("pages/teams.py", title="队伍与志愿者", icon=":material/volunteer_activism:"),
        st.Page("pages/rescue.py", title="三救三献", icon=":material/emergency:"),
        st.Page("pages/organisation.py", title="基层组织与博爱基金", icon=":material/account_tree:"),
    ],
    "规划": [
        st.Page("pages/map.py", title="地图", icon=":material/map:"),
        st.Page("pages/gaps.py", title="覆盖缺口", icon=":material/location_searching:"),
    ],
    "宣传与例会": [
        st.Page("pages/monthly.py", title="月度主题", icon=":material/calendar_month:"),
        st.Page("pages/brands.py", title="品牌展示", icon=":material/workspace_premium:"),
    ],
    "报告与数据": [
        st.Page("pages/report.py", title="报告", icon=":material/description:"),
        st.Page("pages/data_status.py", title="数据概况", icon=":material/database:"),
        st.Page("pages/reporting.py", title="报送情况", icon=":material/fact_check:"),
        st.Page("pages/quality.py", title="数据质量", icon=":material/rule:"),
        st.Page("pages/data_admin.py", title="数据管理", icon=":material/upload_file:"),
    ],
}
require_viewer_sign_in()  # only when settings.toml asks viewers to sign in too
# expanded: every page listed; collapsed, Streamlit folds the list behind its English "View N more".
page = st.navigation({name: pages for name, pages in sections.items() if pages}, expanded=True)
account_sidebar()
page.run()
