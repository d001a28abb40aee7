"""Scoring rules: how each indicator's source becomes points, and how points become a result. Pure (only
Django's gettext for the labels).

Every function takes plain data and returns points on the indicator's full marks (a Decimal-free float), or
None when the source has nothing to say: a missing indicator is *missing*, never zero and never full marks.
The arithmetic of each rule is named in its docstring and in tests/scoring/test_rules.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

INSTITUTIONAL_KINDS = frozenset({"institutional_full", "institutional_partial", "institutional_self"})

# The rules an indicator may declare, with the parameters each takes and their defaults.
RULES: dict[str, tuple[str, dict]] = {
    "staffing_in_place": (gettext_lazy("人员配备到位度：各编制类别实有人数（不超过核定数）之和 ÷ 核定编制之和 × 满分；超编的人不抵其他类别的空编"), {}),
    "quota_rules": (gettext_lazy("每个超编的编制类别、党政机关使用事业编制各扣 per_case 分，扣完为止"), {"per_case": 10}),
    "posts_within": (gettext_lazy("领导职数：每个职级超出核定数的每一人扣 per_post 分，扣完为止"), {"per_post": 5}),
    "staff_dimension": (gettext_lazy("测评表：该维度各答案的选项分值平均 × 满分（低于最少人数时不计）；问卷或满意度测评表中标注本指标的"
                                     "题目有回答时，得分率 = 测评表 ×（1 − form_share）+ 问卷选项分值平均 × form_share"),
                        {"dimension": "", "form_share": 0.3}),
    "questions": (gettext_lazy("表册中标注本指标的题目，各答案的选项分值平均 × 满分"), {"form": "questionnaire"}),
    "sheet": (gettext_lazy("评估表：评估组长签署的合成得分，折算到满分；问卷或满意度测评表中标注本指标的题目有回答时，"
                           "得分率 = 评估表 ×（1 − form_share）+ 问卷选项分值平均 × form_share；长期空编的编制类别每个扣 "
                           "long_vacancy_deduction 分；自评报告逾期报送（晚于部门自评截止日期）扣 late_deduction 分"),
              {"long_vacancy_deduction": 0, "late_deduction": 0, "form_share": 0.3}),
    "rectification_on_time": (gettext_lazy("上一轮评估的整改事项按期办结的比例 × 满分；上一轮没有整改事项得满分；本单位没有上一轮评估时记为缺项"), {}),
    "deduction": (gettext_lazy("负向指标：评估表记录的发生次数，每次扣 per_item 分，扣完为止"), {"per_item": 5}),
}
RULE_LABELS = {
    "staffing_in_place": gettext_lazy("编制台账：人员配备到位度"),
    "quota_rules": gettext_lazy("编制台账：超编、党政机关使用事业编制"),
    "posts_within": gettext_lazy("编制台账：超职数"),
    "staff_dimension": gettext_lazy("测评表"),
    "questions": gettext_lazy("调查问卷／满意度测评表"),
    "sheet": gettext_lazy("评估表"),
    "deduction": gettext_lazy("评估表（负向扣分）"),
    "rectification_on_time": gettext_lazy("整改台账：上一轮整改按期办结"),
}
OBJECTIVE_RULES = frozenset({"staffing_in_place", "quota_rules", "posts_within"})


def rule_params(rule: str, params: Mapping | None) -> dict:
    """The rule's parameters with its defaults filled in."""
    return {**RULES[rule][1], **(params or {})}


def rule_text(rule: str, params: Mapping | None, full_marks: float) -> str:
    """What the evaluator and the liaison read beside the indicator."""
    text = str(RULES[rule][0])
    for name, value in rule_params(rule, params).items():
        text = text.replace(name, str(value))
    return _("%(label)s。%(text)s（满分 %(full)s）") % {"label": RULE_LABELS[rule], "text": text, "full": f"{full_marks:g}"}


def _floor(points: float) -> float:
    return max(0.0, points)


# ---------------------------------------------------------------- objective: the pinned registry version

def staffing_in_place(quotas: Iterable[Sequence], full: float) -> float | None:
    """Σ_kind min(actual, approved) ÷ Σ_kind approved × full; None without any approved quota.

    Per kind, never netted: 行政 12 of 10 and 工勤 5 of 10 fill 10 + 5 = 15 of 20 posts (0.75), not 17 of 20.
    """
    approved = sum(a for _k, a, _n in quotas)
    if not approved:
        return None
    filled = sum(min(a, n) for _k, a, n in quotas)
    return full * filled / approved


def quota_cases(unit_kind: str, quotas: Iterable[Sequence]) -> list[str]:
    """The breaches of 严禁超编: each kind over its approved number, and an organ on institutional quotas."""
    cases = [f"超编:{kind}:{n - a}" for kind, a, n in quotas if n > a]
    if unit_kind == "party_government" and any(k in INSTITUTIONAL_KINDS and n > 0 for k, _a, n in quotas):
        cases.append("党政机关使用事业编制")
    return cases


def quota_rules(unit_kind: str, quotas: Sequence[Sequence], full: float, per_case: float) -> float | None:
    """full − per_case × (kinds over quota + organ on institutional quota), floored at 0; None without quotas."""
    if not quotas:
        return None
    return _floor(full - per_case * len(quota_cases(unit_kind, quotas)))


def posts_within(posts: Sequence[Sequence], full: float, per_post: float) -> float | None:
    """full − per_post × Σ_rank max(actual − approved, 0), floored at 0; None without approved posts.

    Per rank: a vacant 正职 does not excuse a 副职 over the number (4 deputies of 3 approved = 1 over).
    """
    if not posts:
        return None
    over = sum(max(n - a, 0) for _r, a, n in posts)
    return _floor(full - per_post * over)


# ---------------------------------------------------------------- answers

def mean_points(counts: Mapping[str, int], points: Mapping[str, float]) -> tuple[float | None, int]:
    """(mean of the options' points over the answers that have points, how many such answers)."""
    n = sum(c for v, c in counts.items() if v in points)
    if not n:
        return None, 0
    return sum(float(points[v]) * c for v, c in counts.items() if v in points) / n, n


def from_share(share: float | None, full: float) -> float | None:
    return None if share is None else full * share


def sheet_points(share: float | None, full: float, long_vacant_kinds: int = 0, deduction: float = 0,
                 late: bool = False, late_deduction: float = 0) -> float | None:
    """The lead-signed share of the sheet × full, less `deduction` per long-vacant quota kind and
    `late_deduction` when the self-assessment was filed late, floored at 0."""
    if share is None:
        return None
    return _floor(full * share - deduction * long_vacant_kinds - (late_deduction if late else 0))


def sheet_with_forms(sheet_share: float | None, form_share_value: float | None, form_share: float) -> float | None:
    """A sheet-scored indicator that a questionnaire / satisfaction question is also tagged with: the sheet
    prevails for `1 − form_share`, the answers' mean points count for `form_share` (default 0.3: sheet 0.8 and
    answers 0.5 → 0.7 × 0.8 + 0.3 × 0.5 = 0.71). Without answers the sheet alone; without a signed sheet the
    indicator is missing (the answers alone are public opinion, not the evaluator's judgement)."""
    if sheet_share is None:
        return None
    if form_share_value is None or not form_share:
        return sheet_share
    return (1 - form_share) * sheet_share + form_share * form_share_value


def filed_late(filed_on: date | None, due_on: date | None, as_of: date) -> bool | None:
    """Was the self-assessment filed after the campaign's 部门自评 deadline? True / False; None when it cannot be
    said yet (no deadline set, or not filed while the deadline has not passed). Filed on the due date is on time;
    not filed once the deadline has passed is late."""
    if due_on is None:
        return None
    if filed_on is None:
        return True if as_of > due_on else None
    return filed_on > due_on


RECTIFICATION_MISSING = gettext_lazy("本单位没有上一轮评估的整改记录")


def rectification_on_time(records: Sequence | None = None, full: float = 10) -> tuple[float | None, str]:
    """整改 closed on time in the previous campaign: `records` are its items as (deadline, closed on or None).
    Share closed by their deadline × full: 3 items, 2 closed on time → 2 ÷ 3 × 10 = 6.67. No item to rectify:
    full marks. No previous campaign (None): missing, with that reason — never zero nor full marks."""
    if records is None:
        return None, RECTIFICATION_MISSING
    records = list(records)
    if not records:
        return float(full), ""
    on_time = sum(1 for deadline, closed_on in records if closed_on is not None and closed_on <= deadline)
    return full * on_time / len(records), ""


def deduction(count: float | None, full: float, per_item: float) -> float | None:
    """Negative indicator: full − per_item × incidents, floored at 0 (3 incidents × 5 of 10 = 0, not −5)."""
    if count is None:
        return None
    return _floor(full - per_item * float(count))


# ---------------------------------------------------------------- weighing, coverage, grades, ranks

def round1(value: float | Decimal | None) -> Decimal | None:
    """The score as displayed: one decimal, half up (89.95 → 90.0)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def grade(score: float | Decimal | None, cutoffs: Mapping[str, Decimal]) -> str | None:
    """优秀 / 良好 / 一般 / 较差 from the score *as displayed*, so "90.0" is never 良好."""
    shown = round1(score)
    if shown is None:
        return None
    for code in ("excellent", "good", "fair"):
        if shown >= Decimal(str(cutoffs[code])):
            return code
    return "poor"


GRADE_LABELS = {"excellent": gettext_lazy("优秀"), "good": gettext_lazy("良好"), "fair": gettext_lazy("一般"),
                "poor": gettext_lazy("较差")}
INCOMPLETE_LABEL = gettext_lazy("数据不全")


@dataclass
class Aggregate:
    total: float | None
    blocks: dict[str, float | None]
    dimensions: dict[str, float | None]
    scored: int
    count: int
    weight_covered: float
    missing: list[str]  # codes missing and not exempt
    complete: bool


def aggregate(
    shares: Mapping[str, float | None],
    weights: Mapping[str, float],
    dimension_of: Mapping[str, str],
    blocks: Mapping[str, Iterable[str]],
    exempt: Iterable[str] = (),
    min_coverage: float = 1.0,
) -> Aggregate:
    """100 × Σ w·s ÷ Σ w over the scored indicators, per dimension, per block, in total; coverage.

    The total is over the scored indicators, but a result is complete only when the weight covered (exempt
    indicators left out of both sides) reaches `min_coverage` and no non-exempt indicator is missing while
    the minimum is "every indicator" (1.0): below it the unit gets no grade, it shows 数据不全.
    """
    return Weighing(weights, dimension_of, blocks, exempt, min_coverage)([shares.get(code) for code in weights])


class Weighing:
    """`aggregate` with a tree's weights, dimensions, blocks and exemptions prepared once, for the shares of
    each of a campaign's units (a list in the order of `weights`): the same sums in the same order (the same
    floats). Dimensions are numbered, their sums kept in lists: a campaign weighs 41,000 shares."""

    def __init__(self, weights: Mapping[str, float], dimension_of: Mapping[str, str],
                 blocks: Mapping[str, Iterable[str]], exempt: Iterable[str] = (), min_coverage: float = 1.0):
        exempt = set(exempt)
        self.dimensions = list(dict.fromkeys(dimension_of[code] for code in weights))
        number = {d: i for i, d in enumerate(self.dimensions)}
        self.items = [(code, w, number[dimension_of[code]], code in exempt) for code, w in weights.items()]
        # a block's dimensions that the tree has (another adds 0.0 to its sums: nothing)
        self.blocks = {b: [number[d] for d in dims if d in number] for b, dims in blocks.items()}
        self.need = 0.0  # the weight to cover: the non-exempt indicators'
        for _code, w, _d, is_exempt in self.items:
            if not is_exempt:
                self.need += w
        self.min_coverage = min_coverage

    def __call__(self, shares: Sequence[float | None]) -> Aggregate:
        # one pass: per dimension Σ w·s and Σ w over the scored; coverage over the non-exempt
        dim_ws = [0.0] * len(self.dimensions)
        dim_w = [0.0] * len(self.dimensions)
        scored = 0
        covered = weight_covered = 0.0
        missing = []
        for (code, w, d, is_exempt), s in zip(self.items, shares):
            if s is not None:
                scored += 1
                weight_covered += w
                dim_ws[d] += w * s
                dim_w[d] += w
                if not is_exempt:
                    covered += w
            elif not is_exempt:
                missing.append(code)

        def mean(ws: list[float], w: float) -> float | None:
            return 100 * sum(ws) / w if w > 0 else None

        need, min_coverage = self.need, self.min_coverage
        coverage = covered / need if need > 0 else 0.0
        complete = scored > 0 and (not missing if min_coverage >= 1.0 else coverage + 1e-9 >= min_coverage)
        return Aggregate(
            total=mean(dim_ws, sum(dim_w)),
            blocks={b: mean([dim_ws[d] for d in dims], sum([dim_w[d] for d in dims])) for b, dims in self.blocks.items()},
            dimensions={d: (100 * ws / w if w > 0 else None) for d, ws, w in zip(self.dimensions, dim_ws, dim_w)},
            scored=scored,
            count=len(self.items),
            weight_covered=weight_covered,
            missing=missing,
            complete=complete,
        )


def ranks(values: Mapping[object, Decimal | None]) -> dict[object, int]:
    """Competition ranking, highest first, ties shared (90.0, 90.0, 85.1 → 1, 1, 3); None is not ranked."""
    ordered = sorted((v for v in values.values() if v is not None), reverse=True)
    first = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {key: first[v] for key, v in values.items() if v is not None}


# ---------------------------------------------------------------- sensitivity of grades to a dimension weight

@dataclass(frozen=True)
class GradeInterval:
    dimension: str
    current: float
    lo: float  # no unit's grade changes for the dimension's weight in [lo, hi]
    hi: float
    closest: list[tuple[object, float]] = field(default_factory=list)  # (unit, distance in points to a cut-off)


def grade_stability(
    scores: Mapping[object, Sequence[float]], weights: Sequence[float], dimensions: Sequence[str],
    cutoffs: Sequence[float], closest: int = 3,
) -> list[GradeInterval]:
    """Per dimension k: the interval of its weight w_k (the others rescaled to keep the sum 1) inside which
    no unit's total crosses a grade cut-off. A unit's total is linear in w_k:
    T(t) = R + t (x_k − R), with R its total at w_k = 0; it meets cut-off c at t = (c − R) ÷ (x_k − R).
    `scores` are each unit's dimension scores (0–100) in the order of `weights`."""
    total_w = sum(weights)
    w = [x / total_w for x in weights]
    units = list(scores)
    out = []
    for k, wk in enumerate(w):
        lo, hi = 0.0, 1.0
        distance = []
        for unit in units:
            x = scores[unit]
            total = sum(a * b for a, b in zip(x, w))
            rest = (total - wk * x[k]) / (1 - wk) if wk < 1 else total
            slope = x[k] - rest
            distance.append((unit, min(abs(total - c) for c in cutoffs)))
            if abs(slope) < 1e-12:
                continue
            for c in cutoffs:
                t = (c - rest) / slope
                if t < wk - 1e-12:
                    lo = max(lo, t)
                elif t > wk + 1e-12:
                    hi = min(hi, t)
        distance.sort(key=lambda row: row[1])
        out.append(GradeInterval(dimensions[k], wk, max(0.0, lo), min(1.0, hi), distance[:closest]))
    return out
