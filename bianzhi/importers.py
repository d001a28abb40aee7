"""Reading the registry workbook (编制台账导入模板): xlsx bytes → UnitRecord dataclasses and ImportIssues.

Pure: no ORM and no settings (limits are arguments), so every error case is tested without a database.
The sheet layout (SHEETS) is shared with bianzhi.exporters, which writes the template and the export: a
workbook we write is one we read back unchanged.

Checks that need the rest of the registry (unknown parent, a cycle through units not in the file, a
credit code held by another unit) are in `registry_issues`, which the service calls with what the
database knows.
"""

import html
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from .credit_code import credit_code_error
from .models import Quota, Unit
from .spreadsheets import is_formula_text

XLSX_MAGIC = b"PK\x03\x04"


class CellError(ValueError):
    """A cell's value is wrong; the message (Chinese) says why."""


@dataclass(frozen=True)
class ImportIssue:
    """One problem: where (sheet, 1-based row and column; None for the whole sheet or file) and what."""

    sheet: str
    row: int | None
    column: int | None
    header: str
    message: str

    def __str__(self) -> str:
        where = self.sheet + (_(" 第%(row)s行") % {"row": self.row} if self.row else "") + (
            _("「%(header)s」") % {"header": self.header} if self.header else "")
        return _("%(where)s：%(message)s") % {"where": where, "message": self.message}


# ---------------------------------------------------------------------------------------------------------
# Cell parsers: each takes the raw openpyxl value (never None: empty cells are handled by the caller)
# ---------------------------------------------------------------------------------------------------------
def text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value).strip()
        if value.startswith("'") and is_formula_text(value[1:]):
            value = value[1:]  # our own export made it inert (bianzhi.spreadsheets): read back what was typed
        if len(value) > max_length:
            raise CellError(_("不能超过%(max)s个字，实际%(n)s个字") % {"max": max_length, "n": len(value)})
        return value

    return parse


def count(value: Any) -> int:
    """A head count: a non-negative whole number (digits typed as text are accepted)."""
    if isinstance(value, bool):
        raise CellError(_("应填写整数"))
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped.lstrip("-").isdigit():
            raise CellError(_("应填写整数，不能是文字“%(text)s”") % {"text": stripped})
        value = int(stripped)
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("应填写整数，不能是小数 %(value)s") % {"value": f"{value:g}"})
        value = int(value)
    if not isinstance(value, int):
        raise CellError(_("应填写整数"))
    if value < 0:
        raise CellError(_("不能是负数（%(value)s）") % {"value": value})
    return value


DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def day(value: Any) -> date:
    """A date cell, or a date typed as text: 2024-03-01, 2024/3/1, 2024.3.1 or 2024年3月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_TEXT.match(str(value).strip())
    try:
        if match:
            return date(*(int(part) for part in match.groups()))
    except ValueError:
        pass  # e.g. 2024-02-30
    raise CellError(_("应为日期（如 2024-03-01），不能是“%(value)s”") % {"value": value})


def credit_code(value: Any) -> str:
    code = str(value).strip().upper()
    error = credit_code_error(code)
    if error:
        raise CellError(error)
    return code


class choice:
    """A cell holding one of a TextChoices' Chinese labels (the template offers them in a dropdown)."""

    def __init__(self, choices: type):
        self.choices = choices

    @cached_property
    def by_label(self) -> dict[str, str]:
        # The msgids, whatever language is active: the workbook is Chinese.
        with translation.override(None):
            return {str(label): value for value, label in self.choices.choices}

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.by_label)

    def __call__(self, value: Any) -> str:
        label = str(value).strip()
        try:
            return self.by_label[label]
        except KeyError:
            raise CellError(_("“%(value)s”不是可选值，应为：%(choices)s") % {"value": label, "choices": "、".join(self.by_label)}) from None

    def label(self, value: str) -> str:
        return next((label for label, v in self.by_label.items() if v == value), "")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any]
    required: bool = False
    width: int = 14
    note: str = ""

    @property
    def choices(self) -> tuple[str, ...]:
        return getattr(self.parse, "labels", ())


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    note: str


def quota_key(kind: str, part: str) -> str:
    return f"quota:{kind}:{part}"


UNIT_SHEET = Sheet(
    "单位",
    (
        Column("code", "单位代码", text(32), required=True, note="本系统内唯一；再次导入时按单位代码更新"),
        Column("name", "单位名称", text(200), required=True, width=30),
        Column("short_name", "简称", text(50)),
        Column("credit_code", "统一社会信用代码", credit_code, required=True, width=22, note="18位，按GB 32100-2015校验"),
        Column("kind", "单位类别", choice(Unit.Kind), required=True),
        Column("institution_class", "事业单位类别", choice(Unit.InstitutionClass), note="仅事业单位填写"),
        Column("level", "层级", choice(Unit.Level), required=True),
        Column("region", "所属地区", text(50), required=True, note="市本级，或所在县区的名称"),
        Column("rank", "机构规格", choice(Unit.Rank)),
        Column("parent_code", "上级单位代码", text(32), note="须是本表或系统中已有的单位代码"),
        Column("supervisor_code", "主管部门代码", text(32), note="事业单位的主管部门，须是已有的单位代码"),
        Column("status", "状态", choice(Unit.Status), required=True),
        Column("abolished_on", "撤销日期", day, note="状态为“撤销”时必填"),
        Column("approval_number", "三定批准文号", text(100), width=22),
        Column("approval_date", "三定批准日期", day),
        Column("staff_as_of", "统计截至日期", day, required=True, note="实有人数、实配领导职数的统计日期"),
        *(
            Column(quota_key(kind, part), f"{label}{part_label}", count, width=12, note="空白按0计")
            for kind, label in Quota.Kind.choices
            for part, part_label in (("approved", "核定数"), ("actual", "实有数"))
        ),
    ),
    "每行一个单位。带 * 的列必填；编制数空白按 0 计。",
)
POST_SHEET = Sheet(
    "领导职数",
    (
        Column("code", "单位代码", text(32), required=True),
        Column("rank", "职级", choice(Unit.Rank), required=True),
        Column("approved", "核定职数", count, required=True),
        Column("actual", "实配职数", count, required=True),
    ),
    "每行一个单位的一个职级。",
)
FUNCTION_SHEET = Sheet(
    "主要职责",
    (
        Column("code", "单位代码", text(32), required=True),
        Column("position", "序号", count, required=True),
        Column("text", "职责内容", text(2000), required=True, width=60),
    ),
    "三定规定中的主要职责，每行一条。",
)
BODY_SHEET = Sheet(
    "内设机构",
    (
        Column("code", "单位代码", text(32), required=True),
        Column("position", "序号", count, required=True),
        Column("name", "机构名称", text(100), required=True, width=20),
        Column("duties", "主要职责", text(2000), width=60),
    ),
    "三定规定中的内设机构，每行一个。",
)
SHEETS = (UNIT_SHEET, POST_SHEET, FUNCTION_SHEET, BODY_SHEET)
INSTRUCTIONS_TITLE = "填写说明"
QUOTA_KINDS = tuple(Quota.Kind.values)
RANKS = tuple(Unit.Rank.values)


# ---------------------------------------------------------------------------------------------------------
# The record: one unit as the registry knows it, in a canonical form
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    credit_code: str
    kind: str
    level: str
    region: str
    staff_as_of: date
    short_name: str = ""
    institution_class: str = ""
    rank: str = ""
    parent_code: str = ""
    supervisor_code: str = ""
    status: str = "active"
    abolished_on: date | None = None
    approval_number: str = ""
    approval_date: date | None = None
    quotas: tuple[tuple[str, int, int], ...] = ()  # (kind, approved, actual), in Quota.Kind order, no 0/0 lines
    posts: tuple[tuple[str, int, int], ...] = ()  # (rank, approved, actual), in Unit.Rank order
    functions: tuple[str, ...] = ()
    bodies: tuple[tuple[str, str], ...] = ()  # (name, duties)
    row: int = field(default=0, compare=False)  # the row it came from, for messages

    UNIT_FIELDS = (
        "code", "name", "short_name", "credit_code", "kind", "institution_class", "level", "region", "rank",
        "parent_code", "supervisor_code", "status", "abolished_on", "approval_number", "approval_date",
        "staff_as_of",
    )

    def snapshot(self) -> dict:
        """The JSON form kept in a UnitVersion; equal snapshots mean nothing changed."""
        data = {name: getattr(self, name) for name in self.UNIT_FIELDS}
        for name in ("abolished_on", "approval_date", "staff_as_of"):
            data[name] = data[name].isoformat() if data[name] else ""
        data["quotas"] = [list(line) for line in self.quotas]
        data["posts"] = [list(line) for line in self.posts]
        data["functions"] = list(self.functions)
        data["bodies"] = [list(body) for body in self.bodies]
        return data


def canonical_lines(lines: Iterable[tuple[str, int, int]], order: tuple[str, ...]) -> tuple[tuple[str, int, int], ...]:
    """Drop empty lines (0 approved, 0 actual) and sort in the choices' order, so equal data compares equal."""
    return tuple(sorted(((k, a, b) for k, a, b in lines if a or b), key=lambda line: order.index(line[0])))


MAX_LISTED_ISSUES = 1000  # a 50,000-row bad file lists the first 1,000 problems and counts the rest


class IssueLog(list):
    """The issues found, keeping the first `limit` (a page and a marked workbook stay small) and counting all."""

    def __init__(self, limit: int = MAX_LISTED_ISSUES):
        super().__init__()
        self.limit, self.total = limit, 0

    def append(self, issue: ImportIssue) -> None:
        self.total += 1
        if len(self) < self.limit:
            super().append(issue)

    def extend(self, issues: Iterable[ImportIssue]) -> None:
        for issue in issues:
            self.append(issue)


@dataclass
class ParsedWorkbook:
    units: list[UnitRecord]
    issues: list[ImportIssue]
    issue_total: int = -1  # how many problems in all (issues lists at most MAX_LISTED_ISSUES)

    def __post_init__(self):
        if self.issue_total < 0:
            self.issue_total = getattr(self.issues, "total", len(self.issues))


# ---------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------
def open_workbook(data: bytes, *, max_bytes: int):
    """The workbook (read-only mode), or raise CellError with why the file cannot be read."""
    if len(data) > max_bytes:
        raise CellError(_("文件过大：%(size)s MB，上限为 %(max)s MB") % {"size": f"{len(data) / 1048576:.1f}",
                                                              "max": f"{max_bytes / 1048576:.0f}"})
    if not data.startswith(XLSX_MAGIC):
        raise CellError(_("文件不是 Excel 工作簿（.xlsx）：请用导入模板填写后上传"))
    import openpyxl  # imported here: the rest of the module (sheet specs) is used without it

    try:
        # formulas are found in the sheet's XML (sheet_markup) and refused; values read as openpyxl caches them
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise CellError(_("无法读取该 Excel 文件（%(error)s）：请另存为 .xlsx 后重试") % {"error": type(exc).__name__}) from exc


MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)"')
# a cell holding a formula: <c r="Q2" …><f>20+10</f><v>30</v></c> (Excel), <f t="shared" si="0"/>, <v/> first
FORMULA_CELL = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*>(?:\s*<(?:\w+:)?v\s*/>|\s*<(?:\w+:)?v>[^<]*</(?:\w+:)?v>)?'
    rb'\s*<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)<)'
)
OVERLAP = 1 << 16  # a match cut by a chunk's end is found whole in the next one


@dataclass
class SheetMarkup:
    """What the read-only reader does not tell: merged ranges ("A2:C2") and formula cells ({"Q2": "=20+10"})."""

    merged: list[str] = field(default_factory=list)
    formulas: dict[str, str] = field(default_factory=dict)


def sheet_markup(data: bytes, ws) -> SheetMarkup:
    """One pass over a worksheet's XML (streamed, so a 50,000-row sheet costs no memory): merged ranges and
    formulas. A merged range reads as one value and blanks; a formula reads as its cached value or as
    nothing: both must be refused, not guessed at. Reading values stays on openpyxl's fast path."""
    markup = SheetMarkup()
    path = getattr(ws, "_worksheet_path", None)  # openpyxl's read-only sheet (pinned version)
    if not path:
        return markup
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as stream:
        while chunk := stream.read(1 << 20):
            buffer = tail + chunk
            markup.merged += [m.group(1).decode() for m in MERGE_REF.finditer(buffer)]
            for m in FORMULA_CELL.finditer(buffer):
                text = html.unescape(m.group(2).decode()) if m.group(2) is not None else _("共享公式")
                markup.formulas[m.group(1).decode()] = "=" + text if m.group(2) is not None else text
            tail = buffer[-OVERLAP:]
    markup.merged = list(dict.fromkeys(markup.merged))  # a match inside the overlap is seen twice
    return markup


def _covered(ranges: list[str]) -> dict[int, list[tuple[int, int, str]]]:
    """{row: [(first column, last column, range)]} for every row a merged range covers."""
    from openpyxl.utils.cell import range_boundaries

    covered: dict[int, list[tuple[int, int, str]]] = {}
    for ref in ranges:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        for row in range(min_row, max_row + 1):
            covered.setdefault(row, []).append((min_col, max_col, ref))
    return covered


def _cell_ref(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


@dataclass
class SheetRows:
    """What one sheet gave: its good rows, the unit codes of its bad rows, and whether it could be read."""

    parsed: list[tuple[int, dict]]
    bad_codes: set[str] = field(default_factory=set)
    readable: bool = True


def _read_sheet(ws, sheet: Sheet, issues: list[ImportIssue], data: bytes = b"") -> SheetRows:
    """Rows of one sheet as (row number, {key: value}); problems go to `issues`."""
    markup = sheet_markup(data, ws) if data else SheetMarkup()
    covered = _covered(markup.merged)
    reported_merges: set[str] = set()
    rows = ws.iter_rows(values_only=True)
    header_row = next(rows, None) or ()
    headers = [str(h).strip().rstrip("*").strip() if h is not None else "" for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        issues.append(ImportIssue(sheet.title, None, None, "", _("工作表是空的：第一行应为表头")))
        return SheetRows([], readable=False)
    expected = {c.header for c in sheet.columns}
    missing = [c.header for c in sheet.columns if c.header not in headers]
    unknown = [(i, h) for i, h in enumerate(headers, start=1) if h and h not in expected]  # blank: a spacer column
    repeated = [(i, h) for i, h in enumerate(headers, start=1) if h in expected and headers.index(h) != i - 1]
    for header in missing:
        issues.append(ImportIssue(sheet.title, 1, None, header, _("缺少表头“%(header)s”") % {"header": header}))
    for i, header in unknown:
        issues.append(ImportIssue(sheet.title, 1, i, header or _("第%(n)s列") % {"n": i},
                                      _("无法识别的表头“%(header)s”：请使用导入模板") % {"header": header}))
    for i, header in repeated:
        issues.append(ImportIssue(sheet.title, 1, i, header, _("表头“%(header)s”重复") % {"header": header}))
    merged_header = [ref for _first, _last, ref in covered.get(1, [])]
    for ref in dict.fromkeys(merged_header):
        issues.append(ImportIssue(sheet.title, 1, None, "", _("表头 %(ref)s 是合并单元格：请取消合并，每列一个表头") % {"ref": ref}))
    if missing or unknown or repeated or merged_header:
        return SheetRows([], readable=False)

    positions = [(headers.index(c.header), c) for c in sheet.columns]
    code_index = next((i for i, c in positions if c.key == "code"), None)
    result = SheetRows([])
    for row_number, values in enumerate(rows, start=2):
        if not any(v is not None and v != "" for v in values):
            continue  # blank rows are skipped, not errors
        record, row_ok = {}, True
        for first, _last, ref in covered.get(row_number, ()):  # refused: one value spread over several cells
            row_ok = False
            if ref not in reported_merges:
                reported_merges.add(ref)
                top_left = ref.split(":")[0]
                issues.append(ImportIssue(sheet.title, row_number, first, _sheet_header(sheet, headers, first),
                                          _("单元格 %(ref)s 是合并单元格：请取消合并，每个单元格分别填写") % {"ref": ref}
                                          + ("" if top_left.endswith(str(row_number)) else _("（合并区域从上一行开始）"))))
        merged_columns = {col for first, last, _ref in covered.get(row_number, ()) for col in range(first, last + 1)}
        for index, column in positions:
            value = values[index] if index < len(values) else None
            if index + 1 in merged_columns:
                continue  # reported once for the whole range above
            formula = markup.formulas.get(_cell_ref(row_number, index + 1)) if markup.formulas else None
            if formula is not None:
                formula = formula if len(formula) <= 40 else formula[:40] + "…"
                issues.append(ImportIssue(sheet.title, row_number, index + 1, column.header,
                                          _("单元格 %(ref)s 是公式（%(formula)s）：请改为直接填写数值或文字（复制后“选择性粘贴—数值”）")
                                          % {"ref": _cell_ref(row_number, index + 1), "formula": formula}))
                row_ok = False
                continue
            if isinstance(value, str) and not value.strip():
                value = None
            if value is None:
                if column.required:
                    issues.append(ImportIssue(sheet.title, row_number, index + 1, column.header, _("必填，不能为空")))
                    row_ok = False
                continue
            try:
                record[column.key] = column.parse(value)
            except CellError as exc:
                issues.append(ImportIssue(sheet.title, row_number, index + 1, column.header, str(exc)))
                row_ok = False
        if row_ok:
            result.parsed.append((row_number, record))
        elif code_index is not None and code_index < len(values) and values[code_index] not in (None, ""):
            result.bad_codes.add(str(values[code_index]).strip())  # its own error is listed; not its children's
    return result


def read_sheet(ws, sheet: Sheet, issues: list[ImportIssue], data: bytes = b"") -> SheetRows:
    """The reader of the registry import for another workbook of ours (the long sheets' upload): the same
    header, merged-cell and formula checks, the same issues by row and column."""
    return _read_sheet(ws, sheet, issues, data)


def _sheet_header(sheet: Sheet, headers: list[str], column: int) -> str:
    return headers[column - 1] if 0 < column <= len(headers) else _("第%(n)s列") % {"n": column}


def _column_number(sheet: Sheet, key: str) -> int:
    return next(i for i, c in enumerate(sheet.columns, start=1) if c.key == key)


def _header(sheet: Sheet, key: str) -> str:
    return sheet.columns[_column_number(sheet, key) - 1].header


def _issue(sheet: Sheet, row: int, key: str, message: str) -> ImportIssue:
    return ImportIssue(sheet.title, row, _column_number(sheet, key), _header(sheet, key), message)


def parse_registry(data: bytes, *, max_bytes: int) -> ParsedWorkbook:
    """Read the whole workbook. Every problem is reported, not just the first."""
    try:
        wb = open_workbook(data, max_bytes=max_bytes)
    except CellError as exc:
        return ParsedWorkbook([], [ImportIssue("", None, None, "", str(exc))])
    issues = IssueLog()
    try:
        sheets: dict[str, SheetRows] = {}
        for sheet in SHEETS:
            if sheet.title in wb.sheetnames:
                sheets[sheet.title] = _read_sheet(wb[sheet.title], sheet, issues, data)
            elif sheet is UNIT_SHEET:
                issues.append(ImportIssue(sheet.title, None, None, "", _("缺少工作表“%(sheet)s”：请使用导入模板") % {"sheet": sheet.title}))
                sheets[sheet.title] = SheetRows([], readable=False)
            else:
                sheets[sheet.title] = SheetRows([])  # the optional sheets may be left out
    finally:
        wb.close()
    unit_sheet = sheets[UNIT_SHEET.title]
    if unit_sheet.readable and not unit_sheet.parsed and not unit_sheet.bad_codes and not issues:
        issues.append(ImportIssue(UNIT_SHEET.title, None, None, "", _("工作表“%(sheet)s”中没有数据") % {"sheet": UNIT_SHEET.title}))
    rows = {title: sheet_rows.parsed for title, sheet_rows in sheets.items()}
    # A child row whose unit row is wrong (or whose 单位 sheet cannot be read) is not an error of its own:
    # one wrong header must not list every row of the other sheets.
    listed = None if not unit_sheet.readable else unit_sheet.bad_codes
    units = _units(unit_sheet.parsed, rows, issues, bad_codes=listed)
    return ParsedWorkbook(units, issues, issues.total)


def _units(unit_rows, rows, issues: list[ImportIssue], bad_codes: set[str] | None = frozenset()) -> list[UnitRecord]:
    by_code: dict[str, tuple[int, dict]] = {}
    credit_rows: dict[str, int] = {}
    for row, values in unit_rows:
        code = values["code"]
        if code in by_code:
            issues.append(_issue(UNIT_SHEET, row, "code", _("单位代码“%(code)s”重复（第%(row)s行已有）") % {"code": code, "row": by_code[code][0]}))
            continue
        if values["credit_code"] in credit_rows:
            issues.append(_issue(UNIT_SHEET, row, "credit_code",
                                 _("统一社会信用代码与第%(row)s行重复") % {"row": credit_rows[values["credit_code"]]}))
        credit_rows.setdefault(values["credit_code"], row)
        _unit_rules(row, values, issues)
        by_code[code] = (row, values)

    children = {
        sheet.title: _children(sheet, rows.get(sheet.title, []), by_code, issues, bad_codes) for sheet in SHEETS[1:]
    }
    records = []
    for code, (row, v) in by_code.items():
        quotas = [(kind, v.get(quota_key(kind, "approved"), 0), v.get(quota_key(kind, "actual"), 0)) for kind in QUOTA_KINDS]
        records.append(
            UnitRecord(
                code=code, name=v["name"], short_name=v.get("short_name", ""), credit_code=v["credit_code"],
                kind=v["kind"], institution_class=v.get("institution_class", ""), level=v["level"],
                region=v["region"], rank=v.get("rank", ""), parent_code=v.get("parent_code", ""),
                supervisor_code=v.get("supervisor_code", ""), status=v["status"],
                abolished_on=v.get("abolished_on"), approval_number=v.get("approval_number", ""),
                approval_date=v.get("approval_date"), staff_as_of=v["staff_as_of"],
                quotas=canonical_lines(quotas, QUOTA_KINDS),
                posts=canonical_lines(children[POST_SHEET.title].get(code, ()), RANKS),
                functions=tuple(t for _p, t in sorted(children[FUNCTION_SHEET.title].get(code, ()))),
                bodies=tuple((n, d) for _p, n, d in sorted(children[BODY_SHEET.title].get(code, ()))),
                row=row,
            )
        )
    return records


def _unit_rules(row: int, v: dict, issues: list[ImportIssue]) -> None:
    """Rules across the cells of one unit row."""
    if v.get("institution_class") and v["kind"] != Unit.Kind.PUBLIC_INSTITUTION:
        issues.append(_issue(UNIT_SHEET, row, "institution_class", _("只有事业单位才填写事业单位类别")))
    if v["status"] == Unit.Status.ABOLISHED and not v.get("abolished_on"):
        issues.append(_issue(UNIT_SHEET, row, "abolished_on", _("状态为“撤销”时必须填写撤销日期")))
    if v["status"] == Unit.Status.ACTIVE and v.get("abolished_on"):
        issues.append(_issue(UNIT_SHEET, row, "abolished_on", _("状态为“正常”的单位不应有撤销日期")))
    for key in ("parent_code", "supervisor_code"):
        if v.get(key) == v["code"]:
            issues.append(_issue(UNIT_SHEET, row, key, _("不能是单位自己（上下级关系形成循环）")))


def _children(sheet: Sheet, sheet_rows, by_code, issues: list[ImportIssue],
              bad_codes: set[str] | None = frozenset()) -> dict[str, list]:
    """The rows of a child sheet grouped by unit code; unknown codes and repeated keys are issues.
    `bad_codes`: units whose own row has an error (None: the 单位 sheet could not be read at all)."""
    key_name = "rank" if sheet is POST_SHEET else "position"
    grouped: dict[str, list] = {}
    seen: dict[tuple, int] = {}
    for row, v in sheet_rows:
        code = v["code"]
        if code not in by_code:
            if bad_codes is not None and code not in bad_codes:
                issues.append(_issue(sheet, row, "code", _("单位代码“%(code)s”不在“%(sheet)s”表中") % {"code": code, "sheet": UNIT_SHEET.title}))
            continue
        key = (code, v[key_name])
        if key in seen:
            issues.append(_issue(sheet, row, key_name, _("与第%(row)s行重复（同一单位的%(header)s不能重复）") % {
                "row": seen[key], "header": _header(sheet, key_name)}))
            continue
        seen[key] = row
        if sheet is POST_SHEET:
            line = (v["rank"], v["approved"], v["actual"])
        elif sheet is FUNCTION_SHEET:
            line = (v["position"], v["text"])
        else:
            line = (v["position"], v["name"], v.get("duties", ""))
        grouped.setdefault(code, []).append(line)
    return grouped


# ---------------------------------------------------------------------------------------------------------
# Checks against the rest of the registry
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KnownUnit:
    """What the database knows of a unit, for the tree and uniqueness checks."""

    parent_code: str
    supervisor_code: str
    credit_code: str


def registry_issues(records: list[UnitRecord], known: dict[str, KnownUnit]) -> list[ImportIssue]:
    """Unknown parents, cycles and credit codes held by another unit, once the file is applied."""
    merged = dict(known)
    for r in records:
        merged[r.code] = KnownUnit(r.parent_code, r.supervisor_code, r.credit_code)
    issues = []
    holders: dict[str, str] = {}
    for code, unit in known.items():
        if unit.credit_code and merged[code].credit_code == unit.credit_code:
            holders[unit.credit_code] = code
    for r in records:
        for key, label in (("parent_code", _("上级单位")), ("supervisor_code", _("主管部门"))):
            target = getattr(r, key)
            if target and target not in merged:
                issues.append(_issue(UNIT_SHEET, r.row, key, _("%(label)s代码“%(code)s”不存在：既不在本表，也不在系统中") % {
                    "label": label, "code": target}))
        holder = holders.get(r.credit_code)
        if holder and holder != r.code:
            issues.append(_issue(UNIT_SHEET, r.row, "credit_code", _("统一社会信用代码已被单位“%(unit)s”使用") % {"unit": holder}))
    for key, label in (("parent_code", _("上级单位")), ("supervisor_code", _("主管部门"))):
        for r in records:
            cycle = _cycle_from(r.code, merged, key)
            if cycle and len(cycle) > 1:  # a unit as its own parent is reported by the row check
                issues.append(_issue(UNIT_SHEET, r.row, key, _("%(label)s关系形成循环：%(cycle)s") % {"label": label, "cycle": " → ".join(cycle)}))
    return issues


def _cycle_from(code: str, merged: dict[str, KnownUnit], key: str) -> list[str] | None:
    """The cycle `code` is on when following `key` upwards, or None."""
    path, current = [code], getattr(merged[code], key)
    while current and current in merged:
        if current == code:
            return path + [code]
        if current in path:
            return None  # a cycle above this unit, reported on the units that are on it
        path.append(current)
        current = getattr(merged[current], key)
    return None
