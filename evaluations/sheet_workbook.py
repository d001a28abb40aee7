"""The long sheets in Excel: the self-assessment (自评表) and the evaluation sheet (评估表) downloaded pre-filled
and uploaded back.

One layout for both (the indicator's number, dimension, name, guideline and scale, then the value and the note);
the scale column and a data validation say what a row takes, the same scale on both sheets
(`indicators.indicator_scale`). Reading goes through the registry import's reader (bianzhi.importers: headers,
merged cells, formulas) and reports problems the same way (ImportIssue: sheet, row, column, what is wrong).
Pure: rows in, bytes out; bytes in, values and issues out. The services decide and save (all or nothing).
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from bianzhi import spreadsheets
from bianzhi.importers import CellError, Column, ImportIssue, IssueLog, Sheet, open_workbook, read_sheet, text

from .indicators import Scale, plain_decimal

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INSTRUCTIONS_TITLE = "填写说明"
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Layout:
    """What differs between the two sheets: the sheet's name and the two columns the user fills."""

    title: str  # the worksheet's name: 自评表 / 评估表
    value_header: str  # 自评分 / 评分
    note_header: str  # 情况说明 / 评分理由
    note_needs_value: str  # the message when a note comes without a value


# the sheet and column names are the file's format (read back by name): Chinese in both languages
SELF_ASSESSMENT = Layout("自评表", "自评分", "情况说明", gettext_lazy("填写了情况说明，请同时填写自评分"))
EVALUATION_SHEET = Layout("评估表", "评分", "评分理由", gettext_lazy("填写了评分理由，请同时打分"))


@dataclass(frozen=True)
class WorkbookRow:
    code: str
    dimension: str
    name: str
    guideline: str
    scale: Scale
    value: Decimal | None = None
    note: str = ""


def number(value) -> Decimal:
    """A score cell: a number, or digits typed as text."""
    if isinstance(value, bool):
        raise CellError(_("应填写数字"))
    try:
        result = Decimal(str(value).strip()) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        raise CellError(_("应填写数字，不能是“%(value)s”") % {"value": str(value).strip()}) from None
    if not result.is_finite():
        raise CellError(_("应填写数字"))
    return result.normalize() if result == result.to_integral() else result


def _sheet(layout: Layout) -> Sheet:
    return Sheet(layout.title, (
        Column("code", "编号", text(16), required=True, width=9),
        Column("dimension", "维度", text(200), width=16),
        Column("name", "指标", text(200), width=24),
        Column("guideline", "评分标准", text(4000), width=40),
        Column("scale", "分值范围", text(200), width=18),
        Column("value", layout.value_header, number, width=10),
        Column("note", layout.note_header, text(2000), width=40),
    ), "")


@spreadsheets.exporter
def indicator_workbook(*, layout: Layout, heading: str, rows: Iterable[WorkbookRow]) -> bytes:
    """The sheet pre-filled with what is saved: one row per indicator of the campaign's tree, instructions first."""
    rows = list(rows)
    sheet = _sheet(layout)
    wb = spreadsheets.workbook()
    notes = wb.active
    notes.title = INSTRUCTIONS_TITLE
    for line in (
        heading,
        _("在“%(sheet)s”工作表中填写“%(value)s”和“%(note)s”两列（黄色），其余列请勿修改。")
        % {"sheet": layout.title, "value": layout.value_header, "note": layout.note_header},
        _("每项的分值范围见“分值范围”列（与评估组评估表、单位自评表同一分值，来自本次评估指标体系的满分）；"
          "负向指标填写发生的起数。超出范围、多余小数或文字将被拒绝。"),
        _("“%(value)s”留空的行不作改动。上传时整份文件一起检查：有任何一处错误，全部不保存，并列出出错的行和列。")
        % {"value": layout.value_header},
        _("请勿使用公式、合并单元格，请勿修改表头；可删除不填写的行。"),
    ):
        spreadsheets.append(notes, [line])
    notes.column_dimensions["A"].width = 110
    ws = wb.create_sheet(layout.title)
    spreadsheets.append(ws, [c.header for c in sheet.columns])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for r in rows:
        spreadsheets.append(ws, [r.code, r.dimension, r.name, r.guideline, r.scale.label, r.value, r.note or None])
    letters = "ABCDEFG"
    for letter, column in zip(letters, sheet.columns, strict=True):
        ws.column_dimensions[letter].width = column.width
    for row_number, r in enumerate(rows, start=2):
        for letter in "DG":
            ws[f"{letter}{row_number}"].alignment = Alignment(wrap_text=True, vertical="top")
        ws[f"F{row_number}"].fill = ws[f"G{row_number}"].fill = INPUT_FILL
        # the scale, where the value is typed: Excel and WPS refuse a number outside it
        check = DataValidation(
            type="whole" if r.scale.decimals == 0 else "decimal", operator="between",
            formula1=plain_decimal(r.scale.low), formula2=plain_decimal(r.scale.high), allow_blank=True,
            showErrorMessage=True, errorTitle=_("超出分值范围"), error=f"{r.name}{_('：')}{r.scale.label}",
            showInputMessage=True, promptTitle=layout.value_header[:32], prompt=r.scale.label[:250],
        )
        check.add(f"F{row_number}")
        ws.add_data_validation(check)
    ws.freeze_panes = "D2"
    out = io.BytesIO()
    spreadsheets.neutralise(wb).save(out)
    return out.getvalue()


@dataclass
class ReadBack:
    values: dict[str, tuple[Decimal, str]]  # indicator code → (value, note): the rows with a value
    issues: list[ImportIssue]
    issue_total: int


def indicator_workbook_read(data: bytes, *, layout: Layout, scales: dict[str, Scale], names: dict[str, str]) -> ReadBack:
    """The filled rows of an uploaded sheet, each checked against its indicator's scale; or the issues."""
    issues = IssueLog()
    try:
        wb = open_workbook(data, max_bytes=MAX_BYTES)
    except CellError as exc:
        issues.append(ImportIssue("", None, None, "", str(exc)))
        return ReadBack({}, issues, issues.total)
    sheet = _sheet(layout)
    if layout.title not in wb.sheetnames:
        issues.append(ImportIssue(layout.title, None, None, "", _("找不到“%(sheet)s”工作表：请先下载本页的 Excel 再填写") % {"sheet": layout.title}))
        return ReadBack({}, issues, issues.total)
    found = read_sheet(wb[layout.title], sheet, issues, data)
    values_column = 6
    seen: dict[str, int] = {}
    values = {}
    for row_number, record in found.parsed:
        code = record["code"].upper()
        if code not in scales:
            issues.append(ImportIssue(layout.title, row_number, 1, "编号", _("编号“%(code)s”不是本次评估的指标") % {"code": record["code"]}))
            continue
        if code in seen:
            issues.append(ImportIssue(layout.title, row_number, 1, "编号", _("指标“%(name)s”重复（第%(row)s行已有）") % {"name": names[code], "row": seen[code]}))
            continue
        seen[code] = row_number
        value, note = record.get("value"), record.get("note", "")
        if value is None:
            if note:
                issues.append(ImportIssue(layout.title, row_number, values_column, layout.value_header,
                                          _("%(name)s：%(message)s") % {"name": names[code], "message": layout.note_needs_value}))
            continue
        why = scales[code].error(value)
        if why:
            issues.append(ImportIssue(layout.title, row_number, values_column, layout.value_header,
                                      _("%(name)s：%(column)s%(why)s（%(scale)s）") % {"name": names[code], "column": layout.value_header, "why": why, "scale": scales[code].label}))
            continue
        values[code] = (value, note)
    return ReadBack({} if issues.total else values, issues, issues.total)
