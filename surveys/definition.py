"""A form's definition as plain data: what the editor posts, a template keeps and the xlsx layout carries.

Pure (no ORM): `definition_clean` checks a definition against the form's kind and the campaign's tree and
returns it normalised, with every code filled in (codes are generated, never typed: q1…, o1…, r1…), or
raises DefinitionError with one Chinese message per problem, each naming the question by its number.

A definition: {"title", "intro", "questions": [question, ...]}; a question:
  {"code", "type", "text", "required", "indicator", "dimension", "counts_for_satisfaction",
   "options": [{"code", "label", "points", "other"}],          # single, multiple, matrix (its scale)
   "rows": [{"code", "label", "indicator", "dimension"}],       # matrix
   "min", "max", "decimals",                                    # score (rating), number; min/max selected for multiple
   "show_if": [{"question": code, "values": [option codes]}]}   # earlier questions only, all must hold
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

SINGLE, MULTIPLE, MATRIX, SCORE = "single_choice", "multiple_choice", "matrix", "score"
SHORT_TEXT, LONG_TEXT, NUMBER, DATE, FILE = "short_text", "long_text", "number", "date", "file"
CHOICE_TYPES = {SINGLE, MULTIPLE}
OPTION_TYPES = {SINGLE, MULTIPLE, MATRIX}

# Chinese in the form-import workbook (the importer matches them); gettext() them where a page shows them.
TYPE_LABELS = {
    SINGLE: gettext_noop("单选"), MULTIPLE: gettext_noop("多选"), MATRIX: gettext_noop("矩阵量表"),
    SCORE: gettext_noop("打分"), SHORT_TEXT: gettext_noop("短文本"), LONG_TEXT: gettext_noop("长文本"),
    NUMBER: gettext_noop("数字"), DATE: gettext_noop("日期"), FILE: gettext_noop("附件"),
}
# What each kind of form can ask. The staff assessment keeps counts, not sheets: nothing it cannot tally;
# the evaluators' sheet is scored per indicator, with files; files never come from the public.
KIND_TYPES = {
    "questionnaire": [SINGLE, MULTIPLE, MATRIX, SCORE, NUMBER, DATE, SHORT_TEXT, LONG_TEXT],
    "satisfaction": [SINGLE, MULTIPLE, MATRIX, SCORE, NUMBER, DATE, SHORT_TEXT, LONG_TEXT],
    "staff_assessment": [SINGLE, MULTIPLE, MATRIX, SCORE, SHORT_TEXT, LONG_TEXT],
    "evaluation_sheet": [SCORE, FILE],
}
MAX_QUESTIONS, MAX_OPTIONS, MAX_ROWS = 200, 30, 60


class DefinitionError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(_("；").join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Tree:
    """What the definition may be tagged with: {indicator code: dimension code} and the dimension codes."""

    indicators: Mapping[str, str]
    dimensions: frozenset[str]
    names: Mapping[str, str] = field(default_factory=dict)  # {name: code}, for a workbook that names them


def _decimal(value, where: str, errors: list[str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.append(_("%(where)s：须为数字") % {"where": where})
        return None
    if not number.is_finite():
        errors.append(_("%(where)s：须为数字") % {"where": where})
        return None
    return number


def _next_code(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    taken.add(f"{prefix}{n}")
    return f"{prefix}{n}"


def _slug(code) -> str:
    code = str(code or "").strip()
    return code if code and len(code) <= 32 and all(c.isascii() and (c.isalnum() or c in "_-") for c in code) else ""


def _tags(raw: Mapping, tree: Tree, where: str, errors: list[str]) -> tuple[str, str]:
    indicator = str(raw.get("indicator") or "").strip().upper()
    dimension = str(raw.get("dimension") or "").strip().upper()
    if indicator:
        if indicator not in tree.indicators:
            errors.append(_("%(where)s：没有这个评估指标") % {"where": where})
            return "", dimension if dimension in tree.dimensions else ""
        dimension = tree.indicators[indicator]
    if dimension and dimension not in tree.dimensions:
        errors.append(_("%(where)s：没有这个评估维度") % {"where": where})
        dimension = ""
    return indicator, dimension


def _options(raw: list, where: str, errors: list[str], *, matrix: bool) -> list[dict]:
    options, taken = [], {c for c in (_slug(o.get("code")) for o in raw if isinstance(o, Mapping)) if c}
    seen_codes: set[str] = set()
    for n, o in enumerate(raw, start=1):
        if not isinstance(o, Mapping):
            continue
        label = str(o.get("label") or "").strip()
        if not label:
            errors.append(_("%(where)s第 %(n)s 个选项：名称不能为空") % {"where": where, "n": n})
            continue
        code = _slug(o.get("code"))
        if not code or code in seen_codes:
            code = _next_code("o", taken)
        seen_codes.add(code)
        points = _decimal(o.get("points"), _("%(where)s选项“%(label)s”的分值") % {"where": where, "label": label}, errors)
        if points is not None and not Decimal(0) <= points <= Decimal(1):
            errors.append(_("%(where)s选项“%(label)s”的分值须在 0 至 1 之间（占满分的比例）")
                          % {"where": where, "label": label})
            points = None
        options.append({"code": code, "label": label[:100], "points": float(points) if points is not None else None,
                        "other": bool(o.get("other")) and not matrix})
    labels = [o["label"] for o in options]
    if len(options) < 2:
        errors.append(_("%(where)s：至少需要两个选项") % {"where": where})
    elif len(set(labels)) != len(labels):
        errors.append(_("%(where)s：选项名称不能重复") % {"where": where})
    if len(options) > MAX_OPTIONS:
        errors.append(_("%(where)s：选项不能超过 %(n)s 个") % {"where": where, "n": MAX_OPTIONS})
    return options


def _rows(raw: list, tree: Tree, where: str, errors: list[str]) -> list[dict]:
    rows, taken = [], {c for c in (_slug(r.get("code")) for r in raw if isinstance(r, Mapping)) if c}
    seen: set[str] = set()
    for n, r in enumerate(raw, start=1):
        if not isinstance(r, Mapping):
            continue
        label = str(r.get("label") or "").strip()
        row_where = _("%(where)s第 %(n)s 行") % {"where": where, "n": n}
        if not label:
            errors.append(_("%(where)s：名称不能为空") % {"where": row_where})
            continue
        code = _slug(r.get("code"))
        if not code or code in seen:
            code = _next_code("r", taken)
        seen.add(code)
        indicator, dimension = _tags(r, tree, row_where, errors)
        rows.append({"code": code, "label": label[:200], "indicator": indicator, "dimension": dimension})
    if not rows:
        errors.append(_("%(where)s：矩阵至少需要一行") % {"where": where})
    if len(rows) > MAX_ROWS:
        errors.append(_("%(where)s：矩阵不能超过 %(n)s 行") % {"where": where, "n": MAX_ROWS})
    return rows


def _question(raw: Mapping, kind: str, tree: Tree, where: str, errors: list[str], taken: set[str],
              avoid: set[str]) -> dict | None:
    kind_types = KIND_TYPES[kind]
    qtype = str(raw.get("type") or "")
    if qtype not in kind_types:
        errors.append(_("%(where)s：这类表册不能使用该题型（可用：%(types)s）")
                      % {"where": where, "types": _("、").join(_(TYPE_LABELS[t]) for t in kind_types)})
        return None
    text = str(raw.get("text") or "").strip()
    if not text:
        errors.append(_("%(where)s：题目不能为空") % {"where": where})
    code = _slug(raw.get("code"))
    if not code or code in taken:
        code = _next_code("q", taken | avoid)
    indicator, dimension = _tags(raw, tree, where, errors)
    q = {"code": code, "type": qtype, "text": text[:500], "required": bool(raw.get("required", True)),
         "indicator": indicator, "dimension": dimension,
         "counts_for_satisfaction": bool(raw.get("counts_for_satisfaction")),
         "options": [], "rows": [], "min": None, "max": None, "decimals": 0, "show_if": []}
    if qtype in OPTION_TYPES:
        q["options"] = _options(list(raw.get("options") or []), where, errors, matrix=qtype == MATRIX)
    if qtype == MATRIX:
        q["rows"] = _rows(list(raw.get("rows") or []), tree, where, errors)
        q["indicator"] = ""  # a matrix's rows carry the tags
    low = _decimal(raw.get("min"), _("%(where)s的最小值") % {"where": where}, errors)
    high = _decimal(raw.get("max"), _("%(where)s的最大值") % {"where": where}, errors)
    if qtype == SCORE and (low is None or high is None):
        errors.append(_("%(where)s：请填写最低分和满分") % {"where": where})
    if low is not None and high is not None and low >= high:
        errors.append(_("%(where)s：最大值须大于最小值") % {"where": where})
    if qtype in (SCORE, NUMBER):
        q["min"], q["max"] = (str(low) if low is not None else None), (str(high) if high is not None else None)
        try:
            q["decimals"] = max(0, min(2, int(raw.get("decimals") or 0)))
        except (TypeError, ValueError):
            errors.append(_("%(where)s：小数位数须为 0、1 或 2") % {"where": where})
    elif qtype == MULTIPLE:
        for bound, value in (("min", low), ("max", high)):
            if value is not None and (value != int(value) or not 0 <= value <= len(q["options"])):
                errors.append(_("%(where)s：最少/最多选择项数须为不超过选项数的整数") % {"where": where})
                value = None
            q[bound] = int(value) if value is not None else None
    return q


def _show_if(raw: list, q: dict, earlier: dict[str, dict], numbers: dict[str, int], where: str, errors: list[str]) -> list:
    conditions = []
    for condition in raw or []:
        if not isinstance(condition, Mapping):
            continue
        target = earlier.get(str(condition.get("question") or ""))
        if target is None:
            errors.append(_("%(where)s：显示条件只能依据它前面的选择题") % {"where": where})
            continue
        if target["type"] not in CHOICE_TYPES:
            errors.append(_("%(where)s：显示条件只能依据单选或多选题（第 %(n)s 题不是）")
                          % {"where": where, "n": numbers[target["code"]]})
            continue
        codes = {o["code"] for o in target["options"]}
        values = [str(v) for v in condition.get("values") or [] if str(v) in codes]
        if not values:
            errors.append(_("%(where)s：请为显示条件选择第 %(n)s 题的至少一个选项")
                          % {"where": where, "n": numbers[target["code"]]})
            continue
        conditions.append({"question": target["code"], "values": values})
    return conditions


def definition_clean(definition: Mapping, *, kind: str, tree: Tree) -> dict:
    """The definition checked and normalised; raises DefinitionError listing every problem."""
    errors: list[str] = []
    raw_questions = list(definition.get("questions") or [])
    if not raw_questions:
        errors.append(_("表册至少需要一道题目"))
    if len(raw_questions) > MAX_QUESTIONS:
        errors.append(_("题目不能超过 %(n)s 道") % {"n": MAX_QUESTIONS})
    # Codes the editor sent are kept (answers and show-if refer to them); missing ones are generated.
    taken: set[str] = set()
    sent = [_slug(q.get("code")) if isinstance(q, Mapping) else "" for q in raw_questions]
    renamed: dict[str, str] = {}
    questions: list[dict] = []
    for n, raw in enumerate(raw_questions, start=1):
        if not isinstance(raw, Mapping):
            errors.append(_("第 %(n)s 题：格式不正确") % {"n": n})
            continue
        where = _("第 %(n)s 题") % {"n": n}
        q = _question(raw, kind, tree, where, errors, taken, {c for c in sent[n:] if c})
        if q is None:
            continue
        taken.add(q["code"])
        if sent[n - 1] and sent[n - 1] != q["code"]:
            renamed[sent[n - 1]] = q["code"]
        questions.append((n, raw, q))
    earlier: dict[str, dict] = {}
    numbers: dict[str, int] = {}
    out = []
    for n, raw, q in questions:
        where = _("第 %(n)s 题") % {"n": n}
        wanted = [{**c, "question": renamed.get(str(c.get("question")), c.get("question"))}
                  for c in (raw.get("show_if") or []) if isinstance(c, Mapping)]
        q["show_if"] = _show_if(wanted, q, earlier, numbers, where, errors)
        earlier[q["code"]], numbers[q["code"]] = q, n
        out.append(q)
    if errors:
        raise DefinitionError(errors)
    return {"title": str(definition.get("title") or "").strip()[:200], "intro": str(definition.get("intro") or "").strip(),
            "questions": out}


def question_fields(q: Mapping) -> dict:
    """A normalised question as the Question model's fields (`choices`/`points` from its option rows)."""
    options = q.get("options") or []
    fields = {
        "code": q["code"], "type": q["type"], "text": q["text"], "required": q["required"],
        "indicator": q["indicator"], "dimension": q["dimension"],
        "counts_for_satisfaction": q["counts_for_satisfaction"],
        "choices": [[o["code"], o["label"]] for o in options],
        "points": {o["code"]: o["points"] for o in options if o.get("points") is not None},
        "other_choices": [o["code"] for o in options if o.get("other")],
        "rows": list(q.get("rows") or []),
        "show_if": list(q.get("show_if") or []), "show_if_code": "", "show_if_values": [],
        "min_score": None, "max_score": None, "decimals": 0, "min_selected": None, "max_selected": None,
    }
    if q["type"] in (SCORE, NUMBER):
        fields.update(min_score=Decimal(q["min"]) if q.get("min") is not None else None,
                      max_score=Decimal(q["max"]) if q.get("max") is not None else None, decimals=q.get("decimals") or 0)
    if q["type"] == MULTIPLE:
        fields.update(min_selected=q.get("min"), max_selected=q.get("max"))
    return fields


def _plain(value) -> str | None:
    """10.00 → "10" (a stored Decimal and a typed one compare equal)."""
    if value is None:
        return None
    return format(Decimal(str(value)).normalize(), "f")


def question_definition(question) -> dict:
    """A saved question (a model instance or anything with its fields) as a definition's question."""
    points = question.points or {}
    other = set(question.other_choices or [])
    low, high = ((question.min_score, question.max_score) if question.type in (SCORE, NUMBER)
                 else (question.min_selected, question.max_selected))
    return {
        "code": question.code, "type": question.type, "text": question.text, "required": question.required,
        "indicator": question.indicator, "dimension": question.dimension,
        "counts_for_satisfaction": question.counts_for_satisfaction,
        "options": [{"code": v, "label": label, "points": points.get(v), "other": v in other}
                    for v, label in question.choices],
        "rows": list(question.rows or []),
        "min": _plain(low), "max": _plain(high),
        "decimals": question.decimals,
        "show_if": [dict(c) for c in question.conditions],
    }


def template_definition(template: Mapping) -> dict:
    """A default template of surveys.defaults (choices as [code, label] pairs, points as a dict) as a definition."""
    questions = []
    for q in template["questions"]:
        points = q.get("points") or {}
        condition = ([{"question": q["show_if_code"], "values": list(q.get("show_if_values") or [])}]
                     if q.get("show_if_code") else [])
        questions.append({
            "code": q["code"], "type": q["type"], "text": q["text"], "required": q.get("required", True),
            "indicator": q.get("indicator", ""), "dimension": q.get("dimension", ""),
            "counts_for_satisfaction": q.get("counts_for_satisfaction", False),
            "options": [{"code": v, "label": label, "points": points.get(v), "other": False}
                        for v, label in q.get("choices") or []],
            "rows": [], "min": q.get("min_score"), "max": q.get("max_score"), "decimals": q.get("decimals", 0),
            "show_if": condition,
        })
    return {"title": template.get("title", ""), "intro": template.get("intro", ""), "questions": questions}
