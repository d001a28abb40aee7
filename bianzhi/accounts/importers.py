"""Reading an accounts workbook (账号导入模板): xlsx bytes → AccountRow dataclasses and ImportIssues.

Pure (no ORM): the checks against the database (existing usernames, unit codes) are in the service.
Same rules as the registry import: formulas and merged cells are refused, naming the cell.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bianzhi import spreadsheets
from bianzhi.importers import ImportIssue

SHEET = "账号"
HEADERS = ("用户名", "姓名", "角色", "单位代码")
ROLE_LABELS = {
    "系统管理员": "admin", "评估人员": "evaluator", "领导": "leader", "部门填报员": "liaison", "复核人员": "reviewer",
}
USERNAME_RE = re.compile(r"^[a-z0-9_.@+-]{3,150}$")
MAX_ROWS = 5000


@dataclass(frozen=True)
class AccountRow:
    row: int
    username: str
    name: str
    role: str
    unit_code: str


def _issue(row, column, message) -> ImportIssue:
    header = HEADERS[column - 1] if column else ""
    return ImportIssue(sheet=SHEET, row=row, column=column, header=header, message=message)


def parse_accounts(data: bytes, *, max_bytes: int) -> tuple[list[AccountRow], list[ImportIssue]]:
    import openpyxl

    if len(data) > max_bytes:
        return [], [_issue(None, None, _("文件太大：不能超过 %(n)s MB") % {"n": max_bytes // (1024 * 1024)})]
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return [], [_issue(None, None, _("不是有效的 Excel 文件（.xlsx）"))]
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    issues: list[ImportIssue] = []
    for merged in ws.merged_cells.ranges:
        issues.append(_issue(merged.min_row, merged.min_col if merged.min_col <= 4 else None,
                             _("不能有合并单元格（%(cells)s）") % {"cells": merged.coord}))
    header = [str(c.value or "").strip() for c in ws[1][:4]] if ws.max_row >= 1 else []
    if tuple(header) != HEADERS:
        return [], issues + [_issue(1, None, _("表头应为：%(headers)s") % {"headers": "、".join(HEADERS)})]
    rows: list[AccountRow] = []
    seen: dict[str, int] = {}
    for cells in ws.iter_rows(min_row=2, max_col=4):
        r = cells[0].row
        if r - 1 > MAX_ROWS:
            issues.append(_issue(r, None, _("最多导入 %(n)s 行") % {"n": MAX_ROWS}))
            break
        values = []
        bad = False
        for i, cell in enumerate(cells, start=1):
            if cell.data_type == "f":
                issues.append(_issue(r, i, _("不能使用公式（%(cell)s），请填写数值") % {"cell": cell.coordinate}))
                bad = True
            values.append("" if cell.value is None else str(cell.value).strip())
        if not any(values):
            continue
        username, name, role_label, unit_code = values
        username = username.lower()
        if bad:
            continue
        if not username:
            issues.append(_issue(r, 1, _("必填，不能为空")))
        elif not USERNAME_RE.match(username):
            issues.append(_issue(r, 1, _("只能使用字母、数字和 _ . @ + -，3 至 150 个字符")))
        elif username in seen:
            issues.append(_issue(r, 1, _("与第%(row)s行的用户名重复（不区分大小写）") % {"row": seen[username]}))
        else:
            seen[username] = r
        if len(name) > 150:
            issues.append(_issue(r, 2, _("不能超过150个字")))
        role = ROLE_LABELS.get(role_label)
        if role is None:
            issues.append(_issue(r, 3, _("应为：%(roles)s") % {"roles": "、".join(ROLE_LABELS)}))
        elif role == "liaison" and not unit_code:
            issues.append(_issue(r, 4, _("部门填报员必须填写单位代码")))
        elif role != "liaison" and unit_code:
            issues.append(_issue(r, 4, _("只有部门填报员属于单位，请留空")))
        rows.append(AccountRow(row=r, username=username, name=name, role=role or "", unit_code=unit_code))
    if not rows and not issues:
        issues.append(_issue(None, None, _("文件中没有账号")))
    return rows, issues


EXAMPLE_ROWS = (("liaison_m001", "张三", "部门填报员", "M001"), ("wang_pg", "王评估", "评估人员", None))


@spreadsheets.exporter
def template_workbook(examples=EXAMPLE_ROWS) -> bytes:
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = spreadsheets.workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for row in examples:
        spreadsheets.append(ws, row)
    dv = DataValidation(type="list", formula1='"' + ",".join(ROLE_LABELS) + '"', allow_blank=False)
    ws.add_data_validation(dv)
    dv.add("C2:C5001")
    for col, width in zip("ABCD", (24, 16, 14, 14)):
        ws.column_dimensions[col].width = width
    buffer = io.BytesIO()
    spreadsheets.neutralise(wb).save(buffer)
    return buffer.getvalue()
