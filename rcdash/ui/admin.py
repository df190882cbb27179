"""Widgets of the data-management page: upload and dry run, confirm and import, the log with undo, templates."""

from __future__ import annotations

import hashlib

import streamlit as st

from rcdash import admin, status
from rcdash.auth import User
from rcdash.config import max_upload_bytes
from rcdash.importing.kinds import KINDS
from rcdash.importing.template import template_bytes
from rcdash.ui.data import database_path, shared_cursor
from rcdash.ui.widgets import download_table

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def kind_picker() -> str:
    """Choose the import kind (Chinese label, English code)."""
    return st.selectbox("数据类型", list(KINDS), format_func=lambda k: f"{KINDS[k].zh}（{k}）：{KINDS[k].description}")


@st.cache_data(show_spinner="正在校验文件…", max_entries=16)
def _dry_run(db_key: str, kind: str, file_name: str, digest: str, _data: bytes) -> admin.ImportResult:
    """The dry run of one upload against one snapshot (cached on the file's hash)."""
    return admin.dry_run(shared_cursor(db_key), kind, file_name, _data)


def show_result(result: admin.ImportResult) -> None:
    """Counts, warnings and the error table of a dry run or an import."""
    c1, c2, c3 = st.columns(3)
    c1.metric("数据行", f"{result.rows:,}")
    c2.metric("通过", f"{result.accepted:,}")
    c3.metric("有错误", f"{result.rejected:,}")
    for warning in result.warnings:
        st.info(warning, icon=":material/info:")
    if result.errors:
        (st.error if result.exit_code == 2 else st.warning)(
            "文件无法导入：" if result.exit_code == 2 else f"{result.rejected} 行有错误，整个文件不会导入。请按下表修改后重新上传：",
            icon=":material/error:")
        download_table(admin.errors_frame(result), f"{result.kind}_错误清单")


def upload_and_import(db_key: str, user: User | None) -> None:
    """Upload → dry run → (admin) confirm → import with progress."""
    kind = kind_picker()
    upload = st.file_uploader(f"上传 CSV 或 Excel 文件（不超过 {max_upload_bytes() // 1024 // 1024} MB）",
                              type=["csv", "xlsx", "xls", "zip"], key=f"upload-{kind}")
    if upload is None:
        st.caption("先上传文件：系统会先校验（不写入），列出每一行的问题；全部通过后由管理员确认导入。")
        return
    data = upload.getvalue()
    try:
        result = _dry_run(db_key, kind, upload.name, hashlib.sha256(data).hexdigest(), data)
    except admin.UploadRefused as exc:
        st.error(str(exc), icon=":material/error:")
        return
    show_result(result)
    if result.exit_code != 0:
        return
    st.success(f"校验通过：{result.accepted:,} 行可以导入。", icon=":material/check_circle:")
    if user is None:
        return
    if st.button("确认导入", type="primary", key=f"confirm-{kind}"):
        bar = st.progress(0.0, text="正在导入…")
        done = admin.apply_import(database_path(), kind, upload.name, data, user.name,
                                  progress=lambda share, text: bar.progress(min(share, 1.0), text=text))
        bar.empty()
        if done.exit_code == 0:
            st.success(f"已导入 #{done.import_id}：新增 {done.inserted:,} 行，更新 {done.updated:,} 行。各页面已显示新数据。",
                       icon=":material/task_alt:")
        else:
            show_result(done)


def import_log(user: User | None) -> None:
    """The import log, and undo for admins."""
    log = status.recent_imports(shared_cursor(), limit=200)
    if log.empty:
        st.info("还没有导入记录。", icon=":material/history:")
        return
    download_table(log, "导入记录")
    if user is None:
        st.caption("管理员登录后可在此撤销导入（在“导入数据”页登录）。")
        return
    loaded = log[log["状态"] == "已导入"]
    if loaded.empty:
        return
    labels = {row["编号"]: f"#{row['编号']} {row['数据类型']} · {row['文件']}" for row in loaded.to_dict("records")}
    choice = st.selectbox("撤销哪一次导入", list(labels), format_func=labels.get)
    sure = st.checkbox(f"确认撤销 #{choice}：删除它导入的行，并恢复被它覆盖的旧数据")
    if st.button("撤销", disabled=not sure, key="undo"):
        try:
            outcome = admin.apply_undo(database_path(), int(choice), user.name)
        except Exception as exc:  # UndoRefused and WriterBusy carry their Chinese message
            st.error(str(exc), icon=":material/error:")
            return
        st.success(f"已撤销 #{outcome['import_id']}：删除 {outcome['removed']} 行，恢复 {outcome['restored']} 行。")
        st.rerun()


def templates() -> None:
    """A template download per kind."""
    st.caption("模板含中文表头（粉色为必填）、下拉选项、示例行和填写说明；英文表头（字段名）同样可以导入。")
    columns = st.columns(3)
    for i, (name, kind) in enumerate(KINDS.items()):
        # Each workbook is written when its button is clicked, not eleven on every visit.
        columns[i % 3].download_button(f"{kind.zh}模板", lambda kind=kind: template_bytes(kind), f"{name}_模板.xlsx",
                                       XLSX_MIME, key=f"template-{name}", icon=":material/download:", width="stretch")


def server_notes(user: User | None) -> None:
    """For signed-in administrators: the database file, the command line and the settings behind the pages.

    Leadership pages and documents speak only of 看板 and data; what is done on the server is said here.
    """
    if user is None:
        return
    with st.expander("服务器上的操作（系统管理员）", icon=":material/terminal:"):
        st.markdown(
            f"- 看板读取的数据库文件：`{database_path()}`\n"
            "- 命令行校验与导入：`python -m rcdash import 数据类型代码 文件.xlsx --dry-run`（只校验），去掉 `--dry-run` 即导入\n"
            "- 命令行生成通报：`python -m rcdash report --period 2022H2 --out 通报.docx`（或 .xlsx、.pdf），"
            "与“报告”页下载的文档相同\n"
            "- 年度工作评价的权重：`settings.toml` 的 `[evaluation.weights]`（样例见 `settings.example.toml`）\n"
            "- 区划代码与乡镇近似范围的来源：`data/reference/PROVENANCE.md`、`geo/PROVENANCE.md`"
        )


def photo_upload(user: User | None) -> None:
    """Attach one photo to one 一地一品 project (administrators)."""
    projects = admin.brand_choices(shared_cursor())
    if projects.empty:
        st.info("还没有“一地一品”项目。先在“导入数据”中导入“一地一品”数据（可带照片的 ZIP 包），再在这里逐个补充照片。",
                icon=":material/inbox:")
        return
    st.caption("图片按内容识别（JPEG、PNG、WebP），会去除元数据并压缩；旧照片可通过撤销此次上传恢复。")
    labels = {i: f"{r['county_name']} · {r['name']}" + ("" if r["photo"] else "（暂无照片）")
              for i, r in projects.iterrows()}
    choice = st.selectbox("项目", list(labels), format_func=labels.get)
    image = st.file_uploader("照片", type=["jpg", "jpeg", "png", "webp"], key="brand-photo")
    if user is None or image is None:
        if user is None:
            st.caption("管理员登录后可上传照片（在“导入数据”页登录）。")
        return
    if st.button("上传照片", type="primary", key="brand-photo-go"):
        row = projects.loc[choice]
        try:
            done = admin.attach_brand_photo(database_path(), row["county_name"], row["name"], image.getvalue(),
                                            image.name, user.name)
        except admin.UploadRefused as exc:
            st.error(str(exc), icon=":material/error:")
            return
        if done.exit_code == 0:
            st.success(f"已更新“{row['name']}”的照片（导入 #{done.import_id}，可撤销）。", icon=":material/task_alt:")
        else:
            show_result(done)
