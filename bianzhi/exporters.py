"""Writing the registry workbook: the import template, the export, and an upload sent back with its errors.

The template and the export are the same workbook (bianzhi.importers.SHEETS), the template with an example
unit, so an export imports back unchanged. Pure: records in, xlsx bytes out.
"""

import io
from collections.abc import Iterable
from datetime import date

import openpyxl
from openpyxl.cell import MergedCell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import spreadsheets
from .importers import (
    FUNCTION_SHEET,
    INSTRUCTIONS_TITLE,
    POST_SHEET,
    SHEETS,
    UNIT_SHEET,
    ImportIssue,
    Sheet,
    UnitRecord,
    choice,
    quota_key,
)

REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FF9999")
BOLD = Font(bold=True)
DROPDOWN_ROWS = 20000  # how far down the template's dropdowns reach
DATE_FORMAT = "yyyy-mm-dd"


def _unit_row(r: UnitRecord) -> list:
    quotas = {kind: (approved, actual) for kind, approved, actual in r.quotas}
    values = {name: getattr(r, name) for name in UnitRecord.UNIT_FIELDS}
    for kind, approved_actual in quotas.items():
        values[quota_key(kind, "approved")], values[quota_key(kind, "actual")] = approved_actual
    return [_cell_value(column, values.get(column.key)) for column in UNIT_SHEET.columns]


def _cell_value(column, value):
    if value in ("", None):
        return None
    if isinstance(column.parse, choice):
        return column.parse.label(value)
    return value


def _sheet_rows(sheet: Sheet, records: list[UnitRecord]) -> Iterable[list]:
    if sheet is UNIT_SHEET:
        return (_unit_row(r) for r in records)
    if sheet is POST_SHEET:
        rank = POST_SHEET.columns[1].parse
        return ([r.code, rank.label(k), a, b] for r in records for k, a, b in r.posts)
    if sheet is FUNCTION_SHEET:
        return ([r.code, n, text] for r in records for n, text in enumerate(r.functions, start=1))
    return ([r.code, n, name, duties or None] for r in records for n, (name, duties) in enumerate(r.bodies, start=1))


@spreadsheets.exporter
def registry_workbook(records: Iterable[UnitRecord]) -> bytes:
    """The registry as the import template's workbook: one sheet per part, dropdowns, instructions."""
    records = list(records)
    wb = spreadsheets.workbook(write_only=True)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.title)
        _prepare(ws, sheet)
        for row in _sheet_rows(sheet, records):
            spreadsheets.append(ws, row)
    _instructions(wb.create_sheet(INSTRUCTIONS_TITLE))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _prepare(ws, sheet: Sheet) -> None:
    """Widths, the header row (required columns marked * and shaded), frozen header and the dropdowns."""
    for n, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(n)].width = column.width
    ws.freeze_panes = "B2"
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=column.header + ("*" if column.required else ""))
        cell.font, cell.fill = BOLD, REQUIRED_FILL if column.required else HEADER_FILL
        header.append(cell)
    spreadsheets.append(ws, header)
    for n, column in enumerate(sheet.columns, start=1):
        if column.choices:
            letter = get_column_letter(n)
            dropdown = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=not column.required,
                showErrorMessage=True, errorTitle="无效的值", error="请从下拉列表中选择",
            )
            dropdown.add(f"{letter}2:{letter}{DROPDOWN_ROWS}")
            ws.data_validations.append(dropdown)


def _instructions(ws) -> None:
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 70
    spreadsheets.append(ws, ["编制台账导入模板 · 填写说明"])
    spreadsheets.append(ws, ["1. 带 * 的列必填；选择项请从下拉列表中选择；日期填写为 2024-03-01 的形式；人数填写非负整数。"])
    spreadsheets.append(ws, ["2. 再次导入时按“单位代码”更新已有单位；一处出错则整个文件都不导入，系统会标出所有出错的单元格。"])
    spreadsheets.append(ws, ["3. “领导职数”“主要职责”“内设机构”三张表按单位代码对应到“单位”表；导入时以文件内容整体替换该单位的这些内容。"])
    spreadsheets.append(ws, ["4. 模板中的示例行仅供参考，导入前请删除或改写。文件不超过 20 MB。"])
    spreadsheets.append(ws, [])
    spreadsheets.append(ws, ["工作表", "列", "说明"])
    for sheet in SHEETS:
        spreadsheets.append(ws, [sheet.title, "", sheet.note])
        for column in sheet.columns:
            notes = [("必填" if column.required else "选填")]
            if column.choices:
                notes.append("可选：" + "、".join(column.choices))
            if column.note:
                notes.append(column.note)
            spreadsheets.append(ws, ["", column.header, "；".join(notes)])


EXAMPLE = UnitRecord(
    code="示例001", name="临川市示例局", short_name="市示例局", credit_code="11361000MB0000000A",
    kind="party_government", level="municipal", region="市本级", rank="division_full",
    staff_as_of=date(2026, 6, 30), approval_number="临编发〔2019〕12号", approval_date=date(2019, 3, 1),
    quotas=(("administrative", 30, 28), ("service_worker", 3, 2)),
    posts=(("division_full", 1, 1), ("division_deputy", 3, 3), ("section_full", 6, 5)),
    functions=("贯彻执行国家有关方针政策和法律法规。", "承办市委、市政府交办的其他任务。"),
    bodies=(("办公室", "负责机关日常运转。"), ("政策法规科", "负责政策研究和法治建设。")),
)


def template_workbook() -> bytes:
    """The import template: the registry workbook holding one example unit."""
    return registry_workbook([EXAMPLE])


# Past this many rows (or bytes, when a sheet does not say its size) the marked copy is streamed: a 50,000-row
# file is marked in bounded memory (loading it whole took 643 MB).
STREAM_MARKING_ROWS = 5000
STREAM_MARKING_BYTES = 256 * 1024


@spreadsheets.exporter
def mark_issues(data: bytes, issues: Iterable[ImportIssue]) -> bytes:
    """The uploaded workbook with every bad cell shaded red and commented with what is wrong.

    It goes back to whoever downloads the errors: its formulas and formula-leading text are made inert."""
    comments: dict[tuple[str, int, int], list[str]] = {}
    for issue in issues:
        if issue.row is None:
            continue
        key = (issue.sheet, issue.row, issue.column or 1)  # a missing header is noted on the first header cell
        comments.setdefault(key, []).append(issue.message if issue.column else f"{issue.header}：{issue.message}")
    source = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = sum(ws.max_row or 0 for ws in source.worksheets)
    if rows > STREAM_MARKING_ROWS or len(data) > STREAM_MARKING_BYTES:
        return _mark_streamed(source, comments)
    source.close()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for (title, row, column), messages in comments.items():
        if title not in wb.sheetnames:
            continue
        ws = wb[title]
        cell = ws.cell(row=row, column=column)
        if isinstance(cell, MergedCell):  # a merged range takes its note on its top-left cell
            merged = next(r for r in ws.merged_cells.ranges if cell.coordinate in r)
            cell = ws.cell(row=merged.min_row, column=merged.min_col)
        _note(cell, messages)
    spreadsheets.neutralise(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _note(cell, messages: list[str]) -> None:
    cell.fill = ERROR_FILL
    cell.comment = Comment("\n".join(messages), "编制台账导入", width=300, height=40 + 20 * len(messages))


def _mark_streamed(source, comments: dict[tuple[str, int, int], list[str]]) -> bytes:
    """The same marks on a copy written row by row (values only: styles and dropdowns are not copied)."""
    wb = spreadsheets.workbook(write_only=True)
    for ws in source.worksheets:
        target = wb.create_sheet(ws.title)
        marked_rows = {row for title, row, _c in comments if title == ws.title}
        for row_number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            row = list(values)
            if row_number in marked_rows:
                columns = {c for title, r, c in comments if title == ws.title and r == row_number}
                row += [None] * (max(columns) - len(row))
                for column in columns:
                    cell = WriteOnlyCell(target, value=spreadsheets.safe_cell(row[column - 1]))
                    _note(cell, comments[(ws.title, row_number, column)])
                    row[column - 1] = cell
            spreadsheets.append(target, row)
    source.close()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
