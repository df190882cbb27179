"""Import templates: an .xlsx per kind with Chinese headers, an example row and drop-down lists."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from rcdash.importing.parse import normalize
from rcdash.records.spec import FieldType, Kind

DATA_SHEET = "数据"
HELP_SHEET = "填写说明"
CHOICES_SHEET = "选项"
EXAMPLE_ROW = 2  # the template's example row; the importer skips it if left unchanged
VALIDATED_ROWS = 5000  # how far down the drop-downs reach; more rows can still be typed
REQUIRED_FILL = PatternFill("solid", fgColor="FDE2E1")
OPTIONAL_FILL = PatternFill("solid", fgColor="EEF2F7")
EXAMPLE_FONT = Font(italic=True, color="808080")
BOOL_CHOICES = ("是", "否")

TYPE_HINTS = {
    FieldType.TEXT: "文字",
    FieldType.INT: "整数",
    FieldType.MONEY: "金额（元）",
    FieldType.FLOAT: "数字",
    FieldType.DATE: "日期，如 2021-03-05",
    FieldType.MONTH: "月份，如 2021-03",
    FieldType.YEAR: "年份，如 2021",
    FieldType.BOOL: "是/否",
    FieldType.ENUM: "从下拉列表选择",
    FieldType.DIVISION: "区划代码或名称",
    FieldType.RATIO: "比率或数量",
}


def _choices(kind_field: object) -> tuple[str, ...]:
    """The drop-down values of a field: Chinese spellings where the stored value is English."""
    f = kind_field
    if f.type is FieldType.BOOL:  # type: ignore[attr-defined]
        return BOOL_CHOICES
    return tuple(c.label for c in f.choices)  # type: ignore[attr-defined]


def template_bytes(kind: Kind) -> bytes:
    """The template workbook of one kind as .xlsx bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    options = wb.create_sheet(CHOICES_SHEET)
    options.sheet_state = "hidden"
    helps = wb.create_sheet(HELP_SHEET)
    helps.append([f"{kind.zh}（{kind.name}）导入模板", kind.description])
    helps.append([])
    helps.append(["列（中文表头）", "英文表头", "必填", "格式", "说明"])
    option_col = 0
    for col, f in enumerate(kind.fields, start=1):
        letter = get_column_letter(col)
        cell = ws.cell(row=1, column=col, value=f.zh)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if f.required else OPTIONAL_FILL
        cell.comment = Comment(f"{'必填' if f.required else '选填'}；{TYPE_HINTS[f.type]}。{f.help}".strip("。") , "rcdash")
        example = ws.cell(row=EXAMPLE_ROW, column=col, value=f.example or None)
        example.font = EXAMPLE_FONT
        ws.column_dimensions[letter].width = max(12, len(f.zh) * 2 + 4, len(f.example) + 4)
        helps.append([f.zh, f.name, "是" if f.required else "否", TYPE_HINTS[f.type], f.help])
        if f.type in (FieldType.ENUM, FieldType.BOOL):
            option_col += 1
            values = _choices(f)
            olet = get_column_letter(option_col)
            for i, v in enumerate(values, start=1):
                options.cell(row=i, column=option_col, value=v)
            rule = DataValidation(
                type="list",
                formula1=f"{quote_sheetname(CHOICES_SHEET)}!${olet}$1:${olet}${len(values)}",
                allow_blank=not f.required,
                showErrorMessage=True,
                errorTitle="取值不在列表中",
                error=f"请从下拉列表选择“{f.zh}”",
            )
            rule.add(f"{letter}{EXAMPLE_ROW}:{letter}{VALIDATED_ROWS}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"
    helps.append([])
    helps.append([f"“{DATA_SHEET}”表第 {EXAMPLE_ROW} 行是示例（灰色斜体），原样保留时导入会自动跳过；请从下一行填写或直接覆盖它。"])
    helps.append(["粉色表头为必填列，蓝色为选填列。日期可写 2021-03-05、2021/3/5 或 2021年3月5日。"])
    helps.append(["村（社区）名称重名时，写成“乡镇（街道）/村”，例如“福全街道/峡山村”，或另加一列“乡镇（街道）”。"])
    helps.column_dimensions["A"].width = 22
    helps.column_dimensions["E"].width = 60
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def is_example_row(kind: Kind, header: list[str], cells: list[object]) -> bool:
    """Whether a row is the template's example row left unchanged."""
    by_header = {f.zh: f.example for f in kind.fields}
    compared = 0
    for written, cell in zip(header, cells, strict=False):
        if written not in by_header:
            continue
        expected = by_header[written]
        got = "" if cell is None else normalize(cell)
        if hasattr(cell, "isoformat"):
            got = cell.isoformat()[: len(expected)]
        elif isinstance(cell, float) and cell.is_integer():
            got = str(int(cell))
        if got != normalize(expected):
            return False
        compared += 1
    return compared == len(kind.fields)
