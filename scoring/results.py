"""The result of each unit: every indicator scored from its source by the rule its tree declares, weighed,
stored as versions, graded and ranked.

`results_compute` is the one computation: the office's live view before 撰写报告 (marked 暂定) and the stored
version 1 when the campaign enters 撰写报告 (`results_store`) are the same numbers. After that, everything reads
the stored versions (scoring.selectors.campaign_results); a change (a 复核 decision) makes a new version with
its reason (`result_revise`). The rules themselves are pure functions in scoring.rules.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import JSONField, Min, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg.types.json import Json

from bianzhi.exceptions import ApplicationError
from bianzhi.figures import is_long_vacancy
from bianzhi.memory import cycles_uncollected
from bianzhi.models import LeadershipPost, Quota, UnitVersion, User
from bianzhi.payload import json_text
from bianzhi.pool.selectors import pool_effective_lines
from evaluations import events, hooks
from evaluations.guard import campaign_writable
from evaluations.hooks import on_stage_entered
from evaluations.models import Campaign, CampaignDeadline, CampaignTarget, SelfAssessment
from surveys.models import Form
from surveys.selectors import form_indicator_points, signed_sheet_values, staff_dimension_rates

from . import rules
from .indicators import DIMENSIONS
from .models import IndicatorTree, ResultVersion, TreeDimension, TreeIndicator, WeightFreeze
from .tree_defaults import DEFAULT_FULL_MARKS, DEFAULT_TEMPLATE_NAME, default_rule

QUOTA_LABELS = {
    "administrative": gettext_lazy("行政编制"), "institutional_full": gettext_lazy("事业编制（全额）"),
    "institutional_partial": gettext_lazy("事业编制（差额）"), "institutional_self": gettext_lazy("事业编制（自收自支）"),
    "service_worker": gettext_lazy("工勤编制"), "political_legal": gettext_lazy("政法专项编制"),
}
RANK_LABELS = {
    "bureau_full": gettext_lazy("正厅级"), "bureau_deputy": gettext_lazy("副厅级"), "division_full": gettext_lazy("正处级"),
    "division_deputy": gettext_lazy("副处级"), "section_full": gettext_lazy("正科级"),
    "section_deputy": gettext_lazy("副科级"), "stock": gettext_lazy("股级"),
}


def _d2(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


@dataclass
class Scheme:
    """What the computation needs of the campaign's tree: indicators in order, weights, settings."""

    tree: IndicatorTree
    indicators: list[TreeIndicator]
    weights: dict[str, float]  # global weights, sum 1
    dimension_names: dict[str, str]
    frozen: bool


def scheme_get(*, campaign: Campaign) -> Scheme:
    """The campaign's tree (or the default template before it has copied one) and its weights: the frozen
    global weights, or equal weights (each dimension equal, each indicator equal within it) before the freeze."""
    tree = (IndicatorTree.objects.filter(campaign=campaign).first()
            or IndicatorTree.objects.filter(campaign__isnull=True, name=DEFAULT_TEMPLATE_NAME).first())
    if tree is None:  # the shipped template was deleted: the same tree, in memory (a read never writes it back)
        tree, indicators = IndicatorTree(name=DEFAULT_TEMPLATE_NAME), _default_indicators()
    else:
        indicators = list(tree.indicators.select_related("dimension").order_by("dimension__position", "position", "id"))
    dimension_names = {i.dimension.code: i.dimension.name for i in indicators}
    freeze = WeightFreeze.objects.filter(tree=tree).only("global_weights").first() if tree.campaign_id else None
    if freeze:
        weights = {i.code: float(freeze.global_weights.get(i.code, 0.0)) for i in indicators}
    else:
        per_dimension = defaultdict(int)
        for i in indicators:
            per_dimension[i.dimension.code] += 1
        weights = {i.code: 1 / len(per_dimension) / per_dimension[i.dimension.code] for i in indicators}
    return Scheme(tree, indicators, weights, dimension_names, freeze is not None)


def _default_indicators() -> list[TreeIndicator]:
    out = []
    for d_pos, dimension in enumerate(DIMENSIONS, start=1):
        dim = TreeDimension(code=dimension.code, name=dimension.name, position=d_pos)
        for i_pos, ind in enumerate(dimension.indicators, start=1):
            rule, params = default_rule(ind.code)
            out.append(TreeIndicator(dimension=dim, code=ind.code, name=ind.name, position=i_pos, rule=rule,
                                     params=params, full_marks=Decimal(DEFAULT_FULL_MARKS),
                                     direction="negative" if ind.negative else "positive"))
    return out


class _Target(NamedTuple):
    """A campaign's unit as the computation reads it: plain values (building 1,000 target, unit and registry
    version instances cost more than scoring them). Has the `pk`, `unit_id` and `campaign_id` the
    "rectification_history" hook reads."""

    pk: int
    unit_id: int
    campaign_id: int
    kind: str  # the unit's kind and level: the ranks within them
    level: str
    snapshot: dict  # the pinned registry version's data, or the unit's current record when none was pinned
    valid_from: date | None  # the pinned version's date; None for the current record
    pinned: bool


def _targets_read(targets) -> list[_Target]:
    """The targets (a queryset) as plain values: one query, and two more for the current record of the units
    the campaign did not pin a version for, if any."""
    rows = list(targets.annotate(data=json_text("registry_version__data")).values_list(
        "pk", "unit_id", "campaign_id", "unit__kind", "unit__level", "registry_version_id", "data",
        "registry_version__valid_from"))
    current = _current_records({unit_id: kind for _pk, unit_id, _c, kind, _l, version, *_rest in rows if version is None})
    return [_Target(pk, unit_id, campaign_id, kind, level, orjson.loads(data) if version else current[unit_id],
                    valid_from, bool(version))
            for pk, unit_id, campaign_id, kind, level, version, data, valid_from in rows]


def _current_records(kinds: dict[int, str]) -> dict[int, dict]:
    """{unit id: its current quotas and posts, as a registry version's data has them} for the units of `kinds`
    ({unit id: kind}); no query when there is none."""
    if not kinds:
        return {}
    records = {unit_id: {"kind": kind, "quotas": [], "posts": []} for unit_id, kind in kinds.items()}
    for unit_id, kind, approved, actual in Quota.objects.filter(unit_id__any=kinds).values_list(
            "unit_id", "kind", "approved", "actual"):
        records[unit_id]["quotas"].append([kind, approved, actual])
    for unit_id, rank, approved, actual in LeadershipPost.objects.filter(unit_id__any=kinds).values_list(
            "unit_id", "rank", "approved", "actual"):
        records[unit_id]["posts"].append([rank, approved, actual])
    return records


def _long_vacancies(targets: list[_Target], months: int, units) -> dict[int, list[str]]:
    """{target id: quota kinds vacant without a break for `months` up to the pinned version's date}. At most
    one query (`units`: the targets' units, as a subquery: a list of 10,000 ids costs more to send than to read).
    Only the kinds vacant in the pinned version can be: the history is kept for those alone."""
    vacant: dict[int, set[str]] = {}
    for t in targets:
        if t.pinned:
            kinds = {kind for kind, a, n in t.snapshot.get("quotas", []) if a > n and kind in QUOTA_LABELS}
            if kinds:
                vacant[t.pk] = kinds
    history: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    if vacant:
        wanted = set().union(*vacant.values())
        for unit_id, valid_from, data in UnitVersion.objects.filter(unit_id__in=units).annotate(
                text=json_text("data")).values_list("unit_id", "valid_from", "text"):
            present = {kind: (a, n) for kind, a, n in orjson.loads(data).get("quotas", []) if kind in wanted}
            for kind in wanted:
                history[unit_id][kind].append((valid_from, *present.get(kind, (0, 0))))
    return {t.pk: [kind for kind in QUOTA_LABELS if kind in vacant.get(t.pk, ())
                   and is_long_vacancy(history[t.unit_id][kind], as_of=t.valid_from, months=months)]
            for t in targets}


def _self_assessment_dates(campaign: Campaign) -> tuple[date | None, dict[int, date]]:
    """(the campaign's 部门自评 deadline, {target id: the local date its self-assessment was first submitted}).
    Two queries."""
    due = (CampaignDeadline.objects.filter(campaign=campaign, step=Campaign.Status.SELF_ASSESSMENT)
           .values_list("due_on", flat=True).first())
    first = (SelfAssessment.objects.filter(target__campaign=campaign, submitted_at__isnull=False)
             .values("target_id").annotate(first=Min("submitted_at")).values_list("target_id", "first"))
    return due, {target_id: timezone.localdate(at) for target_id, at in first}


def _public_mean(found: tuple[tuple[float, int], ...]) -> tuple[float | None, int]:
    """The answers of several forms tagged with one indicator pooled: Σ mean·n ÷ Σ n."""
    n = sum(f[1] for f in found)
    return (sum(f[0] * f[1] for f in found) / n if n else None), n


def _lines_text(lines, labels) -> str:
    return _("；").join(_("%(kind)s 实有 %(actual)s／核定 %(approved)s") % {"kind": labels.get(k, k), "actual": n, "approved": a}
                        for k, a, n in lines) or _("无")


@dataclass(slots=True)
class _Spec:
    """One indicator of the campaign's tree, with what every unit's row of it shares."""

    ind: TreeIndicator
    code: str
    rule: str
    params: dict
    full: float
    dimension: str
    label: str  # the rule's, translated once (gettext per row cost more than building it)
    cut: float  # per long-vacant quota kind
    late_cut: float
    form_share: float
    base: dict  # the fixed part of the row


@dataclass(slots=True)
class _Unit:
    """What the rules read of one unit's sources."""

    registry: str  # the registry version the objective rules read, as the row names it
    kind: str
    quotas: tuple  # ((kind, approved, actual), ...) with the pool applied
    posts: tuple
    long_vacant: tuple
    staff: dict  # {dimension: (mean points, n)}
    sheet: dict  # {indicator: (signed score, the score as signed, min, max)}
    public: dict  # {form kind: {indicator: (mean points, n)}}
    tagged: dict  # {indicator: the public forms' (mean points, n) tagged with it, questionnaire then satisfaction}
    late: bool | None
    history: tuple | None  # 整改 of the previous campaign


def _tagged(public: dict) -> dict[str, tuple]:
    forms = [found for found in (public.get(Form.Kind.QUESTIONNAIRE), public.get(Form.Kind.SATISFACTION)) if found]
    return {code: tuple(found[code] for found in forms if code in found) for code in set().union(*forms)}


class _Rows:
    """Each indicator's row for a unit, from the inputs its rule reads (`inputs`) and nothing else (`build`).
    A campaign's rows repeat (the same signed score, the same quotas, the same tally), so equal inputs are
    built once and the row shared: building 41 rows of evidence for every unit was most of storing 1,000.
    The parts of the rows that do not repeat (a sheet score blended with the unit's own answers) are built
    from parts that do: the signed score's share and text, the answers' mean and text."""

    def __init__(self, scheme: Scheme, due: date | None, as_json: bool = False):
        self.scheme, self.due, self.min_sample = scheme, due, scheme.tree.min_sample
        self.as_json = as_json  # also each row's `"code":{…}` as JSON, for storing
        self.form_labels = {k: str(v) for k, v in Form.Kind.choices}
        self.signed: dict[tuple, tuple[float | None, str]] = {}  # a signed score → (its share, its sentence)
        self.tagged: dict[tuple, tuple] = {}  # (indicator, tagged answers) → (mean, n, flag, sentence)
        # The texts of the rows whose inputs rarely repeat (a sheet score blended with a unit's own answers),
        # translated once: the language does not change during a computation, and gettext per row cost more
        # than the rest of building it.
        self.sheet_source, self.sheet_why = _("评估表（评估组长签署）"), _("评估表尚未签署或未评本项")
        self.signed_text = _("签署得分 %(score)s／%(full)s")
        self.tagged_text = _("；问卷／满意度 %(n)s 个回答，平均分值 %(mean)s，占 %(share)s")
        self.tagged_flag = _("%(indicator)s：问卷仅 %(n)s 个回答，少于最少样本 %(min)s")
        self.staff_text, self.staff_why = (_("测评表「%(dimension)s」%(n)s 个回答，平均分值 %(mean)s"),
                                           _("测评表答卷不足最少人数或尚未测评"))
        self.form_text = _("%(form)s %(n)s 个回答，平均分值 %(mean)s")
        self.form_flag = _("%(indicator)s：%(form)s仅 %(n)s 个回答，少于最少样本 %(min)s")
        self.form_why = _("%(form)s没有标注本指标的有效回答")
        self.suffixes: dict[tuple, str] = {}  # the long-vacancy and deadline sentences of a sheet row

    def column(self, spec: _Spec, units: list[_Unit]) -> list[tuple[dict, float | None, tuple, bytes | None]]:
        """The indicator's (row, share of full marks or None, flags, `"code":row` as JSON or None) of every unit,
        in order: one indicator at a time, its rule chosen once (41,000 rows each asking which rule they follow
        cost a tenth of storing 1,000 results), each row built — and serialised — once per distinct input and
        shared."""
        built: dict[tuple, tuple] = {}
        rule = getattr(self, spec.rule)
        code_json = orjson.dumps(spec.code) + b":" if self.as_json else None

        def build(key: tuple) -> tuple:
            row, share, flags = self.build(spec, rule, *key)
            found = built[key] = (row, share, flags, code_json and code_json + orjson.dumps(row))
            return found

        return [built.get(key) or build(key) for key in self.inputs(spec, units)]  # found is a non-empty tuple

    @staticmethod
    def inputs(spec: _Spec, units: list[_Unit]) -> list[tuple]:
        """What the indicator's rule reads of each unit: its row depends on that alone."""
        rule, code = spec.rule, spec.code
        if rule == "staffing_in_place":
            return [(unit.registry, unit.quotas) for unit in units]
        if rule == "quota_rules":
            return [(unit.registry, unit.kind, unit.quotas) for unit in units]
        if rule == "posts_within":
            return [(unit.registry, unit.posts) for unit in units]
        if rule == "staff_dimension":
            dimension = spec.params.get("dimension") or spec.dimension
            return [(unit.staff.get(dimension), unit.tagged.get(code, ())) for unit in units]
        if rule == "questions":
            form = spec.params.get("form") or Form.Kind.QUESTIONNAIRE
            return [(unit.public.get(form, {}).get(code),) for unit in units]
        if rule == "deduction":
            return [(unit.sheet.get(code),) for unit in units]
        if rule == "sheet":
            cut, late_cut = spec.cut, spec.late_cut
            return [(unit.sheet.get(code), unit.long_vacant if cut else (), unit.late if late_cut else None,
                     unit.tagged.get(code, ())) for unit in units]
        if rule == "rectification_on_time":
            return [(unit.history,) for unit in units]
        return [()] * len(units)

    def build(self, spec: _Spec, rule: Callable, *inputs) -> tuple[dict, float | None, tuple]:
        flags: list[str] = []
        points, n, source, evidence, why = rule(spec, flags, *inputs)
        share = None if points is None else min(1.0, points / spec.full)
        row = {**spec.base, "source": source or spec.label, "points": None if points is None else round(points, 4),
               "share": None if share is None else round(share, 6), "evidence": evidence, "n": n, "why": ""}
        if points is None:
            ind = spec.ind
            row["why"] = ind.exempt_reason and _("豁免：%(reason)s") % {"reason": ind.exempt_reason} or str(why)
        return row, share, tuple(flags)

    # Each rule: (points, n, source — "" for the rule's label —, evidence, why it is missing).
    def staffing_in_place(self, spec, flags, registry, quotas):
        return (rules.staffing_in_place(quotas, spec.full), None, registry, _lines_text(quotas, QUOTA_LABELS),
                _("台账中没有核定编制"))

    def quota_rules(self, spec, flags, registry, unit_kind, quotas):
        points = rules.quota_rules(unit_kind, quotas, spec.full, float(spec.params["per_case"]))
        evidence = _("；").join(
            _("%(kind)s 超编 %(n)s 人") % {"kind": QUOTA_LABELS.get(c.split(":")[1], c), "n": c.split(":")[2]}
            if c.startswith("超编") else _(c)  # the other case is 党政机关使用事业编制, marked in rules.py
            for c in rules.quota_cases(unit_kind, quotas)
        ) or _("无超编、无党政机关使用事业编制")
        return points, None, registry, evidence, _("台账中没有核定编制")

    def posts_within(self, spec, flags, registry, posts):
        over = [(r, a, k) for r, a, k in posts if k > a]
        evidence = _("；").join(
            _("%(rank)s 实配 %(filled)s／核定 %(approved)s，超 %(over)s 人") % {
                "rank": RANK_LABELS.get(r, r), "filled": k, "approved": a, "over": k - a}
            for r, a, k in over) or (_("未超职数") if posts else "")
        return (rules.posts_within(posts, spec.full, float(spec.params["per_post"])), None, registry, evidence,
                _("台账中没有核定领导职数"))

    def staff_dimension(self, spec, flags, found, tagged):
        points = n = None
        evidence = ""
        if found:
            share, n = found
            dimension = spec.params.get("dimension") or spec.dimension
            evidence = self.staff_text % {
                "dimension": self.scheme.dimension_names.get(dimension, dimension), "n": n, "mean": f"{share:.3f}"}
            # questions of the public forms tagged with this indicator (满意度测评表「服务态度」→ D4_04)
            if tagged:
                share, n, more = self.with_tagged(spec, share, n, tagged, flags)
                evidence += more
            points = spec.full * share
        return points, n, "", evidence, self.staff_why

    def questions(self, spec, flags, found):
        kind = spec.params.get("form") or Form.Kind.QUESTIONNAIRE
        label = self.form_labels.get(kind, kind)
        points = n = None
        evidence = ""
        if found:
            points, n = spec.full * found[0], found[1]
            evidence = self.form_text % {"form": label, "n": n, "mean": f"{found[0]:.3f}"}
            if n < self.min_sample:
                flags.append(self.form_flag % {
                    "indicator": spec.ind.name, "form": label, "n": n, "min": self.min_sample})
        return points, n, str(label), evidence, self.form_why % {"form": label}

    def sheet(self, spec, flags, found, long_vacant, late, tagged):
        source, why = self.sheet_source, self.sheet_why
        if not found:
            return None, None, source, "", why
        share, evidence = self.signed.get(found) or self.signed.setdefault(found, self.signed_share(*found))
        n = None
        # questions tagged with this sheet indicator: blended at the tree's form_share (rules.sheet_with_forms)
        if share is not None and tagged:
            share, n, more = self.with_tagged(spec, share, None, tagged, flags)
            evidence += more
        cut, late_cut = spec.cut, spec.late_cut
        points = rules.sheet_points(share, spec.full, len(long_vacant) if cut else 0, cut, bool(late and late_cut),
                                    late_cut)
        suffix = self.suffixes.get((cut, late_cut, long_vacant, late))
        if suffix is None:
            suffix = self.suffixes[(cut, late_cut, long_vacant, late)] = self.sheet_suffix(cut, late_cut, long_vacant, late)
        return points, n, source, evidence + suffix, why

    def signed_share(self, value: Decimal, _signed: str, low: Decimal | None, high: Decimal | None):
        """(the share of a signed score on its question's scale or None, the sentence saying it)."""
        low, high = low or Decimal(0), high or Decimal(10)
        span = float(high - low)
        return ((float(value) - float(low)) / span if span > 0 else None,
                self.signed_text % {"score": f"{value:g}", "full": f"{high:g}"})

    def sheet_suffix(self, cut: float, late_cut: float, long_vacant: tuple, late: bool | None) -> str:
        evidence, due = "", self.due
        if cut and long_vacant:
            evidence += _("；长期空编：%(kinds)s，各扣 %(cut)s 分") % {
                "kinds": _("、").join(str(QUOTA_LABELS.get(k, k)) for k in long_vacant), "cut": f"{cut:g}"}
        if late_cut:
            on = {"due": f"{due:%Y-%m-%d}" if due else "", "cut": f"{late_cut:g}"}
            evidence += (_("；未设部门自评截止日期，不判逾期") if due is None else
                         _("；自评报告逾期报送（截止 %(due)s），扣 %(cut)s 分") % on if late else
                         _("；自评报告按时报送（截止 %(due)s）") % on if late is False else
                         _("；自评报告尚未报送，截止 %(due)s") % on)
        return evidence

    def deduction(self, spec, flags, found):
        source, why = self.sheet_source, self.sheet_why
        if not found:
            return None, None, source, "", why
        per_item = spec.params["per_item"]
        return (rules.deduction(found[0], spec.full, float(per_item)), None, source,
                _("重大失误 %(n)s 起，每起扣 %(cut)s 分") % {"n": f"{found[0]:g}", "cut": per_item}, why)

    def rectification_on_time(self, spec, flags, history):
        points, why = rules.rectification_on_time(history, spec.full)
        evidence = ""
        if history is not None:
            on_time = sum(1 for d, c in history if c is not None and c <= d)
            evidence = _("上一轮整改事项 %(n)s 项，按期办结 %(on_time)s 项") % {"n": len(history), "on_time": on_time}
        return points, None, "", evidence, why

    def with_tagged(self, spec: _Spec, share: float, n: int | None, tagged: tuple, flags: list[str]):
        """An indicator scored from the sheet or the staff assessment that questions of the public forms are also
        tagged with: those answers count for `form_share` (rules.sheet_with_forms). Returns (share, n, evidence)."""
        key = (spec.code, tagged)
        public, n_public, flag, evidence = self.tagged.get(key) or self.tagged.setdefault(key, self.tagged_part(spec, tagged))
        if public is None or not spec.form_share:
            return share, n, ""
        if flag:
            flags.append(flag)
        return rules.sheet_with_forms(share, public, spec.form_share), n_public, evidence

    def tagged_part(self, spec: _Spec, tagged: tuple) -> tuple[float | None, int, str, str]:
        """What the answers tagged with an indicator add to its row: (their mean, how many, the flag when they are
        fewer than the minimum sample or "", the sentence)."""
        public, n_public = _public_mean(tagged)
        if public is None:
            return None, n_public, "", ""
        flag = (self.tagged_flag % {"indicator": spec.ind.name, "n": n_public, "min": self.min_sample}
                if n_public < self.min_sample else "")
        return public, n_public, flag, self.tagged_text % {
            "n": n_public, "mean": f"{public:.3f}", "share": f"{spec.form_share:.0%}"}


@cycles_uncollected()  # a million short-lived tuples and dicts (bianzhi.memory)
def results_compute(*, campaign: Campaign, targets=None) -> list[ResultVersion]:
    """Every unit's result, unsaved (version 0), ranked. A fixed number of queries, whatever the number of units."""
    targets = targets if targets is not None else campaign.targets.all()
    instances = {t.pk: t for t in targets.select_related("unit")}  # the pages show each result's unit
    return [ResultVersion(campaign=campaign, target=instances[target.pk], version=0, **fields)
            for target, fields in _results(campaign, targets)]


def _results(campaign: Campaign, targets, *, as_json: bool = False) -> list[tuple[_Target, dict]]:
    """Every unit's result as the values of a ResultVersion's fields, ranked: (target, {field: value}). With
    `as_json`, its indicators as the JSON to store (bytes), joined from their rows' (each distinct row
    serialised once: serialising every unit's rows anew was a tenth of storing 1,000)."""
    scheme = scheme_get(campaign=campaign)
    tree = scheme.tree
    unit_ids = targets.values("unit_id")  # a subquery: a list of 10,000 ids costs more to send than to read
    targets = _targets_read(targets)
    staff = staff_dimension_rates(campaign)
    forms = form_indicator_points(campaign, (Form.Kind.QUESTIONNAIRE, Form.Kind.SATISFACTION))
    sheets = signed_sheet_values(campaign)
    vacancies = _long_vacancies(targets, tree.long_vacancy_months, units=unit_ids)
    due, filed = _self_assessment_dates(campaign)
    # 整改 of each unit's previous campaign (reports.followup answers through the hook; None: not known)
    rectified = hooks.target_facts("rectification_history", targets) or {}
    today = timezone.localdate()
    # 周转池: what each unit may use (owned − deposited + borrowed) on the day the campaign pinned its versions
    pinned_on = timezone.localdate(campaign.created_at)
    pool = pool_effective_lines({t.pk: (t.unit_id, pinned_on, t.snapshot.get("quotas", []), vacancies.get(t.pk, []))
                                 for t in targets}, units=unit_ids)
    dimension_of = {i.code: i.dimension.code for i in scheme.indicators}
    execution = set(tree.execution_dimensions or [])
    blocks = {"execution": [d for d in scheme.dimension_names if d in execution],
              "benefit": [d for d in scheme.dimension_names if d not in execution]}
    exempt = {i.code for i in scheme.indicators if i.exempt_reason}
    # Per-campaign constants of each indicator, once: its parameters as floats and the fixed part of its row.
    specs = []
    for ind in scheme.indicators:
        params = rules.rule_params(ind.rule, ind.params)
        specs.append(_Spec(ind, ind.code, ind.rule, params, float(ind.full_marks), dimension_of[ind.code],
                           str(rules.RULE_LABELS[ind.rule]), float(params.get("long_vacancy_deduction") or 0),
                           float(params.get("late_deduction") or 0), float(params.get("form_share") or 0),
                           {"name": ind.name, "dimension": dimension_of[ind.code], "rule": ind.rule,
                            "full": float(ind.full_marks), "weight": scheme.weights.get(ind.code, 0.0)}))
    dimension_weights = defaultdict(float)
    for code, w in scheme.weights.items():
        dimension_weights[dimension_of[code]] += w
    dimension_parts = {d: (scheme.dimension_names[d], round(w, 6)) for d, w in dimension_weights.items()}
    weigh = rules.Weighing(scheme.weights, dimension_of, blocks, exempt, float(tree.min_coverage) / 100)
    registries: dict[date | None, str] = {}
    units = []
    for target in targets:
        data, valid_from = target.snapshot, target.valid_from
        registry = registries.get(valid_from)
        if registry is None:
            registry = registries[valid_from] = (_("编制台账（%(date)s 版）") % {"date": f"{valid_from:%Y-%m-%d}"}
                                                 if valid_from else _("编制台账（当前记录）"))
        quotas, long_vacant = pool[target.pk]
        history = rectified.get(target.pk)
        public = {kind: found[target.pk] for kind, found in forms.items() if target.pk in found}
        units.append(_Unit(registry, data.get("kind", ""), tuple(map(tuple, quotas)),
                           tuple(map(tuple, data.get("posts", []))), tuple(long_vacant), staff.get(target.pk, {}),
                           sheets.get(target.pk, {}), public, _tagged(public),
                           rules.filed_late(filed.get(target.pk), due, today), None if history is None else tuple(history)))
    built = _Rows(scheme, due, as_json)
    columns = [built.column(spec, units) for spec in specs]  # in the order of the weights (the tree's)
    codes = [spec.code for spec in specs]
    results = []
    by_unit = zip(*columns) if columns else [()] * len(targets)  # a tree without indicators still has results
    for target, found in zip(targets, by_unit):  # found: each indicator's (row, share, flags, JSON) of the unit
        agg = weigh([share for _row, share, _flags, _json in found])
        flags = [flag for _row, _share, row_flags, _json in found for flag in row_flags]
        rows = dict(zip(codes, [row for row, _share, _flags, _json in found])) if agg.missing or not as_json else {}
        missing = [{"code": c, "name": rows[c]["name"], "why": rows[c]["why"]} for c in agg.missing]
        indicators = b"{" + b",".join([row_json for _row, _share, _flags, row_json in found]) + b"}" if as_json else rows
        results.append((target, {
            "total": _d2(agg.total), "execution": _d2(agg.blocks.get("execution")), "benefit": _d2(agg.blocks.get("benefit")),
            "grade": (rules.grade(agg.total, campaign.grade_cutoffs) or "") if agg.complete else "",
            "complete": agg.complete, "scored": agg.scored, "indicator_count": agg.count,
            "weight_covered": round(agg.weight_covered, 6), "missing": missing, "flags": flags, "indicators": indicators,
            "dimensions": {d: {"name": dimension_parts[d][0], "score": None if s is None else round(s, 2),
                               "weight": dimension_parts[d][1]} for d, s in agg.dimensions.items()},
        }))
    ranked = _ranks([(t.pk, fields["total"], fields["complete"], t.kind, t.level) for t, fields in results])
    for target, fields in results:
        fields["rank_overall"], fields["rank_kind"], fields["rank_level"] = ranked[target.pk]
    return results


def _ranks(results: list[tuple[int, Decimal | None, bool, str, str]]) -> dict[int, tuple[int | None, ...]]:
    """{target id: (rank overall, within the unit's kind, within its level)} of (target id, total, complete,
    unit kind, unit level): by the total as displayed, ties shared. Only complete results are ranked (数据不全
    has no place)."""
    shown = {pk: rules.round1(total) if complete else None for pk, total, complete, _k, _l in results}
    by_kind, by_level = defaultdict(dict), defaultdict(dict)
    for pk, _total, _complete, kind, level in results:
        by_kind[kind][pk] = by_level[level][pk] = shown[pk]
    overall = rules.ranks(shown)
    kind_ranks = {k: rules.ranks(v) for k, v in by_kind.items()}
    level_ranks = {k: rules.ranks(v) for k, v in by_level.items()}
    return {pk: (overall.get(pk), kind_ranks[kind].get(pk), level_ranks[level].get(pk))
            for pk, _total, _complete, kind, level in results}


def results_rank(results: list[ResultVersion]) -> None:
    """Ranks the versions (overall, within the unit's kind and within its level): see _ranks."""
    ranked = _ranks([(r.target_id, r.total, r.complete, r.target.unit.kind, r.target.unit.level) for r in results])
    for r in results:
        r.rank_overall, r.rank_kind, r.rank_level = ranked[r.target_id]


@on_stage_entered(Campaign.Status.REPORT)
@transaction.atomic
@cycles_uncollected()  # a million short-lived tuples and dicts (bianzhi.memory)
def results_store(campaign: Campaign, actor: User | None) -> int:
    """Store version 1 of every unit that has no stored result yet (called when the campaign enters 撰写报告;
    calling it again stores nothing twice). Returns how many versions were written."""
    # unordered: the model orders by target, i.e. by campaign and unit code, through three joins
    have = set(ResultVersion.objects.filter(campaign=campaign).order_by().values_list("target_id", flat=True))
    todo = campaign.targets.exclude(pk__in=have)
    if not todo.exists():
        return 0
    # Ranks are taken over the whole campaign, even when only some units are new.
    with translation.override(settings.LANGUAGE_CODE):  # a stored version is a record: in the office's language
        copy = connection.vendor == "postgresql"  # _insert: a COPY of the indicators' JSON, else an INSERT
        results = [(target, fields) for target, fields in _results(campaign, campaign.targets.all(), as_json=copy)
                   if target.pk not in have]
        first = {"campaign_id": campaign.pk, "version": 1, "created_at": timezone.now(),
                 "actor_id": actor.pk if actor else None, "reason": _("进入撰写报告阶段时生成")}
    _insert([{**first, "target_id": target.pk, **fields} for target, fields in results])
    events.event_results_stored(campaign=campaign, actor=actor, units=len(results))
    return len(results)


def _insert(results: list[dict]) -> None:
    """Write the new versions ({field attname: value} each; on PostgreSQL the indicators already as JSON, from
    _results(as_json=True)). On PostgreSQL one binary COPY of plain values: the
    rows' large JSON texts go to the server without the INSERT's per-value SQL quoting (for 1,000 units most of
    the time of a bulk INSERT) nor the text COPY's escaping and unescaping of 9 MB, and no model instance is
    built; elsewhere one INSERT."""
    if connection.vendor != "postgresql":
        ResultVersion.objects.bulk_create([ResultVersion(**fields) for fields in results], batch_size=2000)
        return
    fields = [f for f in ResultVersion._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    names = [f.attname for f in fields]
    json_at = {f.attname for f in fields if isinstance(f, JSONField)}
    types = [re.sub(r"\(.*\)", "", f.db_type(connection)) for f in fields]  # numeric(6, 2) → numeric: a binary
    with connection.cursor() as cursor, cursor.cursor.copy(  # COPY sends each value as its column's type
            f"COPY {connection.ops.quote_name(ResultVersion._meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for r in results:
            copy.write_row([Json(r[name], _as_is if name == "indicators" else orjson.dumps)
                            if name in json_at else r[name] for name in names])


# The JSON of a json column for COPY: orjson, as json.dumps took a third of storing 1,000 units' results;
# no spaces, Chinese as UTF-8 rather than \\u escapes (a third smaller); bytes handed to psycopg as they are
# (decoding 9 MB of it to str for psycopg to encode again cost as much as serialising it).
def _as_is(json: bytes) -> bytes:
    return json


@transaction.atomic
def result_revise(target: CampaignTarget, changes: dict[str, Decimal | float], reason: str, actor: User) -> ResultVersion:
    """A new version of the unit's result with some indicators' points changed (a 复核 decision): the stored
    weights and the other indicators stay as they were; totals, grade and ranks follow. `changes` maps an
    indicator code to its new points on the indicator's full marks."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("修改评估结果必须写明理由"))
    latest = (ResultVersion.objects.select_for_update().filter(target=target).order_by("-version").first())
    if latest is None:
        raise ApplicationError(_("该单位还没有已保存的评估结果"))
    campaign = Campaign.objects.get(pk=target.campaign_id)
    campaign_writable(campaign, "results")
    rows = {code: dict(row) for code, row in latest.indicators.items()}
    for code, value in changes.items():
        if code not in rows:
            raise ApplicationError(_("没有这个指标：%(c)s") % {"c": code})
        value = float(value)
        if not 0 <= value <= rows[code]["full"]:
            raise ApplicationError(_("%(n)s 的得分须在 0 到 %(f)s 之间") % {"n": rows[code]["name"], "f": rows[code]["full"]})
        with translation.override(settings.LANGUAGE_CODE):  # the stored version: in the office's language
            rows[code].update(points=value, share=round(value / rows[code]["full"], 6), source=_("评估复核"),
                              evidence=_("复核改为 %(value)s（原 %(before)s）：%(reason)s") % {
                                  "value": f"{value:g}", "reason": reason,
                                  "before": rows[code]["points"] if rows[code]["points"] is not None else _("无")})
        rows[code]["why"] = ""
    weights = {c: r["weight"] for c, r in rows.items()}
    dimension_of = {c: r["dimension"] for c, r in rows.items()}
    tree = IndicatorTree.objects.filter(campaign=campaign).first()
    execution = set(tree.execution_dimensions if tree else [])
    dims = list(latest.dimensions)
    blocks = {"execution": [d for d in dims if d in execution], "benefit": [d for d in dims if d not in execution]}
    exempt = set(tree.indicators.exclude(exempt_reason="").values_list("code", flat=True)) if tree else set()
    agg = rules.aggregate({c: r["share"] for c, r in rows.items()}, weights, dimension_of, blocks, exempt,
                          float(tree.min_coverage) / 100 if tree else 1.0)
    new = ResultVersion(
        campaign=campaign, target=target, version=latest.version + 1, actor=actor, reason=reason,
        total=_d2(agg.total), execution=_d2(agg.blocks.get("execution")), benefit=_d2(agg.blocks.get("benefit")),
        grade=(rules.grade(agg.total, campaign.grade_cutoffs) or "") if agg.complete else "", complete=agg.complete,
        scored=agg.scored, indicator_count=agg.count, weight_covered=round(agg.weight_covered, 6),
        missing=[{"code": c, "name": rows[c]["name"], "why": rows[c].get("why", "")} for c in agg.missing],
        flags=latest.flags, indicators=rows,
        dimensions={d: {**latest.dimensions[d], "score": None if s is None else round(s, 2)} for d, s in agg.dimensions.items()},
    )
    others = list(latest_versions(campaign=campaign).exclude(target=target).select_related("target__unit"))
    new.target = CampaignTarget.objects.select_related("unit").get(pk=target.pk)
    results_rank([*others, new])
    new.save()
    events.event_result_revised(target=target, actor=actor, version=new.version, reason=reason,
                                changes={c: float(v) for c, v in changes.items()}, total=str(new.total),
                                grade=new.grade)
    hooks.result_revised(new.target, actor, reason)
    return new


def latest_versions(*, campaign: Campaign | None = None, campaigns=None):
    """Each unit's latest stored version, of the campaign or of several (one query)."""
    newest = ResultVersion.objects.filter(target=OuterRef("target")).order_by("-version").values("version")[:1]
    versions = ResultVersion.objects.filter(version=Subquery(newest))
    return versions.filter(campaign=campaign) if campaigns is None else versions.filter(campaign__in=campaigns)
