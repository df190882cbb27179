"""Widgets of the data-management page: upload and dry run, confirm and import, the log with undo, templates."""

from __future__ import annotations

import hashlib

import streamlit as st

from rcdash.admin import actions as admin
from rcdash.admin.users import User
from rcdash.config import max_upload_bytes
from rcdash.importing.template import template_bytes
from rcdash.records.kinds import KINDS
from rcdash.topics import quality as quality_topic
from rcdash.topics import status
from rcdash.ui.data import database_path, shared_cursor
from rcdash.ui.widgets import HEADER_PX, download_buttons, download_table

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORTED_KEY = "admin-imported"  # session state: upload (kind, sha256, upload id) → (import id, its message)
UNDONE_KEY = "admin-undone"  # session state: what the last undo said, shown until the next import or undo
ERROR_ROW_PX = 72  # above 64 px the grid wraps text, so a long message shows on up to three lines
ERROR_ROWS_UNSCROLLED = 8  # longer error lists scroll inside the grid
QUALITY_SHOWN = 20  # quality flags of a file listed in full; the rest are counted (all are on 数据质量 once imported)


def kind_picker() -> str:
    """Choose the import kind (Chinese label, English code)."""
    return st.selectbox("数据类型", list(KINDS), format_func=lambda k: f"{KINDS[k].zh}（{k}）：{KINDS[k].description}")


@st.cache_data(show_spinner="正在校验文件…", max_entries=16)
def _dry_run(db_key: str, kind: str, file_name: str, digest: str, _data: bytes) -> admin.ImportResult:
    """The dry run of one upload against one snapshot (cached on the file's hash)."""
    return admin.dry_run(shared_cursor(db_key), kind, file_name, _data)


def show_result(result: admin.ImportResult, key: str = "") -> None:
    """Counts, warnings and the error table of a dry run or an import; for an unusable file, why."""
    problems = admin.file_problems(result)
    if problems:  # no counts: 0 / 0 / 0 would hide that the file was never read as rows
        lines = "\n".join(f"- {p}" for p in problems)
        hint = admin.expected_header(result)
        st.error(f"文件无法导入：\n\n{lines}" + (f"\n\n{hint}" if hint else ""), icon=":material/error:")
        return
    c1, c2, c3 = st.columns(3)
    c1.metric("数据行", f"{result.rows:,}")
    c2.metric("通过", f"{result.accepted:,}")
    c3.metric("有错误", f"{result.rejected:,}")
    for warning in result.warnings:
        st.info(warning, icon=":material/info:")
    quality_flags(result)
    if result.errors:
        st.warning(f"{result.rejected} 行有错误，整个文件不会导入。请按下表修改后重新上传：", icon=":material/error:")
        error_table(result, key)


def quality_flags(result: admin.ImportResult) -> None:
    """The plausibility flags the file raises: warnings, the import still goes ahead (DESIGN §10)."""
    if not result.quality:
        return
    lines = [f"- {q['message']}" for q in result.quality[:QUALITY_SHOWN]]
    if len(result.quality) > QUALITY_SHOWN:
        lines.append(f"- ……另有 {len(result.quality) - QUALITY_SHOWN} 条")
    st.warning(f"数据质量提示：这个文件有 {len(result.quality)} 条数据看起来不对。它们不妨碍导入，"
               "但请核实；导入后可在“数据质量”页查看和标记已核实。\n\n" + "\n".join(lines), icon=":material/warning:")


def linked_import() -> None:
    """The import a link from 数据质量 names (?import=12), shown above the tabs with its log row."""
    wanted = st.query_params.get(quality_topic.IMPORT_PARAM)
    if wanted is None:
        return
    row = quality_topic.linked_import(status.recent_imports(shared_cursor(), limit=None), wanted)
    if row is None:
        st.warning(f"导入记录中没有编号为 {wanted} 的导入。", icon=":material/search_off:")
        return
    st.info(f"数据质量页链接到的导入：#{wanted}（{row.iloc[0]['数据类型']} · {row.iloc[0]['文件']}）。"
            "需要更正时，修改原表后重新导入；也可在“导入记录与撤销”中撤销这次导入。", icon=":material/link:")
    download_table(row, f"导入记录_{wanted}", key="linked-import")


def error_table(result: admin.ImportResult, key: str) -> None:
    """The rejected cells with wrapped messages; the selected row's message in full beneath."""
    frame = admin.errors_frame(result)
    message = admin.ERROR_COLUMNS["message"]
    event = st.dataframe(
        frame, hide_index=True, width="stretch", row_height=ERROR_ROW_PX,
        height=min(len(frame), ERROR_ROWS_UNSCROLLED) * ERROR_ROW_PX + HEADER_PX,
        column_config={message: st.column_config.TextColumn(width="large")},
        on_select="rerun", selection_mode="single-row", key=f"errors-{key}",
        selection_default={"selection": {"rows": [0]}},
    )
    rows = [i for i in event.selection.rows if i < len(frame)]
    if rows:
        cell = frame.iloc[rows[0]]
        row_no, column, value = (cell[admin.ERROR_COLUMNS[k]] for k in ("row", "column", "value"))
        where = (f"第 {row_no} 行" if row_no else "文件") + (f"“{column}”列" if column else "")
        st.info(f"{where}{f'（值：{value}）' if value else ''}：{cell[message]}", icon=":material/info:")
    st.caption("点选表格中的一行，可在上方查看该行问题的完整说明。")
    download_buttons(frame, f"{result.kind}_错误清单")


def upload_and_import(db_key: str, user: User | None) -> None:
    """Upload → dry run → (admin) confirm → import with progress."""
    kind = kind_picker()
    upload = st.file_uploader(f"上传 CSV 或 Excel 文件（不超过 {max_upload_bytes() // 1024 // 1024} MB）",
                              type=["csv", "xlsx", "xls", "zip"], key=f"upload-{kind}")
    if upload is None:
        st.caption("先上传文件：系统会先校验（不写入），列出每一行的问题；全部通过后由管理员确认导入。")
        return
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    try:
        result = _dry_run(db_key, kind, upload.name, digest, data)
    except admin.UploadRefused as exc:
        st.error(str(exc), icon=":material/error:")
        return
    show_result(result, key=f"{kind}-{digest[:16]}")
    if result.exit_code != 0:
        return
    # One import per upload: a second click on the same upload must not load it again; uploading the file
    # again (a new upload id) is a deliberate new import.
    this_upload = f"{kind}:{digest}:{upload.file_id}"
    imported: dict[str, tuple[int, str]] = st.session_state.setdefault(IMPORTED_KEY, {})
    if this_upload in imported:
        st.success(imported[this_upload][1], icon=":material/task_alt:")
        st.button("确认导入", type="primary", key=f"confirm-{kind}", disabled=True, help="这个文件已经导入")
        st.caption("这个文件已经导入。如确需再次导入，请重新上传文件。")
        return
    st.success(f"校验通过：{result.accepted:,} 行可以导入。", icon=":material/check_circle:")
    if user is None:
        return
    if st.button("确认导入", type="primary", key=f"confirm-{kind}"):
        bar = st.progress(0.0, text="正在导入…")
        done = admin.apply_import(database_path(), kind, upload.name, data, user.name,
                                  progress=lambda share, text: bar.progress(min(share, 1.0), text=text))
        if done.exit_code == 0:
            # Recorded before any further Streamlit call: a click meanwhile reruns the script from such a call.
            imported[this_upload] = (int(done.import_id or 0), admin.imported_message(done))
            st.session_state.pop(UNDONE_KEY, None)
            st.rerun()  # draws the page again with the button disabled and the message kept
        bar.empty()
        show_result(done, key=f"{kind}-{digest[:16]}-import")


def import_log(user: User | None) -> None:
    """The import log, and undo for admins."""
    undone = st.session_state.get(UNDONE_KEY)
    if undone:
        st.success(undone, icon=":material/undo:")
    log = status.recent_imports(shared_cursor(), limit=200)
    if log.empty:
        st.info("还没有导入记录。", icon=":material/history:")
        return
    download_table(log, "导入记录")
    if user is None:
        st.caption("管理员登录后可在此撤销导入（在“数据管理”页的“导入数据”中登录）。")
        return
    loaded = log[log["状态"] == "已导入"]
    if loaded.empty:
        return
    records = loaded.to_dict("records")
    labels = {row["编号"]: f"#{row['编号']} {row['数据类型']} · {row['文件']}" for row in records}
    files = {row["编号"]: row["文件"] for row in records}
    # Right after an undo nothing is preselected: the undone import left the list, and moving on to another one
    # unasked would invite a second undo by mistake.
    choice = st.selectbox("撤销哪一次导入", list(labels), format_func=labels.get, index=None if undone else 0,
                          placeholder="选择要撤销的导入")
    if choice is None:
        return
    sure = st.checkbox(f"确认撤销 #{choice}：删除它导入的行，并恢复被它覆盖的旧数据")
    if st.button("撤销", disabled=not sure, key="undo"):
        try:
            outcome = admin.apply_undo(database_path(), int(choice), user.name)
        except Exception as exc:  # UndoRefused and WriterBusy carry their Chinese message
            st.error(str(exc), icon=":material/error:")
            return
        st.session_state[UNDONE_KEY] = admin.undone_message(outcome, files[choice])
        # The upload of an undone import may be imported again: its data is gone.
        imported = st.session_state.get(IMPORTED_KEY, {})
        for upload, (import_id, _) in list(imported.items()):
            if import_id == outcome["import_id"]:
                del imported[upload]
        st.rerun()  # the log and the picker without the undone import; the message stays above them


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
        st.info("还没有“一地一品”项目。先在“数据管理”页的“导入数据”中导入“一地一品”数据（可带照片的 ZIP 包），再在这里逐个补充照片。",
                icon=":material/inbox:")
        return
    st.caption("图片按内容识别（JPEG、PNG、WebP），会去除元数据并压缩；旧照片可通过撤销此次上传恢复。")
    labels = {i: f"{r['county_name']} · {r['name']}" + ("" if r["photo"] else "（暂无照片）")
              for i, r in projects.iterrows()}
    choice = st.selectbox("项目", list(labels), format_func=labels.get)
    image = st.file_uploader("照片", type=["jpg", "jpeg", "png", "webp"], key="brand-photo")
    if user is None or image is None:
        if user is None:
            st.caption("管理员登录后可上传照片（在“数据管理”页的“导入数据”中登录）。")
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
