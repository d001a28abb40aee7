"""A form's definition as an xlsx workbook, in a documented layout (README, "表册的 Excel 格式"): read and write.

Pure (no ORM). The layout, sheet "题目", one row per question followed by its options or matrix rows:

    题号 | 题型 | 题目或选项 | 必答 | 分值 | 可填写说明 | 维度或指标 | 最小值 | 最大值 | 小数位数 | 显示条件

A question row has its number in 题号 and a type (单选, 多选, 矩阵量表, 打分, 数字, 日期, 短文本, 长文本, 附件);
the rows under it with 题型 "选项" are its options (分值: share of full marks 0–1; 可填写说明: 是 for "其他，请注明"),
"矩阵行" the rows of a matrix (each with its 维度或指标). 显示条件: "第3题=选项甲、选项乙；第5题=其他" (all must
hold). Sheet "表册": 标题 and 填表说明 in column B. No codes anywhere: they are generated on import.
Reading is all or nothing: every problem is listed by sheet, row and column, and nothing is saved.
"""

import io
import re
from collections.abc import Iterator, Mapping
from typing import Any

from bianzhi import spreadsheets
from bianzhi.importers import CellError, ImportIssue, open_workbook

from .definition import MATRIX, MULTIPLE, NUMBER, OPTION_TYPES, SCORE, TYPE_LABELS

SHEET = "题目"
INFO_SHEET = "表册"
HEADERS = ("题号", "题型", "题目或选项", "必答", "分值", "可填写说明", "维度或指标", "最小值", "最大值", "小数位数", "显示条件")
OPTION, ROW = "选项", "矩阵行"
TYPES_BY_LABEL = {label: code for code, label in TYPE_LABELS.items()}
YES, NO = {"是", "必答", "Y", "y", "1", "TRUE", "True"}, {"否", "", "N", "n", "0", "FALSE", "False"}
MAX_BYTES = 5 * 1024 * 1024
CONDITION = re.compile(r"^第\s*(\d+)\s*题\s*[=＝]\s*(.+)$")


class ImportRefused(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value).strip()
    if value.startswith("'") and spreadsheets.is_formula_text(value[1:]):
        value = value[1:]  # our own export made it inert: read back what was typed
    return value


def _yes(value: str, issue) -> bool:
    if value in YES:
        return True
    if value not in NO:
        issue("请填写“是”或“否”")
    return False


def definition_read(data: bytes, *, tree) -> dict:
    """The workbook → a definition (surveys.definition's shape, codes left to be generated); ImportRefused
    lists every problem by sheet, row and column. `tree` gives the names it accepts: an indicator or a
    dimension by its code or its name (`tree.names`, {name: code})."""
    try:
        book = open_workbook(data, max_bytes=MAX_BYTES)
    except CellError as exc:
        raise ImportRefused([str(exc)]) from None
    if SHEET not in book.sheetnames:
        raise ImportRefused([f"找不到工作表“{SHEET}”：请用导出的表册格式填写"])
    errors: list[str] = []
    names = getattr(tree, "names", {}) or {}
    known = {**{c: c for c in tree.indicators}, **{c: c for c in tree.dimensions}, **names}
    rows = list(book[SHEET].iter_rows(values_only=True))
    if not rows or tuple(_text(v) for v in rows[0][:len(HEADERS)]) != HEADERS:
        raise ImportRefused([f"{SHEET} 第1行：表头须为 {' | '.join(HEADERS)}"])
    questions: list[dict] = []
    conditions: list[tuple[dict, str, int]] = []
    for number, raw in enumerate(rows[1:], start=2):
        cells = {h: _text(raw[i]) if i < len(raw) else "" for i, h in enumerate(HEADERS)}
        if not any(cells.values()):
            continue

        def issue(message: str, header: str, row=number) -> None:
            errors.append(str(ImportIssue(sheet=SHEET, row=row, column=HEADERS.index(header) + 1, header=header,
                                          message=message)))

        kind = cells["题型"]
        tag = cells["维度或指标"]
        if tag and tag not in known:
            issue(f"没有这个维度或指标：{tag}", "维度或指标")
        tag_code = known.get(tag, "")
        tagged = {"indicator": tag_code if tag_code in tree.indicators else "",
                  "dimension": tag_code if tag_code in tree.dimensions else ""}
        if kind in (OPTION, ROW):
            owner = questions[-1] if questions else None
            if owner is None or owner["type"] not in OPTION_TYPES or (kind == ROW and owner["type"] != MATRIX):
                issue("选项须紧跟在选择题或矩阵题之后，矩阵行只属于矩阵题" if owner else "请先写题目行", "题型")
                continue
            if kind == ROW:
                owner["rows"].append({"label": cells["题目或选项"], **tagged})
            else:
                owner["options"].append({"label": cells["题目或选项"], "points": cells["分值"] or None,
                                         "other": _yes(cells["可填写说明"], lambda m: issue(m, "可填写说明"))})
            continue
        if kind not in TYPES_BY_LABEL:
            issue(f"题型须为：{'、'.join(TYPES_BY_LABEL)}、{OPTION}、{ROW}", "题型")
            continue
        if not cells["题号"].isdigit() or int(cells["题号"]) != len(questions) + 1:
            issue(f"题号须为 {len(questions) + 1}（按顺序编号）", "题号")
        qtype = TYPES_BY_LABEL[kind]
        question = {"type": qtype, "text": cells["题目或选项"],
                    "required": _yes(cells["必答"], lambda m: issue(m, "必答")) if cells["必答"] else True,
                    **tagged, "options": [], "rows": [], "min": cells["最小值"] or None, "max": cells["最大值"] or None,
                    "decimals": cells["小数位数"] or 0, "show_if": [], "code": f"q{len(questions) + 1}"}
        if cells["小数位数"] and cells["小数位数"] not in ("0", "1", "2"):
            issue("小数位数须为 0、1 或 2", "小数位数")
        questions.append(question)
        if cells["显示条件"]:
            conditions.append((question, cells["显示条件"], number))
    for question, text, number in conditions:
        for part in re.split(r"[；;]", text):
            part = part.strip()
            if not part:
                continue
            match = CONDITION.match(part)
            target = questions[int(match.group(1)) - 1] if match and 0 < int(match.group(1)) <= len(questions) else None
            if target is None or target is question:
                errors.append(str(ImportIssue(sheet=SHEET, row=number, column=11, header="显示条件",
                                              message=f"写成“第3题=选项甲、选项乙”，且须是前面的题目：{part}")))
                continue
            labels = [v.strip() for v in re.split(r"[、,，]", match.group(2)) if v.strip()]
            by_label = {o["label"]: n for n, o in enumerate(target["options"], start=1)}
            missing = [label for label in labels if label not in by_label]
            if missing:
                errors.append(str(ImportIssue(sheet=SHEET, row=number, column=11, header="显示条件",
                                              message=f"第{match.group(1)}题没有这些选项：{'、'.join(missing)}")))
                continue
            # options get their codes on import: refer to them by the code they will get (o1, o2, … in order)
            question["show_if"].append({"question": target["code"], "values": [f"o{by_label[label]}" for label in labels]})
    for question in questions:
        for n, option in enumerate(question["options"], start=1):
            option["code"] = f"o{n}"
        for n, row in enumerate(question["rows"], start=1):
            row["code"] = f"r{n}"
    if errors:
        raise ImportRefused(errors)
    info: dict[str, str] = {}
    if INFO_SHEET in book.sheetnames:
        for raw in book[INFO_SHEET].iter_rows(values_only=True):
            if raw and len(raw) > 1:
                info[_text(raw[0])] = _text(raw[1])
    return {"title": info.get("标题", ""), "intro": info.get("填表说明", ""), "questions": questions}


def _number(value) -> str:
    return "" if value in (None, "") else format(float(value), "g")


def definition_rows(definition: Mapping, *, tag_names: Mapping[str, str]) -> Iterator[list]:
    """The "题目" sheet's rows of a definition: labels only (options, tags and show-if by name)."""
    yield list(HEADERS)
    numbers = {q["code"]: n for n, q in enumerate(definition["questions"], start=1)}
    by_code = {q["code"]: q for q in definition["questions"]}
    for n, q in enumerate(definition["questions"], start=1):
        conditions = []
        for c in q.get("show_if") or []:
            target = by_code.get(c["question"])
            if target:
                labels = {o["code"]: o["label"] for o in target["options"]}
                conditions.append(f"第{numbers[c['question']]}题=" + "、".join(labels.get(v, v) for v in c["values"]))
        bounds = q["type"] in (SCORE, NUMBER, MULTIPLE)
        yield [n, TYPE_LABELS[q["type"]], q["text"], "是" if q["required"] else "否", "", "",
               tag_names.get(q.get("indicator") or q.get("dimension") or "", ""),
               q.get("min") if bounds and q.get("min") is not None else "",
               q.get("max") if bounds and q.get("max") is not None else "",
               q.get("decimals") or "" if q["type"] in (SCORE, NUMBER) else "", "；".join(conditions)]
        for o in q.get("options") or []:
            yield ["", OPTION, o["label"], "", _number(o.get("points")), "是" if o.get("other") else "", "", "", "", "", ""]
        for r in q.get("rows") or []:
            yield ["", ROW, r["label"], "", "", "", tag_names.get(r.get("indicator") or r.get("dimension") or "", ""),
                   "", "", "", ""]


LAYOUT_NOTES = (
    ("题号", "题目的序号，从 1 起按顺序编号；选项行和矩阵行留空"),
    ("题型", "单选、多选、矩阵量表、打分、数字、日期、短文本、长文本、附件（仅评估表）；选项行写“选项”，矩阵的各行写“矩阵行”"),
    ("题目或选项", "题目行写题目；选项行写选项名称；矩阵行写该行的名称（如“职能配置”）"),
    ("必答", "是 / 否（留空为是）"),
    ("分值", "选项行：该选项占满分的比例，0 至 1（如 满意 1、基本满意 0.6、不满意 0）；用于计分"),
    ("可填写说明", "选项行：是 = 选择该项时请填写说明（如“其他，请注明”）"),
    ("维度或指标", "题目行或矩阵行：计入的评估维度或指标的名称（如“权责统一度”）"),
    ("最小值 / 最大值", "打分题、数字题的范围；多选题的最少 / 最多选择项数"),
    ("小数位数", "打分题、数字题允许的小数位数：0、1 或 2"),
    ("显示条件", "仅当前面的题选择了某些选项时才显示，如“第3题=不满意；第5题=其他”，多个条件须同时满足"),
)


@spreadsheets.exporter
def definition_xlsx(definition: Mapping, *, tag_names: Mapping[str, str]) -> bytes:
    """The workbook of a definition: 题目 (the layout above), 表册 (title, intro) and 说明 (the layout)."""
    book = spreadsheets.workbook()
    sheet = book.active
    sheet.title = SHEET
    for row in definition_rows(definition, tag_names=tag_names):
        spreadsheets.append(sheet, row)
    for column, width in zip("ABCDEFGHIJK", (6, 10, 48, 6, 6, 10, 20, 8, 8, 8, 30), strict=True):
        sheet.column_dimensions[column].width = width
    info = book.create_sheet(INFO_SHEET)
    spreadsheets.append(info, ["标题", definition.get("title", "")])
    spreadsheets.append(info, ["填表说明", definition.get("intro", "")])
    notes = book.create_sheet("说明")
    spreadsheets.append(notes, ["列", "怎么填"])
    for row in LAYOUT_NOTES:
        spreadsheets.append(notes, list(row))
    out = io.BytesIO()
    spreadsheets.neutralise(book)
    book.save(out)
    return out.getvalue()
