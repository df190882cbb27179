"""数据管理: upload a file, read the dry run, confirm the import (admins) or submit it (county users, DESIGN §9),
the county submissions, the import log with undo, templates."""

import streamlit as st

from rcdash.ui import admin, submissions
from rcdash.ui.auth import current_user, require_admin
from rcdash.ui.data import db_key
from rcdash.ui.page import page_start

con, _ = page_start("数据管理", "导入区县、乡镇报送的表格：先校验、后导入；每次导入都有记录，可以撤销。", filters=False)
admin.linked_import()  # opened from 数据质量 at one import
upload_tab, submissions_tab, log_tab, photo_tab, template_tab = st.tabs(
    ["导入数据", "区县报送", "导入记录与撤销", "项目照片", "模板下载"])
signed_in = current_user()
with upload_tab:
    if signed_in is not None and signed_in.is_county:  # a county user's upload is a submission, never an import
        submissions.county_upload(signed_in)
        user = None
    else:
        user = require_admin("导入数据或撤销导入")
        admin.upload_and_import(db_key(), user)
with submissions_tab:
    submissions.submissions_panel(signed_in)
with log_tab:
    admin.import_log(user)
with photo_tab:
    admin.photo_upload(user)
with template_tab:
    admin.templates()
    admin.server_notes(user)
