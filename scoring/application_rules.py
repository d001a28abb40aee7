"""Result-application rules (评估结果运用): pure functions over a unit's latest final result and its figures.

From the paper (section 三（三）): 一般/较差 → no request to raise the rank, add bodies, quotas or posts for a
year from the feedback date; ample vacancies → part reclaimed, or no adjustment request for 2 years; light
workload → the hiring plan paused; real shortage or 优秀 → 倾斜. And whatever the grade: never 超编, never an
organ on 事业编制 (section 四). No ORM here (only gettext): the register (scoring.register) gathers the inputs.

A rule "binds until" its last day, inclusive: one year from a feedback date of 2025-03-01 ends on 2026-02-28.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianzhi.figures import INSTITUTIONAL_KINDS, StaffingFigures, add_months, figures_by_kind, kind_sums

# request kinds
RANK, BODY, QUOTA, POSTS, HIRING = "rank", "body", "quota", "posts", "hiring"
ADJUSTMENT_KINDS = frozenset({RANK, BODY, QUOTA, POSTS})  # the four kinds the paper names
ALL_KINDS = ADJUSTMENT_KINDS | {HIRING}
KIND_LABELS = {RANK: gettext_lazy("调整机构规格"), BODY: gettext_lazy("增设内设机构"), QUOTA: gettext_lazy("增加编制"),
               POSTS: gettext_lazy("增加领导职数"), HIRING: gettext_lazy("用编进人计划")}
GRADE_LABELS = {"excellent": gettext_lazy("优秀"), "good": gettext_lazy("良好"), "fair": gettext_lazy("一般"),
                "poor": gettext_lazy("较差")}

BLOCK, PRIORITY, RECLAIM = "block", "priority", "reclaim"

RULE_NAMES = {
    "poor_grade": gettext_lazy("评估结果为一般、较差：一年内不受理调整事项"),
    "ample_vacancy": gettext_lazy("编制较充裕：两年内不受理调整事项，并适时收回编制"),
    "light_workload": gettext_lazy("工作量较轻：暂停审批用编进人计划（根据退休人数申请的除外）"),
    "priority": gettext_lazy("评估优秀或确实缺编：予以倾斜"),
    "no_overstaffing": gettext_lazy("严禁超编进人"),
    "organ_institutional": gettext_lazy("党政机关不得使用事业编制"),
}


@dataclass(frozen=True)
class RuleParams:
    poor_grade_enabled: bool = True
    poor_freeze_months: int = 12
    vacancy_enabled: bool = True
    vacancy_rate_min: float = 0.10
    vacancy_count_min: int = 3
    vacancy_months: int = 12
    vacancy_freeze_months: int = 24
    reclaim_share: float = 0.5
    workload_enabled: bool = True
    workload_indicator: str = "D7_02"  # 职责饱和程度
    workload_threshold: float = 0.6
    workload_pause_months: int = 12
    priority_enabled: bool = True
    workload_high: float = 0.8


@dataclass(frozen=True)
class FinalResult:
    """What the rules need of a unit's latest final result."""

    campaign_id: int
    campaign_name: str
    year: int
    grade: str | None
    score: float | None
    feedback_on: date | None
    indicator_scores: Mapping[str, float] = field(default_factory=dict)

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade or "", "—")


@dataclass(frozen=True)
class UnitFacts:
    unit_kind: str
    lines: tuple[tuple[str, int, int], ...]  # effective (kind, usable, actual): the pool's deposits and loans applied
    history: tuple[tuple[date, int, int], ...] = ()  # dated (approved, actual) totals from the registry versions


@dataclass(frozen=True)
class RequestFacts:
    kind: str
    quota_kind: str = ""
    amount: int = 0
    retiring: int = 0  # 用编进人计划 by retirement: the posts that retirements free
    basis: str = ""  # 用编进人计划: "retirement" (根据退休人数) or "new"


@dataclass(frozen=True)
class Finding:
    rule: str
    effect: str  # BLOCK, PRIORITY or RECLAIM
    say: Callable[[], str] = field(compare=False, repr=False)  # writes the reason
    until: date | None = None  # last day it binds, inclusive
    kinds: frozenset = frozenset()  # request kinds it affects
    hard: bool = False  # cannot be overridden

    @cached_property
    def reason(self) -> str:
        """Written when read: the dashboard counts a city's frozen units without writing their sentences."""
        return self.say()

    @property
    def name(self) -> str:
        return RULE_NAMES[self.rule]

    def as_dict(self) -> dict:
        return {"rule": self.rule, "name": str(self.name), "effect": self.effect, "reason": str(self.reason),
                "until": self.until.isoformat() if self.until else None, "kinds": sorted(self.kinds), "hard": self.hard}


@lru_cache(maxsize=4096)  # a city's units share a handful of feedback days
def last_day(start: date, months: int) -> date:
    """The last day of a period of `months` months beginning on `start` (inclusive)."""
    return add_months(start, months) - timedelta(days=1)


def totals(lines) -> tuple[StaffingFigures, int, int]:
    """(total figures, vacancy, overstaffing), vacancy and 超编 counted kind by kind."""
    sums = kind_sums(lines).values()  # plain numbers: the dashboard asks this of a city's units at once
    total = StaffingFigures(sum(a for a, _x in sums), sum(x for _a, x in sums))
    return total, sum(max(a - x, 0) for a, x in sums), sum(max(x - a, 0) for a, x in sums)


def is_ample(approved: int, vacancy: int, params: RuleParams) -> bool:
    rate = vacancy / approved if approved else 0.0
    return vacancy > 0 and (rate >= params.vacancy_rate_min or vacancy >= params.vacancy_count_min)


def ample_since(history, params: RuleParams) -> date | None:
    """Since when the unit has been amply vacant without a break (totals; approximate: 空编 on the totals)."""
    since = None
    for day, approved, actual in sorted(history):
        if is_ample(approved, max(approved - actual, 0), params):
            since = since or day
        else:
            since = None
    return since


def _source(result: FinalResult) -> str:
    return _("%(campaign)s（%(year)s年）评估等次%(grade)s，%(date)s反馈") % {
        "campaign": result.campaign_name, "year": result.year, "grade": result.grade_label,
        "date": f"{result.feedback_on:%Y-%m-%d}"}


def unit_findings(unit: UnitFacts, result: FinalResult | None, params: RuleParams, today: date) -> list[Finding]:
    """The rules that bind the unit today, whatever it asks for."""
    found: list[Finding] = []
    if result is None or result.feedback_on is None:
        return found
    if params.poor_grade_enabled and result.grade in {"fair", "poor"}:
        until = last_day(result.feedback_on, params.poor_freeze_months)
        if today <= until:
            found.append(Finding("poor_grade", BLOCK, lambda: _("%(source)s：自反馈之日起%(n)s个月内不受理") % {
                "source": _source(result), "n": params.poor_freeze_months}, until, ADJUSTMENT_KINDS))
    total, vacancy, over = totals(unit.lines)
    if params.vacancy_enabled and is_ample(total.approved, vacancy, params):
        since = ample_since(unit.history, params) or today
        if add_months(since, params.vacancy_months) <= today:
            until = last_day(result.feedback_on, params.vacancy_freeze_months)

            def figures() -> str:
                rate = vacancy / total.approved if total.approved else 0.0
                return _("可用编制%(usable)s名、实有%(actual)s名、空编%(vacant)s名（空编率%(rate)s），自%(since)s起持续空编") % {
                    "usable": total.approved, "actual": total.actual, "vacant": vacancy, "rate": f"{rate:.1%}",
                    "since": f"{since:%Y-%m-%d}"}

            if today <= until:
                found.append(Finding("ample_vacancy", BLOCK, lambda: _("%(source)s；%(figures)s：%(n)s个月内不受理调整事项") % {
                    "source": _source(result), "figures": figures(), "n": params.vacancy_freeze_months},
                    until, ADJUSTMENT_KINDS))
            found.append(Finding("ample_vacancy", RECLAIM, lambda: _("%(figures)s：建议收回部分编制") % {"figures": figures()},
                                 None, frozenset()))
    workload = result.indicator_scores.get(params.workload_indicator)
    if params.workload_enabled and workload is not None and workload < params.workload_threshold:
        until = last_day(result.feedback_on, params.workload_pause_months)
        if today <= until:
            found.append(Finding(
                "light_workload", BLOCK,
                lambda: _("%(source)s；职责饱和程度得分%(score)s，低于%(threshold)s：暂停审批用编进人计划（根据退休人数申请的除外）") % {
                    "source": _source(result), "score": f"{workload:.0%}", "threshold": f"{params.workload_threshold:.0%}"},
                until, frozenset({HIRING})))
    if params.priority_enabled:
        shortage = not vacancy and not over and workload is not None and workload >= params.workload_high
        if result.grade == "excellent" or shortage:
            def why() -> str:
                return (_("评估等次优秀") if result.grade == "excellent"
                        else _("无空编、无超编，职责饱和程度得分%(score)s") % {"score": f"{workload:.0%}"})

            found.append(Finding("priority", PRIORITY, lambda: _("%(source)s；%(why)s：研究其机构编制事项时予以倾斜") % {
                "source": _source(result), "why": why()}, last_day(result.feedback_on, 12), ALL_KINDS))
    return found


def hard_findings(request: RequestFacts, unit: UnitFacts) -> list[Finding]:
    """Refusals whatever the grade: the request would make the unit 超编, or put an organ on 事业编制."""
    found = []
    if request.quota_kind in INSTITUTIONAL_KINDS and unit.unit_kind == "party_government" and request.kind in {QUOTA, HIRING}:
        found.append(Finding("organ_institutional", BLOCK, lambda: _("党政机关不得申请或使用事业编制"), None,
                             frozenset({request.kind}), hard=True))
    if request.kind == HIRING:
        usable = sum(u for k, u, _a in unit.lines if k == request.quota_kind)
        actual = sum(a for k, _u, a in unit.lines if k == request.quota_kind)
        after = actual + request.amount - request.retiring
        if after > usable:
            found.append(Finding("no_overstaffing", BLOCK, lambda: _(
                "可用编制%(usable)s名、实有%(actual)s名，进人%(n)s名%(retiring)s后为%(after)s名，将超编%(over)s名") % {
                    "usable": usable, "actual": actual, "n": request.amount, "after": after, "over": after - usable,
                    "retiring": _("（退休%(n)s名）") % {"n": request.retiring} if request.retiring else ""},
                None, frozenset({HIRING}), hard=True))
    return found


def request_findings(request: RequestFacts, unit: UnitFacts, result: FinalResult | None, params: RuleParams,
                     today: date) -> list[Finding]:
    """Every rule that applies to this request today: the unit's rules for its kind, and the hard limits."""
    found = [f for f in unit_findings(unit, result, params, today) if request.kind in f.kinds]
    if request.basis == "retirement":  # the paper still lets such a unit "根据退休人数申请用编计划"
        found = [f for f in found if f.rule != "light_workload"]
    return found + hard_findings(request, unit)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    blocks: tuple[Finding, ...]
    priority: bool

    @property
    def until(self) -> date | None:
        """The day after which the blocks are lifted (None: no block, or one without an end, such as 超编)."""
        if not self.blocks or any(f.until is None for f in self.blocks):
            return None
        return max(f.until for f in self.blocks)


def decide(findings: list[Finding], *, overridden: bool = False) -> Decision:
    """Blocked by any block; an override lifts the result rules' blocks, never a hard one."""
    blocks = tuple(f for f in findings if f.effect == BLOCK and (f.hard or not overridden))
    return Decision(allowed=not blocks, blocks=blocks, priority=any(f.effect == PRIORITY for f in findings))


def may_file(kind: str, unit: UnitFacts, result: FinalResult | None, params: RuleParams, today: date) -> Decision:
    """May the unit file a request of `kind` today (before its amounts are known: the hard limits wait)."""
    return decide([f for f in unit_findings(unit, result, params, today) if kind in f.kinds])


def reclaim_amounts(unit: UnitFacts, params: RuleParams) -> dict[str, int]:
    """{quota kind: quotas to reclaim}: a share of each kind's vacancy, at least one where a kind is vacant."""
    amounts = {}
    for kind, figures in figures_by_kind(unit.lines).items():
        if figures.vacancy:
            amounts[kind] = max(1, int(figures.vacancy * params.reclaim_share))
    return amounts
